"""``new``: write a valid page for a paper, from options, a saved record, or by asking.

The page is checked like ``validate`` checks it (fields and duplicates against the collection)
before anything is written, and an existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.commands.new_prompts import LISTING_DATE, MAX_ABSTRACT_BYTES, Stop, author_warning, interactive
from generator.content.scaffold import SLUG, build_page, choose_slug, merged, parse_date, taken_slugs
from generator.content.validate import Entry, check_entries, page_files, read_entry, show_path, title_key
from generator.content.writer import write_new_file
from generator.core.site_config import ConfigError, load_site_config
from generator.core.values import normalize_arxiv
from generator.readers.arxiv_atom import read_arxiv_atom
from generator.readers.bibtex import read_bibtex
from generator.readers.records import Record, RecordError
from generator.services.arxiv import arxiv_client, fetch_record
from generator.services.http import ServiceError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new",
        help="write a new paper page (asks for the fields when run without options)",
        description=(
            "Write content/papers/<slug>.md for a paper. Give the fields as options, fill them from a saved "
            "BibTeX file or arXiv API response, or run it in a terminal without options to be asked. " + LISTING_DATE
        ),
    )
    p.add_argument("--title", help="the paper's title")
    p.add_argument(
        "--date",
        help="the listing date, YYYY-MM-DD: the day the paper is added to the shelf (not its "
        "publication date); it orders the home page",
    )
    p.add_argument(
        "--arxiv",
        help="arXiv id, in any spelling (2404.14527, arXiv:2404.14527v2, an abs/pdf URL); without --title, "
        "the paper's record is fetched from the arXiv API ($PAPERSHELF_ARXIV_API)",
    )
    p.add_argument("--published", help="the publication date, YYYY-MM-DD (arXiv records give it)")
    p.add_argument("--code", help="https:// URL of the code repository")
    p.add_argument("--abstract-file", type=Path, help="a UTF-8 text file holding the abstract")
    p.add_argument(
        "--author",
        action="append",
        default=[],
        help='one author, as the paper writes the name (repeat for each, in order); commas are kept: "Smith, John" '
        "is one author",
    )
    p.add_argument("--tag", action="append", default=[], help="a topic (repeat for each)")
    p.add_argument("--submitted-by", metavar="LOGIN", help="your GitHub login, without @")
    p.add_argument("--slug", help="the file name without .md (default: from the title)")
    p.add_argument("--from-bibtex", type=Path, metavar="FILE", help="fill the fields from a saved BibTeX file")
    p.add_argument("--from-arxiv-atom", type=Path, metavar="FILE", help="fill the fields from a saved arXiv response")
    p.add_argument("--out", type=Path, default=Path("content/papers"), help="the papers folder")
    p.add_argument("--config", type=Path, default=Path("site_config.yml"), help="the site settings (for tags)")
    p.set_defaults(run=run)


def _read_text(path: Path, what: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise Stop(f"{path}: cannot read the {what} ({err.strerror})") from None
    if len(raw) > MAX_ABSTRACT_BYTES:
        raise Stop(f"{path}: the {what} is larger than 64 KB")
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        raise Stop(f"{path}: the {what} is not UTF-8 (byte {err.start}) — save it as UTF-8") from None


def _fetched(args: argparse.Namespace) -> list[Record]:
    """``--arxiv`` alone: the record from the arXiv API. Nothing is written when it fails."""
    parsed = normalize_arxiv(args.arxiv)
    if parsed is None:
        raise Stop(f"--arxiv: {args.arxiv!r} is not an arXiv id — for example 2404.14527 or hep-th/9711200")
    try:
        return [fetch_record(parsed[0], arxiv_client())]
    except ServiceError as err:
        raise Stop(f"{err} (nothing was written)") from None


def _records(args: argparse.Namespace) -> list[Record]:
    if args.from_bibtex and args.from_arxiv_atom:
        raise Stop("give --from-bibtex or --from-arxiv-atom, not both")
    if args.arxiv and not args.title and not args.from_bibtex and not args.from_arxiv_atom:
        return _fetched(args)
    if args.from_bibtex:
        records, problems = read_bibtex(_read_text(args.from_bibtex, "BibTeX file"))
        source = args.from_bibtex
    elif args.from_arxiv_atom:
        try:
            data = args.from_arxiv_atom.read_bytes()
            records, problems = read_arxiv_atom(data)
        except OSError as err:
            raise Stop(f"{args.from_arxiv_atom}: cannot read it ({err.strerror})") from None
        except RecordError as err:
            raise Stop(f"{args.from_arxiv_atom}: {err}") from None
        source = args.from_arxiv_atom
    else:
        return [Record(line=1)]
    for line, message in problems:
        print(f"{source}:{line}: {message}", file=sys.stderr)
    if not records:
        raise Stop(f"{source}: no paper could be read from it")
    return records


def _overrides(args: argparse.Namespace) -> Record:
    date = None
    if args.date is not None:
        date = parse_date(args.date)
        if date is None:
            raise Stop(f"--date: {args.date!r} is not a real date written YYYY-MM-DD — for example 2025-07-08")
    published = None
    if args.published is not None:
        published = parse_date(args.published)
        if published is None:
            raise Stop(f"--published: {args.published!r} is not a real date written YYYY-MM-DD")
    abstract = _read_text(args.abstract_file, "abstract").strip() if args.abstract_file else ""
    authors = [" ".join(a.split()) for a in args.author if a.strip()]
    for name in authors:
        if (warning := author_warning(name)) is not None:
            print(f"warning: {warning}", file=sys.stderr)
    return Record(
        line=1,
        title=args.title,
        date=date,
        authors=authors,
        arxiv=args.arxiv,
        code=args.code,
        abstract=abstract,
        tags=list(args.tag),
        published=published,
    )


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except Stop as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except EOFError:
        print("\nerror: input ended before every field was given", file=sys.stderr)
        return 2


def _taxonomy(args: argparse.Namespace) -> list[str]:
    """The topic names of site_config.yml (new tags are told apart from known ones)."""
    try:
        return [t.name for t in load_site_config(args.config).taxonomy]
    except ConfigError as err:
        raise Stop(str(err)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise Stop(f"{args.config}: cannot be read ({err})") from None


def _check_out(args: argparse.Namespace) -> None:
    if args.out.exists() and not args.out.is_dir():
        raise Stop(f"--out: {args.out} is not a folder")


def _wanted_records(args: argparse.Namespace) -> list[Record]:
    """The records to write, with the options applied; one from arXiv is listed today."""
    overrides = _overrides(args)
    records = [merged(r, overrides) for r in _records(args)]
    from_arxiv = bool(args.from_arxiv_atom) or (bool(args.arxiv) and not args.title and not args.from_bibtex)
    for record in records:
        if from_arxiv and record.date is None:
            record.date = dt.date.today()  # the listing date: the day the paper is added here
    if args.slug is not None and len(records) > 1:
        raise Stop("--slug names one page, but the file holds several papers")
    return records


@dataclass(slots=True)
class _Shelf:
    """The collection a new page joins: its pages (for duplicates) and the slugs taken."""

    existing: list[Entry]
    taken: set[str]
    taxonomy: list[str]


def _complete(args: argparse.Namespace, record: Record, asking: bool, taxonomy: list[str]) -> tuple[Record, str | None]:
    """The record with every required field, asked for in a terminal; else the missing one stops."""
    if asking:
        return interactive(record, taxonomy, args.submitted_by)
    if not record.title or record.date is None:
        missing = "--title" if not record.title else "--date"
        where = f" (the record at line {record.line} has none)" if args.from_bibtex or args.from_arxiv_atom else ""
        raise Stop(f"{missing} is required{where}; or run the command in a terminal to be asked")
    return record, args.submitted_by


def _write_one(args: argparse.Namespace, record: Record, submitted_by: str | None, shelf: _Shelf) -> bool:
    """Check the page against the collection and write it; False (said why) when it is not written."""
    slug = choose_slug(record.title or "", shelf.taken, args.slug)
    paper, text, problems = build_page(record, slug, submitted_by)
    path = args.out / f"{slug}.md"
    shown = show_path(path)
    notes: list[str] = []
    if paper is not None:
        entry = Entry(path=shown, paper=paper, problems=[], raw=text.encode("utf-8"), slug=slug)
        entry.arxiv, entry.title_key = paper.arxiv, title_key(paper.title)
        findings = check_entries([*shelf.existing, entry], [shown], shelf.taxonomy)
        problems += [f.format() for f in findings if f.level == "error"]
        notes = [f.format() for f in findings if f.level == "notice"]
    if problems or paper is None:
        print(f"not written: {shown}", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return False
    try:
        write_new_file(path, text)
    except FileExistsError:
        print(f"not written: {shown} already exists — pass --slug to choose another name", file=sys.stderr)
        return False
    except OSError as err:
        print(f"not written: {shown}: {err.strerror}", file=sys.stderr)
        return False
    for note in notes:
        print(note)
    shelf.taken.add(slug)
    shelf.existing.append(entry)
    print(f"wrote {shown}")
    return True


def _run(args: argparse.Namespace) -> int:
    if args.slug is not None and not SLUG.match(args.slug):
        raise Stop(f"--slug: {args.slug!r} is not a valid slug — use lowercase letters, digits and hyphens")
    taxonomy = _taxonomy(args)
    _check_out(args)
    records = _wanted_records(args)
    asking = sys.stdin.isatty() and not (args.title and args.date)
    pages, _ = page_files(args.out)
    shelf = _Shelf([read_entry(p, show_path(p)) for p in pages], taken_slugs([p.name for p in pages]), taxonomy)
    failed = 0
    for record in records:
        complete, submitted_by = _complete(args, record, asking, taxonomy)
        if not _write_one(args, complete, submitted_by, shelf):
            failed += 1
    if failed == 0:
        print("Next: review the page, add more fields if you like, then run 'python -m generator validate'.")
    return 1 if failed else 0
