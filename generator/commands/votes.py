"""``votes``: count each paper's votes on its GitHub discussion into ``content/votes.json``.

Run weekly by ``.github/workflows/votes.yml``, which opens a pull request with the new file for a
person to merge; the build reads it for the trending pages. Every page of discussions is read
before anything is written, so a run that fails halfway (offline, a refused token, an error
answer) says so in one line and leaves the file as it was.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.content.collection import page_paths
from generator.content.votes import dump_votes, votes_from_discussions
from generator.content.writer import write_if_changed
from generator.core.routes import PAPERS_DIR, VOTES_FILE
from generator.core.site_config import ConfigError, load_site_config
from generator.services.github import discussions
from generator.services.http import ServiceError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "votes",
        help="count each paper's votes on its GitHub discussion into content/votes.json",
        description=(
            "Read the discussions of the category named by 'discussion:' in site_config.yml through GitHub's "
            "GraphQL API (PAPERSHELF_GITHUB_GRAPHQL, default https://api.github.com/graphql; token from "
            "GITHUB_TOKEN), and write each paper's votes (its discussion's thumbs-up reactions and upvotes) to "
            "content/votes.json. Nothing is written unless every discussion could be read."
        ),
    )
    p.add_argument("--content", type=Path, default=Path("content"), help="the site's content folder")
    p.add_argument("--config", type=Path, default=Path("site_config.yml"), help="the site settings")
    p.add_argument("--dry-run", action="store_true", help="count and report, write nothing")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_site_config(args.config)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if settings.discussion is None:
        print(f"error: {args.config}: discussion: is not set, so papers have no discussions to count", file=sys.stderr)
        return 2
    slugs: dict[str, object] = {path.stem: None for path in page_paths(args.content / PAPERS_DIR)}
    try:
        nodes = list(discussions(settings.discussion.repository, settings.discussion.category_id))
    except ServiceError as err:
        print(f"error: {err}; {args.content / VOTES_FILE} is unchanged", file=sys.stderr)
        return 1
    votes, others = votes_from_discussions(nodes, slugs)
    total = sum(vote.up for vote in votes.values())
    summary = f"{len(nodes)} discussions read: {len(votes)} papers, {total} votes"
    if others:
        summary += f" ({others} discussions name no paper on the shelf and are left out)"
    path = args.content / VOTES_FILE
    if args.dry_run:
        print(f"{summary}; --dry-run: {path} not written")
    elif write_if_changed(path, dump_votes(votes)):
        print(f"{summary}; wrote {path}")
    else:
        print(f"{summary}; {path} unchanged")
    return 0
