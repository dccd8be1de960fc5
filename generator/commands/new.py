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
from dataclasses import dataclass
from pathlib import Path

from generator.content.fields import GITHUB_LOGIN, is_https_url, normalize_arxiv
from generator.content.scaffold import SLUG, build_page, choose_slug, merged, parse_date, taken_slugs
from generator.content.validate import Entry, check_entries, page_files, read_entry, show_path, title_key
from generator.content.writer import write_new_file
from generator.core.site_config import ConfigError, load_site_config
from generator.readers.arxiv_atom import read_arxiv_atom
from generator.readers.bibtex import read_bibtex
from generator.readers.records import Record, RecordError
from generator.services.arxiv import arxiv_client, fetch_record
from generator.services.http import ServiceError

MAX_ABSTRACT_BYTES = 64 * 1024
LISTING_DATE = (
    "The listing date is the day the paper is added to the shelf: it orders the home page and the "
    "archive. It is not the paper's publication date."
)
ABSTRACT_PROMPT = "Paste the abstract; end with Ctrl-D on an empty line:"


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


def _fetched(args: argparse.Namespace) -> list[Record]:
    """``--arxiv`` alone: the record from the arXiv API. Nothing is written when it fails."""
    parsed = normalize_arxiv(args.arxiv)
    if parsed is None:
        raise _Stop(f"--arxiv: {args.arxiv!r} is not an arXiv id — for example 2404.14527 or hep-th/9711200")
    try:
        return [fetch_record(parsed[0], arxiv_client())]
    except ServiceError as err:
        raise _Stop(f"{err} (nothing was written)") from None


def _records(args: argparse.Namespace) -> list[Record]:
    if args.from_bibtex and args.from_arxiv_atom:
        raise _Stop("give --from-bibtex or --from-arxiv-atom, not both")
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


def author_warning(name: str) -> str | None:
    """A hint when one ``--author`` value looks like something else; the name is kept as given,
    since only the contributor knows whether "Smith, John" is one person."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts) and " " not in parts[0] and len(parts[1].split()) <= 2:
        return (
            f"--author {name!r} is kept as one author; it looks like 'Last, First': "
            f"if so, write it {parts[1] + ' ' + parts[0]!r}"
        )
    if len(parts) > 1:
        return f"--author {name!r} is kept as one author; for several authors, repeat --author for each"
    return None


def _overrides(args: argparse.Namespace) -> Record:
    date = None
    if args.date is not None:
        date = parse_date(args.date)
        if date is None:
            raise _Stop(f"--date: {args.date!r} is not a real date written YYYY-MM-DD — for example 2025-07-08")
    published = None
    if args.published is not None:
        published = parse_date(args.published)
        if published is None:
            raise _Stop(f"--published: {args.published!r} is not a real date written YYYY-MM-DD")
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


def abstract_from_lines(lines: list[str]) -> str:
    """Pasted lines as the page's abstract: paragraphs stay apart (one blank line between them),
    and the hard line breaks of a pasted paragraph become spaces."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join(" ".join(" ".join(p).split()) for p in paragraphs if p)


def _ask_abstract() -> str:
    """Read until end of input, not until a blank line: an abstract has paragraphs, and a
    paste cut at its first blank line would leave the rest to be run by the shell."""
    print(ABSTRACT_PROMPT)
    lines: list[str] = []
    total = 0
    while True:
        try:
            line = input()
        except EOFError:
            break
        total += len(line.encode("utf-8")) + 1
        if total > MAX_ABSTRACT_BYTES:
            raise _Stop("the abstract is larger than 64 KB")
        lines.append(line)
    return abstract_from_lines(lines)


def _ask_authors() -> list[str]:
    """One name per answer, so a comma inside a name ("Smith, John") is never a separator."""
    print("Authors, one per line, in order; an empty line when done (optional).")
    authors: list[str] = []
    while True:
        name = " ".join(input(f"Author {len(authors) + 1}: ").split())
        if not name:
            return authors
        if (warning := author_warning(name)) is not None:
            print("  " + warning.replace(f"--author {name!r} is", "this is"))
        authors.append(name)


def tags_from_answer(answer: str, taxonomy: list[str]) -> tuple[list[str], str | None]:
    """(tags, problem): numbers from the list shown, or topic names, separated by commas."""
    tags: list[str] = []
    for item in (i.strip() for i in answer.split(",")):
        if not item:
            continue
        if item.isdigit():
            if not 1 <= int(item) <= len(taxonomy):
                return [], f"{item} is not a number from the list (1 to {len(taxonomy)})"
            item = taxonomy[int(item) - 1]
        if item not in tags:
            tags.append(item)
    return tags, None


def _ask_tags(taxonomy: list[str]) -> list[str]:
    if taxonomy:
        print("Topics of the site:")
        for number, name in enumerate(taxonomy, 1):
            print(f"  {number:2}. {name}")
    while True:
        answer = input("Topics: numbers or names, separated by commas (optional): ")
        tags, problem = tags_from_answer(answer, taxonomy)
        if problem is None:
            return tags
        print(f"  {problem}")


def _interactive(record: Record, taxonomy: list[str], submitted_by: str | None) -> tuple[Record, str | None]:
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

    def login_ok(v: str) -> str | None:
        return None if GITHUB_LOGIN.match(v.removeprefix("@")) else "not a GitHub login (letters, digits, hyphens)"

    if not record.title:
        record.title = _ask("Title", lambda v: None, required=True)
    if record.date is None:
        print(LISTING_DATE)
        record.date = parse_date(_ask("Listing date (YYYY-MM-DD)", date_ok, dt.date.today().isoformat(), True))
    if not record.authors:
        record.authors = _ask_authors()
    if not record.arxiv:
        record.arxiv = _ask("arXiv id (optional)", arxiv_ok) or None
    if not record.code:
        record.code = _ask("Code repository URL (optional)", code_ok) or None
    if not record.tags:
        record.tags = _ask_tags(taxonomy)
    if not submitted_by:
        submitted_by = _ask("Your GitHub login, shown as who added the paper (optional)", login_ok) or None
    if not record.abstract:
        record.abstract = _ask_abstract()
    return record, submitted_by


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except _Stop as err:
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
        raise _Stop(str(err)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise _Stop(f"{args.config}: cannot be read ({err})") from None


def _check_out(args: argparse.Namespace) -> None:
    if args.out.exists() and not args.out.is_dir():
        raise _Stop(f"--out: {args.out} is not a folder")


def _wanted_records(args: argparse.Namespace) -> list[Record]:
    """The records to write, with the options applied; one from arXiv is listed today."""
    overrides = _overrides(args)
    records = [merged(r, overrides) for r in _records(args)]
    from_arxiv = bool(args.from_arxiv_atom) or (bool(args.arxiv) and not args.title and not args.from_bibtex)
    for record in records:
        if from_arxiv and record.date is None:
            record.date = dt.date.today()  # the listing date: the day the paper is added here
    if args.slug is not None and len(records) > 1:
        raise _Stop("--slug names one page, but the file holds several papers")
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
        return _interactive(record, taxonomy, args.submitted_by)
    if not record.title or record.date is None:
        missing = "--title" if not record.title else "--date"
        where = f" (the record at line {record.line} has none)" if args.from_bibtex or args.from_arxiv_atom else ""
        raise _Stop(f"{missing} is required{where}; or run the command in a terminal to be asked")
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
        raise _Stop(f"--slug: {args.slug!r} is not a valid slug — use lowercase letters, digits and hyphens")
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
