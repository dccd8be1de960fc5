"""``enrich``: find pages' papers on arXiv by title and fill in what the pages lack.

For each page without an arXiv id (or the pages named), arXiv is searched for the exact title;
on an exact match of the normalised title the page gets the arXiv id, the authors, the first
version's date as ``published``, the primary category and (through the id) the PDF link. Fields
a person wrote are never replaced. ``--dry-run`` prints the change as a unified diff.

The answers are cached in ``.cache/papershelf/arxiv-titles.json`` (ignored by git): a cache is
not content, and keeping it out of ``content/`` keeps it off the published site and out of
every pull request's diff. A rerun asks arXiv nothing for a title already looked up: a match is
kept for good (arXiv ids do not change), a title arXiv did not have is asked again only after
``--recheck-days`` (30), since a paper may be posted later. The scheduled import keeps the file
between runs with the Actions cache.

If arXiv cannot be asked, the command stops with one line and writes no page (the lookups made
so far stay in the cache, so the next run resumes where this one stopped).
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.enrichment import Found, best_match, fill, match_key
from generator.content.pages import parse_page, read_page, to_front_matter
from generator.content.validate import page_files, show_path
from generator.content.writer import write_if_changed
from generator.core.model import Paper
from generator.core.progress import Progress
from generator.services.arxiv import arxiv_client, search_title
from generator.services.http import PoliteClient, ServiceError

CACHE_VERSION = 1
DEFAULT_CACHE = Path(".cache/papershelf/arxiv-titles.json")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "enrich",
        help="fill in arXiv ids, authors and dates by looking the titles up on arXiv",
        description=(
            "Search arXiv ($PAPERSHELF_ARXIV_API) for each page's exact title and fill the fields the page lacks: "
            "arxiv, authors, published, category. Without PAGES: every page without an arXiv id."
        ),
    )
    p.add_argument("pages", nargs="*", type=Path, help="page files to enrich (default: every page without an arXiv id)")
    p.add_argument("--out", type=Path, default=Path("content/papers"), help="the papers folder")
    p.add_argument("--dry-run", action="store_true", help="print the changes as a unified diff; write no page")
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"the lookup cache (default {DEFAULT_CACHE})")
    p.add_argument("--recheck-days", type=int, default=30, help="ask again about titles arXiv lacked this long ago")
    p.set_defaults(run=run)


class Cache:
    """normalised title -> {checked: date, found: record or null}; unreadable files start over."""

    def __init__(self, path: Path, today: dt.date, recheck_days: int) -> None:
        self.path = path
        self.today = today
        self.recheck = dt.timedelta(days=max(recheck_days, 0))
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == CACHE_VERSION and isinstance(data.get("titles"), dict):
            self.entries = {k: v for k, v in data["titles"].items() if isinstance(k, str) and isinstance(v, dict)}

    def get(self, key: str) -> tuple[bool, Found | None]:
        """(known, found): known is False when arXiv must be asked."""
        entry = self.entries.get(key)
        if entry is None:
            return False, None
        found = Found.from_json(entry.get("found"))
        if found is not None:
            return True, found
        try:
            checked = dt.date.fromisoformat(str(entry.get("checked")))
        except ValueError:
            return False, None
        return (entry.get("found") is None and self.today - checked < self.recheck), None

    def put(self, key: str, found: Found | None) -> None:
        self.entries[key] = {"checked": self.today.isoformat(), "found": found.to_json() if found else None}

    def save(self) -> None:
        data = {"version": CACHE_VERSION, "titles": dict(sorted(self.entries.items()))}
        try:
            write_if_changed(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        except OSError as err:
            print(f"warning: {self.path}: the cache could not be saved ({err.strerror})", file=sys.stderr)


def _targets(args: argparse.Namespace) -> tuple[list[Path], bool]:
    if args.pages:
        return list(args.pages), True
    pages, _ = page_files(args.out)
    return pages, False


def _diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{path}", f"b/{path}"))


_Page = tuple[Path, str, Paper]  # (file, its text, the paper it holds)
_Change = tuple[Path, str, str, list[str]]  # (file, text before, text after, fields filled)


def _pages_to_look_up(args: argparse.Namespace) -> tuple[list[_Page], dict[str, str], int]:
    """(the pages to look up, arXiv id -> page already carrying it, how many were unreadable).

    Every page of the collection is read for the ids it carries, so a lookup never gives a
    page the id of another one."""
    paths, named = _targets(args)
    pages: list[_Page] = []
    taken: dict[str, str] = {}
    broken = 0
    wanted = {p.resolve() for p in paths}
    others = [p for p in page_files(args.out)[0] if p.resolve() not in wanted]
    for path in [*paths, *others]:
        paper, problems = read_page(path)
        if paper is not None and paper.arxiv:
            taken.setdefault(paper.arxiv, show_path(path))
        if path.resolve() not in wanted:
            continue
        if paper is None:
            print(f"skipped {show_path(path)}: {problems[0].format(show_path(path)) if problems else 'unreadable'}")
            broken += 1
            continue
        if paper.arxiv:
            if named:
                print(f"skipped {show_path(path)}: it already has an arXiv id")
            continue
        pages.append((path, path.read_text(encoding="utf-8"), paper))
    return pages, taken, broken


@dataclass(slots=True)
class _Lookups:
    """Titles looked up through the cache, arXiv asked only for the ones it lacks."""

    cache: Cache
    client: PoliteClient | None = None
    asked: int = 0
    cached: int = 0

    def find(self, path: Path, title: str) -> Found | None:
        key = match_key(title)
        known, found = self.cache.get(key)
        if known:
            self.cached += 1
            return found
        self.client = self.client or arxiv_client()
        match = best_match(title, search_title(title, self.client))
        self.asked += 1
        self.cache.put(key, match.found)
        if self.asked % 10 == 0:
            self.cache.save()
        if match.found is None and match.note:
            print(f"no exact match for {show_path(path)}: {match.note}")
        return match.found


def _change(page: _Page, found: Found, taken: dict[str, str]) -> _Change | None:
    """The page with what the record adds, or None (said why) when nothing is to be filled."""
    path, text, paper = page
    other = taken.get(found.arxiv)
    if other is not None and other != show_path(path):
        print(f"not filled {show_path(path)}: arXiv {found.arxiv} is already on {other} (the same paper?)")
        return None
    enriched, fields = fill(paper, found)
    if not fields:
        return None
    new_text = to_front_matter(enriched)
    checked, problems = parse_page(new_text, paper.slug)
    if checked != enriched:
        print(f"not filled {show_path(path)}: the arXiv record does not fit the page format ({problems[:1]})")
        return None
    taken[found.arxiv] = show_path(path)
    return path, text, new_text, fields


def _apply(changes: list[_Change], dry_run: bool) -> bool:
    """Print or write each change; False when a page could not be written (the rest is not)."""
    for path, before, after, fields in changes:
        shown = show_path(path)
        if dry_run:
            sys.stdout.write(_diff(shown, before, after))
            continue
        try:
            if path.read_text(encoding="utf-8") != before:
                print(f"skipped {shown}: it changed while arXiv was being asked", file=sys.stderr)
                continue
            write_if_changed(path, after)
        except OSError as err:
            print(f"error: {shown}: could not write: {err.strerror}", file=sys.stderr)
            return False
        print(f"enriched {shown}: {', '.join(fields)}")
    return True


def run(args: argparse.Namespace) -> int:
    pages, taken, broken = _pages_to_look_up(args)
    lookups = _Lookups(Cache(args.cache, dt.date.today(), args.recheck_days))
    progress = Progress("Looking up titles on arXiv", len(pages))
    changes: list[_Change] = []
    unmatched = 0
    try:
        for i, page in enumerate(pages, 1):
            progress(i)
            found = lookups.find(page[0], page[2].title)
            if found is None:
                unmatched += 1
                continue
            change = _change(page, found, taken)
            if change is not None:
                changes.append(change)
    except ServiceError as err:
        lookups.cache.save()
        print(f"error: {err} (no page was written)", file=sys.stderr)
        return 2
    lookups.cache.save()
    if not _apply(changes, args.dry_run):
        return 1
    verb = "would fill" if args.dry_run else "filled"
    print(
        f"{len(pages)} page{'' if len(pages) == 1 else 's'} looked up "
        f"({lookups.asked} asked arXiv, {lookups.cached} from the cache): "
        f"{verb} {len(changes)}, {unmatched} without an exact match" + (f", {broken} unreadable" if broken else "")
    )
    return 1 if broken else 0
