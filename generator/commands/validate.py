"""``validate``: check pages before they are merged, reporting every problem in one run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.content.validate import render_report, show_path, validate
from generator.core.site_config import ConfigError, load_site_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check every file of content/: paper pages (fields, duplicates, tags), other pages and files",
        description=(
            "Check every page under the papers folder, or only the pages given, against the whole "
            "collection, and every other file of the content folder: pages through the sanitizer, and "
            "files the site does not publish. Prints one line per problem, "
            "'path:line: field: what is wrong — how to fix it', and exits 1 if there is any."
        ),
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="pages or folders to check (default: all)")
    p.add_argument("--papers", type=Path, default=Path("content/papers"), help="the collection (for duplicates)")
    p.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        help="the site's content folder: every other file in it is checked too, when --papers is inside it",
    )
    p.add_argument("--config", type=Path, default=Path("site_config.yml"), help="the site settings (for tags)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        site = load_site_config(args.config)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not args.papers.is_dir():
        print(
            f"error: {args.papers}: no such folder (run from the repository's root, or pass --papers)", file=sys.stderr
        )
        return 2
    taxonomy = [topic.name for topic in site.taxonomy]
    content = args.content if args.content.is_dir() else None
    report = validate(args.paths, args.papers, taxonomy, show=show_path, content_dir=content)
    for line in render_report(report, github_actions=os.environ.get("GITHUB_ACTIONS") == "true"):
        print(line)
    return 1 if report.errors else 0
