"""``collection new SLUG``: write a reading list, ``content/collections/SLUG.yml``, from arguments.

Each ``--paper`` is a paper's slug or arXiv id, in reading order; a ``--note`` belongs to the
``--paper`` before it. The list is checked as ``validate`` checks it (the format, and that every
paper is on the shelf) before anything is written, and an existing list is never replaced.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.content.collection import load_collection, page_paths
from generator.content.reading_lists import (
    ListFile,
    ReadingList,
    dump_list,
    is_list_slug,
    list_file,
    parse_list,
    shelf_lists,
)
from generator.content.writer import write_new_file
from generator.core.routes import PAPERS_DIR


class _Entries(argparse.Action):
    """``--paper`` starts an entry, ``--note`` completes the last one: pairs kept in order."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, value: Any, option: str | None = None
    ) -> None:
        entries: list[dict[str, str]] = list(getattr(namespace, "entries", None) or [])
        if option == "--paper":
            entries.append({"paper": str(value)})
        elif not entries or "note" in entries[-1]:
            parser.error("--note follows the --paper it is about (one note each)")
        else:
            entries[-1]["note"] = str(value)
        namespace.entries = entries


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "collection",
        help="write a new reading list (collection new SLUG …)",
        description="Reading lists: content/collections/<slug>.yml (see CONTRIBUTING.md).",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser(
        "new",
        help="write content/collections/SLUG.yml",
        description=(
            "Write a reading list from arguments. Each --paper is a paper's slug or arXiv id, in reading "
            "order; --note (optional, one line of plain text) belongs to the --paper before it."
        ),
    )
    new.add_argument("slug", help="the list's name in its address: lowercase letters, digits and hyphens")
    new.add_argument("--title", required=True, help="the list's title, one line")
    new.add_argument("--description", required=True, help="what the list is for, one paragraph")
    new.add_argument("--curator", required=True, help="your GitHub login, without @")
    new.add_argument("--paper", action=_Entries, dest="entries", required=True, help="a paper's slug or arXiv id")
    new.add_argument("--note", action=_Entries, dest="entries", help="one line about the --paper before it")
    new.add_argument("--content", type=Path, default=Path("content"), help="the site's content folder")
    new.set_defaults(run=run)


def _fail(lines: Sequence[str]) -> int:
    for line in lines:
        print(f"error: {line}", file=sys.stderr)
    return 2


def _option(loc: Sequence[object]) -> str:
    """The option a pydantic error is about: ``('papers', 2, 'note')`` is the third --note."""
    if len(loc) >= 3 and loc[0] == "papers":
        n = int(str(loc[1])) + 1
        return f"--paper {n}" if loc[2] == "paper" else f"--{loc[2]} of paper {n}"
    return f"--{loc[0]}" if loc else "the list"


def run(args: argparse.Namespace) -> int:
    src = list_file(args.slug)
    if not is_list_slug(args.slug):
        return _fail([f"{args.slug!r} is not a valid name: use lowercase letters, digits and hyphens"])
    path = args.content / src
    if path.exists() or path.is_symlink():
        return _fail([f"{path} exists already; edit it, or choose another name"])
    data = {"title": args.title, "description": args.description, "curator": args.curator}
    try:
        reading_list = ReadingList.model_validate({**data, "papers": args.entries})
    except ValidationError as err:
        return _fail([_option(item["loc"]) + ": " + item["msg"].removeprefix("Value error, ") for item in err.errors()])
    text = dump_list(reading_list)
    parsed, problems, lines = parse_list(text)  # what validate will read: the same list
    if parsed != reading_list or problems:
        return _fail([p.format(str(path)) for p in problems] or [f"{path}: would not read back as written"])
    papers = load_collection(page_paths(args.content / PAPERS_DIR)).papers
    _, unresolved = shelf_lists([ListFile(args.slug, src, parsed, (), lines)], papers)
    if unresolved:
        return _fail([f"--paper {p.message}" for p in unresolved[src]])
    write_new_file(path, text)
    print(f"wrote {path} ({len(reading_list.papers)} paper{'s' if len(reading_list.papers) != 1 else ''})")
    return 0
