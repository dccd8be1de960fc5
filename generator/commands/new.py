"""``new``: write a valid page for a paper, from options, a saved record, or by asking.

The page is checked like ``validate`` checks it (fields and duplicates against the collection)
before anything is written, and an existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

from generator.pages import is_https_url, normalize_arxiv
from generator.readers.arxiv_atom import read_arxiv_atom
from generator.readers.bibtex import read_bibtex
from generator.readers.records import Record, RecordError
from generator.scaffold import SLUG, build_page, choose_slug, merged, parse_date, split_names, taken_slugs
from generator.site_config import ConfigError, load_site_config
from generator.validate import Entry, check_entries, page_files, read_entry, show_path, title_key
from generator.writer import write_new_file

MAX_ABSTRACT_BYTES = 64 * 1024


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "new",
        help="write a new paper page (asks for the fields when run without options)",
        description=(
            "Write content/papers/<slug>.md for a paper. Give the fields as options, fill them from a saved "
            "BibTeX file or arXiv API response, or run it in a terminal without options to be asked."
        ),
    )
    p.add_argument("--title", help="the paper's title")
    p.add_argument("--date", help="the listing date, YYYY-MM-DD")
    p.add_argument("--arxiv", help="arXiv id, in any spelling (2404.14527, arXiv:2404.14527v2, an abs/pdf URL)")
    p.add_argument("--code", help="https:// URL of the code repository")
    p.add_argument("--abstract-file", type=Path, help="a UTF-8 text file holding the abstract")
    p.add_argument("--author", action="append", default=[], help="an author (repeat for each, in order)")
    p.add_argument("--tag", action="append", default=[], help="a topic (repeat for each)")
    p.add_argument("--submitted-by", help="your GitHub login")
    p.add_argument("--slug", help="the file name without .md (default: from the title)")
    p.add_argument("--from-bibtex", type=Path, metavar="FILE", help="fill the fields from a saved BibTeX file")
    p.add_argument("--from-arxiv-atom", type=Path, metavar="FILE", help="fill the fields from a saved arXiv response")
    p.add_argument("--out", type=Path, default=Path("content/papers"), help="the papers folder")
    p.add_argument("--config", type=Path, default=Path("site_config.yml"), help="the site settings (for tags)")
    p.set_defaults(run=run)


class _Stop(Exception):
    """A problem with the input, already worded; the command exits 2."""


def _read_text(path: Path, what: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _Stop(f"{path}: cannot read the {what} ({err.strerror})") from None
    if len(raw) > MAX_ABSTRACT_BYTES:
        raise _Stop(f"{path}: the {what} is larger than 64 KB")
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        raise _Stop(f"{path}: the {what} is not UTF-8 (byte {err.start}) — save it as UTF-8") from None


def _records(args: argparse.Namespace) -> list[Record]:
    if args.from_bibtex and args.from_arxiv_atom:
        raise _Stop("give --from-bibtex or --from-arxiv-atom, not both")
    if args.from_bibtex:
        records, problems = read_bibtex(_read_text(args.from_bibtex, "BibTeX file"))
        source = args.from_bibtex
    elif args.from_arxiv_atom:
        try:
            data = args.from_arxiv_atom.read_bytes()
            records, problems = read_arxiv_atom(data)
        except OSError as err:
            raise _Stop(f"{args.from_arxiv_atom}: cannot read it ({err.strerror})") from None
        except RecordError as err:
            raise _Stop(f"{args.from_arxiv_atom}: {err}") from None
        source = args.from_arxiv_atom
    else:
        return [Record(line=1)]
    for line, message in problems:
        print(f"{source}:{line}: {message}", file=sys.stderr)
    if not records:
        raise _Stop(f"{source}: no paper could be read from it")
    return records


def _overrides(args: argparse.Namespace) -> Record:
    date = None
    if args.date is not None:
        date = parse_date(args.date)
        if date is None:
            raise _Stop(f"--date: {args.date!r} is not a real date written YYYY-MM-DD — for example 2025-07-08")
    abstract = _read_text(args.abstract_file, "abstract").strip() if args.abstract_file else ""
    return Record(
        line=1,
        title=args.title,
        date=date,
        authors=[a for value in args.author for a in split_names(value)],
        arxiv=args.arxiv,
        code=args.code,
        abstract=abstract,
        tags=list(args.tag),
    )


def _ask(prompt: str, check: Callable[[str], str | None], default: str = "", required: bool = False) -> str:
    """Ask until the answer passes ``check`` (which returns a problem, or None)."""
    shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
    while True:
        answer = input(shown).strip() or default
        if not answer and not required:
            return ""
        problem = check(answer) if answer else "is required"
        if problem is None:
            return answer
        print(f"  {problem}")


def _ask_abstract() -> str:
    print("Abstract (paste it; finish with an empty line):")
    lines: list[str] = []
    while True:
        try:
            line = input()
        except EOFError:
            break
        if not line.strip():
            break
        lines.append(line)
    return " ".join(" ".join(lines).split())


def _interactive(record: Record) -> Record:
    """Fill the missing fields by asking, with the same rules validation applies."""

    def date_ok(v: str) -> str | None:
        if parse_date(v):
            return None
        if re.match(r"^\d{4}-\d{2}-\d{2}$", v):
            return f"{v} is not a real date: check the month and the day"
        return "write the date as YYYY-MM-DD, for example 2025-07-08"

    def arxiv_ok(v: str) -> str | None:
        return None if normalize_arxiv(v) else "not an arXiv id; for example 2404.14527 (or leave it empty)"

    def code_ok(v: str) -> str | None:
        return None if is_https_url(v) else "give an https:// URL (or leave it empty)"

    if not record.title:
        record.title = _ask("Title", lambda v: None, required=True)
    if record.date is None:
        record.date = parse_date(_ask("Listing date (YYYY-MM-DD)", date_ok, dt.date.today().isoformat(), True))
    if not record.authors:
        record.authors = split_names(_ask("Authors, separated by commas (optional)", lambda v: None))
    if not record.arxiv:
        record.arxiv = _ask("arXiv id (optional)", arxiv_ok) or None
    if not record.code:
        record.code = _ask("Code repository URL (optional)", code_ok) or None
    if not record.abstract:
        record.abstract = _ask_abstract()
    return record


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except _Stop as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except EOFError:
        print("\nerror: input ended before every field was given", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.slug is not None and not SLUG.match(args.slug):
        raise _Stop(f"--slug: {args.slug!r} is not a valid slug — use lowercase letters, digits and hyphens")
    try:
        taxonomy = [t.name for t in load_site_config(args.config).taxonomy]
    except ConfigError as err:
        raise _Stop(str(err)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise _Stop(f"{args.config}: cannot be read ({err})") from None
    if args.out.exists() and not args.out.is_dir():
        raise _Stop(f"--out: {args.out} is not a folder")
    overrides = _overrides(args)
    records = [merged(r, overrides) for r in _records(args)]
    if args.slug is not None and len(records) > 1:
        raise _Stop("--slug names one page, but the file holds several papers")
    asking = sys.stdin.isatty() and not (args.title and args.date)
    pages, _ = page_files(args.out)
    existing = [read_entry(p, show_path(p)) for p in pages]
    taken = taken_slugs([p.name for p in pages])
    failed = 0
    for record in records:
        if asking:
            record = _interactive(record)
        elif not record.title or record.date is None:
            missing = "--title" if not record.title else "--date"
            where = f" (the record at line {record.line} has none)" if args.from_bibtex or args.from_arxiv_atom else ""
            raise _Stop(f"{missing} is required{where}; or run the command in a terminal to be asked")
        slug = choose_slug(record.title or "", taken, args.slug)
        paper, text, problems = build_page(record, slug, args.submitted_by)
        path = args.out / f"{slug}.md"
        shown = show_path(path)
        if paper is not None:
            entry = Entry(path=shown, paper=paper, problems=[], raw=text.encode("utf-8"), slug=slug)
            entry.arxiv, entry.title_key = paper.arxiv, title_key(paper.title)
            findings = check_entries([*existing, entry], [shown], taxonomy)
            problems += [f.format() for f in findings if f.level == "error"]
            notes = [f.format() for f in findings if f.level == "notice"]
        if problems or paper is None:
            print(f"not written: {shown}", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            failed += 1
            continue
        try:
            write_new_file(path, text)
        except FileExistsError:
            print(f"not written: {shown} already exists — pass --slug to choose another name", file=sys.stderr)
            failed += 1
            continue
        except OSError as err:
            print(f"not written: {shown}: {err.strerror}", file=sys.stderr)
            failed += 1
            continue
        for note in notes:
            print(note)
        taken.add(slug)
        existing.append(entry)
        print(f"wrote {shown}")
    if failed == 0:
        print("Next: review the page, add more fields if you like, then run 'python -m generator validate'.")
    return 1 if failed else 0
