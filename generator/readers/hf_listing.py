"""Reader for a copied papers listing: header lines, date lines, then title/abstract pairs.

The format has no markup, so records are told apart by shape: a title is one short line, an
abstract a long paragraph. Anything that breaks the title-then-abstract rhythm is reported with
its line and skipped, and the reader carries on with the next record.

Listings copied from other sites are read too: their page chrome (``listing_lines``) is dropped
and reported by line, and labelled records (``Title:``, ``Authors:``, ``arXiv:``…, as arXiv and
conference pages print them) are read field by field; a ``Title:`` line starts a new record even
without a blank line before it. A record's ``rank`` is its place among the records of its date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.core.model import Paper
from generator.core.problems import FileError, read_problem
from generator.core.slugs import slugify, unique_slug
from generator.core.textclean import clean_text, extract_links
from generator.core.values import is_arxiv_category, is_doi, is_https_url, normalize_arxiv
from generator.readers import ReadResult
from generator.readers.listing_lines import chrome, labelled, strip_title_chrome, strip_trailing_more

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


CARRIED_FIELDS = frozenset(
    {"title", "date", "abstract", "code", "links", "source", "rank", "authors", "arxiv", "category", "doi"}
)
"""What a listing can say about a paper: code and links are the URLs found in the abstract (or a
``Code:`` field), rank is the record's place in its day; authors, arXiv id, category and DOI only
when it labels them (``Authors:``…). Never tags, votes or logins."""


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


@dataclass(slots=True)
class _Record:
    """A record being read: its title, abstract and labelled fields, each with its line."""

    line: int
    title: str = ""
    abstract: list[str] = field(default_factory=list)
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)
    labelled: bool = False  # read from labelled lines: every text after its title is its abstract


@dataclass(slots=True)
class _Reading:
    """What reading one listing keeps between its blocks."""

    year: int | None
    source: str | None
    result: ReadResult = field(default_factory=lambda: ReadResult(carried=CARRIED_FIELDS))
    taken: set[str] = field(default_factory=set)  # slugs given so far
    places: dict[dt.date, int] = field(default_factory=dict)  # records read so far on each date
    date: dt.date | None = None
    record: _Record | None = None

    def warn(self, line: int, message: str) -> None:
        self.result.problems.append(read_problem(line, message, skipped=False))

    def error(self, line: int, message: str) -> None:
        self.result.problems.append(read_problem(line, message))

    def close(self) -> None:
        """The record read so far becomes a paper, or a problem when it lacks its title or abstract."""
        record, self.record = self.record, None
        if record is None:
            return
        if not record.title:
            self.error(record.line, "fields with no title: " + ", ".join(f"{k}:" for k in record.fields))
        elif not record.abstract:
            what = "title with no abstract" if self.date is not None else "unrecognised line before the first date"
            self.error(record.line, f"{what}: {record.title[:80]!r}")
        elif self.date is None:
            self.error(record.line, "paper before any listing date line")
        else:
            self.result.lines.append(record.line)
            self.result.papers.append(_paper(self, record, self.date))


def _authors(value: str) -> tuple[str, ...]:
    """``A, B and C`` (affiliations in parentheses dropped) as names."""
    value = re.sub(r"\([^()]*\)", "", value)
    names = re.split(r"\s*(?:,|;|\band\b|&)\s*", value)
    return tuple(" ".join(name.split()) for name in names if name.strip())


def _category(value: str) -> str | None:
    """The primary category of ``cs.LG cs.AI`` or ``Machine Learning (cs.LG); …``."""
    inside = re.findall(r"\(([^()]+)\)", value)
    for candidate in inside or value.replace(";", " ").split():
        if is_arxiv_category(candidate.strip()):
            return candidate.strip()
    return None


def _field_value(reading: _Reading, name: str, line: int, value: str) -> object:
    """A labelled field's value as the ``Paper`` takes it, or None (reported) when unusable."""
    if name == "authors":
        return _authors(value) or None
    if name == "arxiv":
        parsed = normalize_arxiv(value)
        if parsed is None:
            reading.warn(line, f"arXiv: {value[:60]!r} is not an arXiv id; ignored")
        return parsed[0] if parsed else None
    if name == "category":
        found = _category(value)
        if found is None:
            reading.warn(line, f"Categories: {value[:60]!r} names no arXiv category; ignored")
        return found
    if name == "doi":
        doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE)
        if not is_doi(doi):
            reading.warn(line, f"DOI: {value[:60]!r} is not a DOI; ignored")
            return None
        return doi
    if is_https_url(value):  # code
        return value
    reading.warn(line, f"Code: {value[:60]!r} is not an https:// URL; ignored")
    return None


def _paper(reading: _Reading, record: _Record, date: dt.date) -> Paper:
    clean_abstract = clean_text(" ".join(record.abstract))
    found = extract_links(clean_abstract)
    clean_title = clean_text(record.title)
    slug = unique_slug(slugify(clean_title), reading.taken)
    reading.taken.add(slug)
    reading.places[date] = reading.places.get(date, 0) + 1
    values: dict[str, Any] = {}
    for name, (line, value) in record.fields.items():
        got = _field_value(reading, name, line, value)
        if got is not None:
            values[name] = got
    return Paper(
        slug=slug,
        title=clean_title,
        date=date,
        abstract=clean_abstract,
        code=values.pop("code", None) or found.code,
        links=found.links,
        source=reading.source,
        rank=reading.places[date],
        **values,
    )


