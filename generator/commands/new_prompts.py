"""``new``'s side that talks to a person: the questions asked in a terminal, and the warnings
about values given as options, kept apart from the command's checks and writing.

``Stop`` is how both sides end the command with a message (exit status 2).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from generator.content.scaffold import parse_date
from generator.core.values import GITHUB_LOGIN, is_https_url, normalize_arxiv
from generator.readers.records import Record

MAX_ABSTRACT_BYTES = 64 * 1024
LISTING_DATE = (
    "The listing date is the day the paper is added to the shelf: it orders the home page and the "
    "archive. It is not the paper's publication date."
)
ABSTRACT_PROMPT = "Paste the abstract; end with Ctrl-D on an empty line:"


class Stop(Exception):
    """A problem with the input, already worded; the command exits 2."""


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
            raise Stop("the abstract is larger than 64 KB")
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


def interactive(record: Record, taxonomy: list[str], submitted_by: str | None) -> tuple[Record, str | None]:
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
