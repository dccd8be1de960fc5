"""``tag``: show the topics the taxonomy's rules suggest for each page, and add them with ``--write``.

The site applies the suggestions at build time anyway; writing them turns them into explicit
tags, which then stay put when the rules change and can be reviewed in a pull request.
Writing goes through ``pages.to_front_matter``, so every other field and the abstract are
kept; a page with YAML comments is left alone, because the page format cannot carry them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from generator.content.collection import page_paths
from generator.content.frontmatter_format import split_page
from generator.content.pages import from_front_matter, read_page, to_front_matter
from generator.content.writer import write_if_changed
from generator.core.model import Paper
from generator.core.site_config import ConfigError, TopicConfig, load_site_config
from generator.core.slugs import slugify
from generator.taxonomy.topics import canonical_name, suggest_topics


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tag",
        help="show topic suggestions for pages (add them with --write)",
        description=(
            "For each page, list the topics that site_config.yml's keyword rules suggest and the page "
            "does not already have in its tags. With --write, add them to the pages' tags."
        ),
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PAGE", help="pages to look at (default: all)")
    p.add_argument("--papers", type=Path, default=Path("content/papers"), help="the folder of paper pages")
    p.add_argument("--config", type=Path, default=Path("site_config.yml"), help="the site settings (taxonomy)")
    p.add_argument("--write", action="store_true", help="add the suggestions to the pages' tags")
    p.set_defaults(run=run)


def new_tags(paper: Paper, taxonomy: Sequence[TopicConfig]) -> tuple[str, ...]:
    """Suggested topics the page does not have yet (tags are compared by slug, so spelling
    variants of a topic already tagged are not suggested again)."""
    have = {slugify(canonical_name(t, taxonomy)) for t in paper.tags}
    return tuple(t for t in suggest_topics(paper, taxonomy) if slugify(t) not in have)


def _has_comments(text: str) -> bool:
    parts = split_page(text)
    return parts is not None and any(line.lstrip().startswith("#") for line in parts[0].splitlines())


def run(args: argparse.Namespace) -> int:
    try:
        taxonomy = load_site_config(args.config).taxonomy
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not taxonomy:
        print(f"error: {args.config}: taxonomy: no topics declared, nothing to suggest", file=sys.stderr)
        return 2
    paths = args.paths or page_paths(args.papers)
    if not args.paths and not args.papers.is_dir():
        print(f"error: {args.papers}: no such folder", file=sys.stderr)
        return 2

    errors = suggested = written = 0
    for path in paths:
        if not path.is_file():
            print(f"error: {path}: no such file", file=sys.stderr)
            errors += 1
            continue
        paper, problems = read_page(path)
        if paper is None:
            for problem in problems:
                print(problem.format(str(path)), file=sys.stderr)
            errors += 1
            continue
        tags = new_tags(paper, taxonomy)
        if not tags:
            continue
        suggested += 1
        print(f"{path}: {', '.join(tags)}")
        if not args.write:
            continue
        text = path.read_text(encoding="utf-8")
        if _has_comments(text):
            print(f"skipped {path}: its front matter has comments, which rewriting would drop; add the tags by hand")
            continue
        tagged = replace(paper, tags=paper.tags + tags)
        new_text = to_front_matter(tagged)
        if from_front_matter(new_text, paper.slug, str(path)) != tagged:  # the round trip is the contract
            print(f"error: {path}: the page would not read back the same; add the tags by hand", file=sys.stderr)
            errors += 1
            continue
        if write_if_changed(path, new_text):
            written += 1

    noun = "page has" if suggested == 1 else "pages have"
    if args.write:
        print(f"{suggested} {noun} suggestions; tags written to {written}")
    else:
        hint = " (run with --write to add them)" if suggested else ""
        print(f"{suggested} {noun} suggestions{hint}")
    return 1 if errors else 0