def _drop_chrome(reading: _Reading, lines: list[str]) -> list[str]:
    """The lines with page chrome blanked, and chrome cut from the ends of titles and
    abstracts; each drop reported with its line."""
    kept: list[str] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if text and text.casefold() not in HEADER_LINES and _DATE_LINE.match(text) is None and chrome(text):
            reading.warn(number, f"page chrome dropped: {text[:80]!r}")
            text = ""
        if text:
            text, more = strip_trailing_more(text)
            if more:
                reading.warn(number, f"page chrome dropped from the end of the line: {more[:40]!r}")
            if len(text) < 250:
                text, tail = strip_title_chrome(text)
                if tail:
                    reading.warn(number, f"page chrome dropped after the title: {tail[:40]!r}")
        kept.append(text)
    return kept


def _split_at_titles(block: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """A block cut before each ``Title:`` line (a new record, blank line or not); an arXiv id
    line right before it goes with it, as arXiv's own listings put it."""
    start = 0
    for i, (_, text) in enumerate(block):
        found = labelled(text)
        if found is None or found.field != "title" or i == 0:
            continue
        cut = i
        while cut > start and (before := labelled(block[cut - 1][1])) is not None and before.field == "arxiv":
            cut -= 1
        if cut > start:
            yield block[start:cut]
            start = cut
    yield block[start:]


def _labelled_block(reading: _Reading, block: list[tuple[int, str]]) -> None:
    """A block with labelled lines: a ``Title:`` (or an arXiv id then a ``Title:``) starts a new
    record; other labels add to the record being read; text is its title if it has none yet,
    else its abstract. Labels PaperShelf keeps no field for are reported and ignored."""
    first = labelled(block[0][1])
    starts = any((f := labelled(t)) is not None and f.field == "title" for _, t in block)
    if reading.record is None or (starts and first is not None and first.field in ("title", "arxiv")):
        reading.close()
        reading.record = _Record(block[0][0], labelled=True)
    record = reading.record
    record.labelled = True
    for number, text in block:
        found = labelled(text)
        if found is None:
            if not record.title and not record.abstract and not looks_like_abstract(text):
                record.title, record.line = text, number
            else:
                record.abstract.append(text)
        elif found.field == "title":
            record.title, record.line = found.value, number
        elif found.field == "abstract":
            record.abstract += [found.value] if found.value else []
        elif not found.field:
            reading.warn(number, f"{found.label}: ignored (a page has no such field): {found.value[:60]!r}")
        elif found.field in record.fields and record.fields[found.field][1] != found.value:
            reading.warn(number, f"{found.label}: a second value for the record ignored: {found.value[:60]!r}")
        elif found.value:
            record.fields[found.field] = (number, found.value)


def _text_block(reading: _Reading, number: int, block: list[str]) -> None:
    """A block of plain text: a title, an abstract, or both without the blank line between."""
    record = reading.record
    waiting = record is not None and bool(record.title) and not record.abstract
    if len(block) > 1 and not looks_like_abstract(block[0]) and looks_like_abstract(" ".join(block[1:])):
        reading.close()
        reading.warn(number + 1, "missing blank line between title and abstract")
        reading.record = _Record(number, title=block[0], abstract=block[1:])
        return
    joined = " ".join(block)
    if record is not None and waiting and (looks_like_abstract(joined) or record.labelled):
        record.abstract.append(joined)
    elif record is not None and record.labelled and record.abstract and looks_like_abstract(joined):
        record.abstract.append(joined)  # a second paragraph of a labelled record's abstract
    elif looks_like_abstract(joined):
        reading.close()
        reading.error(number, "abstract with no title (two abstracts in a row?)")
    else:
        reading.close()
        reading.record = _Record(number, title=joined)


def read_listing(text: str, *, year: int | None, source: str | None = None) -> ReadResult:
    """Read a listing into papers; problems carry line numbers and never stop the other records.

    Page chrome is dropped and reported by line; labelled fields are read (or reported as
    ignored); each record's rank is its place among the records of its date."""
    reading = _Reading(year, source)
    lines = _drop_chrome(reading, text.replace("\r\n", "\n").split("\n"))
    for number, raw_block in _blocks(lines):
        numbered = list(enumerate(raw_block, number))
        for part in _split_at_titles(numbered):
            _read_block(reading, part)
    reading.close()
    reading.result.problems.sort(key=lambda problem: problem.line)
    return reading.result


def _read_block(reading: _Reading, block: list[tuple[int, str]]) -> None:
    number, first = block[0]
    if len(block) == 1 and first.lower() in HEADER_LINES:
        return
    if len(block) == 1:
        new_date = _parse_date(first, reading.year, number)
        if new_date is not None:
            reading.close()
            reading.date = new_date
            return
    if any(labelled(text) is not None for _, text in block):
        _labelled_block(reading, block)
    else:
        _text_block(reading, number, [text for _, text in block])
