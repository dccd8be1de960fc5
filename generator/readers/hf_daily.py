"""Reader for a Hugging Face Daily Papers response (``/api/daily_papers?date=…``), offline.

The response is a JSON list, one item per paper in the day's listing, in its order (on the
site, the community's ranking). Each item holds a ``paper`` object (``id`` = arXiv id, ``title``,
``summary``, ``authors: [{name}]``, ``publishedAt`` = arXiv's first version, ``upvotes``,
``githubRepo``, ``projectPage``, ``submittedOnDailyBy: {name|user}``, ``withdrawnAt``) and the
listing's own copies of title and summary. The shape is the one huggingface_hub's ``PaperInfo``
reads. Bad records are reported with their place in the listing and skipped; the rest import.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from generator.core.model import Link, Paper
from generator.core.problems import FileError, read_problem
from generator.core.slugs import slugify, unique_slug
from generator.core.textclean import clean_text
from generator.core.values import is_hf_login, is_https_url, normalize_arxiv
from generator.readers import ReadResult

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
MAX_TITLE = 500


class DailyError(FileError):
    """The response as a whole cannot be read (not JSON, not a list, another day's listing)."""


@dataclass(slots=True)
class DailyResult(ReadResult):
    """Papers and problems as every reader gives them, plus the withdrawn papers (skipped and
    reported, but not an error: withdrawing is the authors' decision, not a broken record)."""

    withdrawn: list[tuple[int, str]] = field(default_factory=list)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _plain(text: str) -> tuple[str, bool]:
    """Text without HTML markup (tags removed, entities decoded), TeX turned into Unicode;
    True when markup was removed, so the reader can say so."""
    stripped = _TAG.sub("", text)
    had_markup = stripped != text or ("&" in text and html.unescape(stripped) != stripped)
    return clean_text(html.unescape(stripped)), had_markup


def _date(value: Any) -> dt.date | None:
    text = _text(value)
    try:
        return dt.date.fromisoformat(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    """Upvotes: JSON numbers (the API's schema says float); a fraction or a negative is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != int(value) or value < 0 or value > 10**9:
        return None
    return int(value)


def _login(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    for key in ("name", "user"):
        login = _text(value.get(key))
        if is_hf_login(login):
            return login
    return None


def parse_json(data: bytes) -> list[Any]:
    """The response's items; raises ``DailyError`` for anything that is not a JSON list."""
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise DailyError(f"the response is not UTF-8 (byte {err.start})") from None
    except (json.JSONDecodeError, RecursionError) as err:
        where = f" (line {err.lineno}, column {err.colno})" if isinstance(err, json.JSONDecodeError) else ""
        raise DailyError(f"the response is not valid JSON{where}") from None
    if isinstance(items, dict) and "error" in items:
        raise DailyError(f"the response is a Hugging Face error: {str(items['error'])[:200]!r}")
    if not isinstance(items, list):
        raise DailyError("the response is not a Daily Papers listing (expected a JSON list of papers)")
    return items


@dataclass(slots=True)
class _Reading:
    """What reading one response keeps between its items."""

    date: dt.date
    source: str | None
    result: DailyResult = field(default_factory=DailyResult)
    taken: set[str] = field(default_factory=set)  # slugs given so far
    seen: dict[str, int] = field(default_factory=dict)  # arXiv id -> rank that listed it first
    other_days: list[tuple[int, dt.date]] = field(default_factory=list)
    dated: int = 0  # items that say when they were listed

    def add(self, rank: int, name: str, message: str, skipped: bool = True) -> None:
        self.result.problems.append(read_problem(rank, f"{name}: {message}", skipped=skipped))


def _arxiv_id(reading: _Reading, rank: int, item: object) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """(the item, its paper record, its arXiv id), or None (reported) when it has no record or id."""
    if not isinstance(item, dict) or not isinstance(item.get("paper"), dict):
        reading.add(rank, f"item {rank}", "is not a paper record (no 'paper' object)")
        return None
    paper = item["paper"]
    raw_id = _text(paper.get("id"))
    parsed = normalize_arxiv(raw_id) if raw_id else None
    if parsed is None:
        reading.add(rank, f"item {rank}", f"{raw_id[:60]!r} is not an arXiv id" if raw_id else "has no paper id")
        return None
    return item, paper, parsed[0]


def _note_listing_day(reading: _Reading, rank: int, item: dict[str, Any], paper: dict[str, Any]) -> None:
    listed = _date(paper.get("submittedOnDailyAt")) or _date(item.get("publishedAt"))
    if listed is not None:
        reading.dated += 1
        if listed != reading.date:
            reading.other_days.append((rank, listed))


def _title(reading: _Reading, rank: int, name: str, item: dict[str, Any], paper: dict[str, Any]) -> str | None:
    """The title as plain text on one line, or None (reported) when there is none usable."""
    raw_title = _text(paper.get("title")) or _text(item.get("title"))
    if not raw_title:
        reading.add(rank, name, "has no title")
        return None
    title, had_markup = _plain(raw_title)
    title = " ".join(title.split())
    if not title or len(title) > MAX_TITLE:
        reading.add(
            rank, name, "has no usable title" if not title else f"has a title longer than {MAX_TITLE} characters"
        )
        return None
    if had_markup:
        reading.add(rank, name, "the title held HTML markup, which was removed", skipped=False)
    return title


def _authors(reading: _Reading, rank: int, name: str, paper: dict[str, Any]) -> tuple[str, ...]:
    authors: list[str] = []
    raw_authors = paper.get("authors")
    for author in raw_authors if isinstance(raw_authors, list) else []:
        author_name = " ".join(_text(author.get("name")).split()) if isinstance(author, dict) else ""
        if author_name and author_name.isprintable():
            authors.append(author_name)
    if not isinstance(raw_authors, list) or not authors:
        reading.add(rank, name, "has no authors", skipped=False)
    return tuple(authors)


def _code_and_links(
    reading: _Reading, rank: int, name: str, paper: dict[str, Any]
) -> tuple[str | None, tuple[Link, ...]]:
    """The code repository and the project page, each only as an https:// URL."""
    code = _text(paper.get("githubRepo")) or None
    if code and not is_https_url(code):
        reading.add(rank, name, f"githubRepo {code[:80]!r} is not an https:// URL; left out", skipped=False)
        code = None
    page = _text(paper.get("projectPage"))
    if page and is_https_url(page) and page != code:
        return code, (Link("Project page", page),)
    if page and page != code:
        reading.add(rank, name, f"projectPage {page[:80]!r} is not an https:// URL; left out", skipped=False)
    return code, ()


def _read_item(reading: _Reading, rank: int, entry: object) -> None:
    """One item of the listing: a paper added to the result, or a problem or a withdrawal noted."""
    found = _arxiv_id(reading, rank, entry)
    if found is None:
        return
    record, paper, arxiv = found
    name = f"item {rank} ({arxiv})"
    _note_listing_day(reading, rank, record, paper)
    if paper.get("withdrawnAt"):
        reading.result.withdrawn.append((rank, f"{name} was withdrawn on {_text(paper.get('withdrawnAt'))[:10]}"))
        return
    if arxiv in reading.seen:
        reading.add(rank, name, f"is listed twice (first as item {reading.seen[arxiv]}); kept once")
        return
    reading.seen[arxiv] = rank
    title = _title(reading, rank, name, record, paper)
    if title is None:
        return
    summary, _ = _plain(_text(paper.get("summary")) or _text(record.get("summary")))
    authors = _authors(reading, rank, name, paper)
    code, links = _code_and_links(reading, rank, name, paper)
    slug = unique_slug(slugify(title), reading.taken)
    reading.taken.add(slug)
    reading.result.papers.append(
        Paper(
            slug=slug,
            title=title,
            date=reading.date,
            abstract=summary,
            authors=authors,
            arxiv=arxiv,
            code=code,
            links=links,
            source=reading.source,
            published=_date(paper.get("publishedAt")),
            rank=rank,
            upvotes=_count(paper.get("upvotes")),
            hf_submitter=_login(paper.get("submittedOnDailyBy")),
        )
    )


def read_hf_daily(data: bytes, *, date: dt.date, source: str | None = None) -> DailyResult:
    """Papers of the listing of ``date``: rank = place in the listing (from 1), ``date`` = the
    listing date, ``published`` = arXiv's first version. Raises ``DailyError`` when the response
    as a whole is unreadable, or is another day's listing (every dated item says another day)."""
    reading = _Reading(date, source)
    for rank, item in enumerate(parse_json(data), 1):
        _read_item(reading, rank, item)
    if reading.dated and len(reading.other_days) == reading.dated:
        days = sorted({d.isoformat() for _, d in reading.other_days})
        raise DailyError(f"the response is the listing of {', '.join(days)}, not of {date.isoformat()}")
    for rank, listed in reading.other_days:
        reading.result.problems.append(
            read_problem(rank, f"item {rank} was listed on {listed.isoformat()}, not {date.isoformat()}", skipped=False)
        )
    return reading.result
