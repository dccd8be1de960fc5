"""Turn what a contributor typed (or a saved record) into a page that passes validation.

Pure functions, shared by ``new`` and its tests: the record is written through the page format
and read back, so a page ``new`` writes is exactly what ``validate`` and the build accept, and
every problem is reported in terms of the option the contributor used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence

from generator.content.pages import parse_page, to_front_matter
from generator.core.model import Paper
from generator.core.slugs import slugify, unique_slug
from generator.core.values import normalize_arxiv
from generator.readers.records import Record

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OPTION_FOR_FIELD = {
    "title": "--title",
    "date": "--date",
    "authors": "--author",
    "arxiv": "--arxiv",
    "code": "--code",
    "links": "--from-*",
    "tags": "--tag",
    "submitted_by": "--submitted-by",
    "published": "--published",
    "file name": "--slug",
}


def bare_arxiv(value: str) -> str:
    """Accept any spelling a contributor pastes (URL, ``arXiv:`` prefix, version) and store the
    bare id the page format wants; anything else is kept so validation can name it."""
    parsed = normalize_arxiv(value)
    return parsed[0] if parsed else value.strip()


def choose_slug(title: str, taken: Collection[str], wanted: str | None = None) -> str:
    """The requested slug, or the title's, with ``-2``, ``-3``… when another page has it."""
    if wanted is not None:
        return wanted
    return unique_slug(slugify(title), set(taken))


def build_page(record: Record, slug: str, submitted_by: str | None = None) -> tuple[Paper | None, str, list[str]]:
    """(paper, page text, problems). Problems are worded for the command line."""
    problems: list[str] = []
    if not SLUG.match(slug):
        problems.append(f"--slug: {slug!r} is not a valid slug — use lowercase letters, digits and hyphens")
        return None, "", problems
    if not record.title or not record.title.strip():
        return None, "", ["--title: is required — give the paper's title"]
    if record.date is None:
        return None, "", ["--date: is required — give the listing date as YYYY-MM-DD"]
    draft = Paper(
        slug=slug,
        title=" ".join(record.title.split()),
        date=record.date,
        abstract=record.abstract.strip(),
        authors=tuple(a.strip() for a in record.authors if a.strip()),
        arxiv=bare_arxiv(record.arxiv) if record.arxiv else None,
        code=record.code.strip() if record.code else None,
        links=tuple(record.links),
        tags=tuple(t.strip() for t in record.tags if t.strip()),
        submitted_by=submitted_by.removeprefix("@") if submitted_by else None,
        published=record.published,
        category=record.category,
        doi=record.doi,
    )
    text = to_front_matter(draft)
    paper, page_problems = parse_page(text, slug)
    for p in page_problems:
        tail = f" — {p.hint}" if p.hint else ""
        problems.append(f"{OPTION_FOR_FIELD.get(p.field, p.field)}: {p.message}{tail}")
    return paper, text, problems


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()) else None
    except ValueError:
        return None


def merged(record: Record, overrides: Record) -> Record:
    """The record with every field the contributor gave on the command line taking precedence."""
    return Record(
        line=record.line,
        title=overrides.title or record.title,
        date=overrides.date or record.date,
        authors=overrides.authors or record.authors,
        arxiv=overrides.arxiv or record.arxiv,
        code=overrides.code or record.code,
        links=overrides.links or record.links,
        abstract=overrides.abstract or record.abstract,
        tags=overrides.tags or record.tags,
        published=overrides.published or record.published,
        category=overrides.category or record.category,
        doi=overrides.doi or record.doi,
    )


def taken_slugs(names: Sequence[str]) -> set[str]:
    return {n.removesuffix(".md") for n in names if n.endswith(".md")}
