"""``import``: read a listing and write one page per paper under ``content/papers``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands.import_hf import is_daily_file, run_hf
from generator.commands.written import report_written
from generator.content.merge import duplicates_in, reconcile
from generator.content.writer import write_papers
from generator.core.model import Paper
from generator.core.problems import read_problem
from generator.core.progress import Progress
from generator.core.routes import source_src
from generator.readers import ReadResult
from generator.readers.hf_listing import ListingError, read_listing


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a papers listing into content/papers")
    p.add_argument(
        "listing",
        type=Path,
        nargs="?",
        help="the listing file, e.g. content/sources/hf-papers-listing.txt, or a saved Daily Papers response (.json)",
    )
    p.add_argument("--hf-daily", metavar="YYYY-MM-DD", help="import that day's Hugging Face Daily Papers")
    p.add_argument("--date", help="listing date of a saved Daily Papers response (default: from its file name)")
    p.add_argument("--refresh", action="store_true", help="with --hf-daily: fetch the day again even if saved")
    p.add_argument("--sources", type=Path, default=Path("content/sources"), help="where responses are kept")
    p.add_argument("--year", type=int, help="year of the listing's dates (listings show only month and day)")
    p.add_argument("--out", type=Path, default=Path("content/papers"), help="where pages go")
    p.add_argument(
        "--force",
        action="store_true",
        help="where a page gives a field differently from the listing (title, date, abstract, code, rank), "
        "take the listing's; every other field is kept (fields a page lacks are filled without it)",
    )
    p.set_defaults(run=run)


def _source_name(listing: Path) -> str:
    """Where the papers came from: ``sources/<file>`` for listings kept in content/sources, which
    the site publishes, so each paper page can link to the listing it was imported from."""
    return source_src(listing.name) if listing.resolve().parent.name == "sources" else listing.name


def _distinct(result: ReadResult) -> list[Paper]:
    """The listing's papers with each repeated record once; repeats and different papers that
    share a title are reported as warnings (with both lines) in ``result.problems``.

    Of a repeated record (the same arXiv id, however written: a version, a prefix, an abs URL;
    without ids, the same title on the same date) the first one listed is imported, at its
    place in the day; the fields it lacks are filled from the repeats, as an import fills a page."""
    keep, notes = duplicates_in(result.papers)
    papers = list(result.papers)
    line = result.lines if len(result.lines) == len(papers) else [0] * len(papers)
    for i, first, kind in notes:
        if kind == "repeat":
            same = f"arXiv {papers[i].arxiv}" if papers[i].arxiv else "the same title and date"
            merged = reconcile(papers[first], papers[i], result.carried)
            papers[first] = merged.paper
            filled = f"; filled {', '.join(merged.filled)} from this one" if merged.filled else ""
            message = (
                f"the same paper as line {line[first]} ({same}): imported once, from line {line[first]}"
                f" — the first one listed is kept{filled}"
            )
        else:
            message = (
                f"shares its title with line {line[first]}, but is another paper (another arXiv id or date):"
                " both are imported — give each page its arXiv id so that they can be told apart"
            )
        result.problems.append(read_problem(line[i], message, skipped=False))
    return [papers[i] for i in keep]


def run(args: argparse.Namespace) -> int:
    if (args.hf_daily is None) == (args.listing is None):
        print("error: give a listing file or --hf-daily YYYY-MM-DD (one of the two)", file=sys.stderr)
        return 2
    if args.hf_daily is not None or is_daily_file(args.listing):
        return run_hf(args, None if args.hf_daily is not None else _source_name(args.listing))
    try:
        text = args.listing.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"error: {args.listing}: no such file", file=sys.stderr)
        return 2
    except (UnicodeDecodeError, OSError) as err:
        print(f"error: {args.listing}: cannot read: {err}", file=sys.stderr)
        return 2
    try:
        result = read_listing(text, year=args.year, source=_source_name(args.listing))
    except ListingError as err:
        print(f"error: {args.listing}: {err}", file=sys.stderr)
        return 2
    papers = _distinct(result)
    for problem in sorted(result.problems, key=lambda p: p.line):
        print(problem.format(str(args.listing)), file=sys.stderr)
    summary = write_papers(
        papers, args.out, force=args.force, progress=Progress("Writing pages", len(papers)), carried=result.carried
    )
    return report_written(summary, sum(1 for p in result.problems if p.skipped))
