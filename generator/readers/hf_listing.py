"""Reader for a copied trending-papers listing: header lines, date lines, then title/abstract pairs.

The format has no markup, so records are told apart by shape: a title is one short line, an
abstract a long paragraph. Anything that breaks the title-then-abstract rhythm is reported with
its line and skipped, and the reader carries on with the next record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from generator.core.model import Paper
from generator.core.problems import FileError, read_problem
from generator.core.slugs import slugify, unique_slug
from generator.core.textclean import clean_text, extract_links
from generator.readers import ReadResult

HEADER_LINES = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "byak and the research community",
        "daily papers",
        "trending papers",
    }
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE_LINE = re.compile(r"^(?P<month>[A-Za-z]{3})[a-z]*\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?$")


CARRIED_FIELDS = frozenset({"title", "date", "abstract", "code", "links", "source", "rank"})
"""What a listing says about a paper: no arXiv id, authors, tags or login (code and links are the
URLs found in the abstract; rank is the record's place in its day, as on the listed site)."""


class ListingError(FileError):
    """The listing as a whole cannot be read (for example, its dates have no year)."""


def looks_like_abstract(text: str) -> bool:
    """Abstracts are long and made of sentences; titles are short. Seed titles are ≤ 141 chars."""
    return len(text) >= 250 or (len(text) >= 120 and text.rstrip().endswith(".") and ". " in text)


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines with the 1-based number of their first line."""
    start = 0
    block: list[str] = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not block:
                start = number
            block.append(line.strip())
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _parse_date(line: str, year: int | None, number: int) -> dt.date | None:
    m = _DATE_LINE.match(line)
    if not m or m.group("month").lower()[:3] not in _MONTHS:
        return None
    month = _MONTHS.index(m.group("month").lower()[:3]) + 1
    y = int(m.group("year")) if m.group("year") else year
    if y is None:
        raise ListingError(
            f"line {number}: the listing date {line!r} has no year — pass --year (for example --year 2025)", number
        )
    try:
        return dt.date(y, month, int(m.group("day")))
    except ValueError as err:
        raise ListingError(f"line {number}: {line!r} is not a real date ({err})", number) from None


def read_listing(text: str, *, year: int | None, source: str | None = None) -> ReadResult:
    """Read a listing into papers; problems carry line numbers and never stop the other records."""
    result = ReadResult(carried=CARRIED_FIELDS)
    taken: set[str] = set()
    places: dict[dt.date, int] = {}  # records read so far on each listing date
    date: dt.date | None = None
    pending: tuple[int, str] | None = None  # a title waiting for its abstract

    def emit(title_line: int, title: str, abstract: str) -> None:
        if date is None:
            result.problems.append(read_problem(title_line, "paper before any listing date line"))
            return
        clean_abstract = clean_text(abstract)
        found = extract_links(clean_abstract)
        clean_title = clean_text(title)
        slug = unique_slug(slugify(clean_title), taken)
        taken.add(slug)
        places[date] = places.get(date, 0) + 1
        result.lines.append(title_line)
        result.papers.append(
            Paper(
                slug=slug,
                title=clean_title,
                date=date,
                abstract=clean_abstract,
                code=found.code,
                links=found.links,
                source=source,
                rank=places[date],
            )
        )

    def orphan_title() -> None:
        nonlocal pending
        if pending is not None:
            what = "title with no abstract" if date is not None else "unrecognised line before the first date"
            result.problems.append(read_problem(pending[0], f"{what}: {pending[1][:80]!r}"))
            pending = None

    for number, block in _blocks(text.replace("\r\n", "\n").split("\n")):
        first = block[0]
        if len(block) == 1 and first.lower() in HEADER_LINES:
            continue
        if len(block) == 1:
            new_date = _parse_date(first, year, number)
            if new_date is not None:
                orphan_title()
                date = new_date
                continue
        if len(block) > 1 and not looks_like_abstract(first) and looks_like_abstract(" ".join(block[1:])):
            orphan_title()
            result.problems.append(
                read_problem(number + 1, "missing blank line between title and abstract", skipped=False)
            )
            emit(number, first, " ".join(block[1:]))
            continue
        joined = " ".join(block)
        if looks_like_abstract(joined):
            if pending is None:
                result.problems.append(read_problem(number, "abstract with no title (two abstracts in a row?)"))
            else:
                emit(pending[0], pending[1], joined)
                pending = None
            continue
        orphan_title()
        pending = (number, joined)
    orphan_title()
    return result
