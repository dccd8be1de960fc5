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

from generator.content.fields import is_hf_login, is_https_url, normalize_arxiv
from generator.core.model import Link, Paper
from generator.core.slugs import slugify, unique_slug
from generator.core.textclean import clean_text
from generator.readers import ReadProblem, ReadResult

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
MAX_TITLE = 500


class DailyError(ValueError):
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


def read_hf_daily(data: bytes, *, date: dt.date, source: str | None = None) -> DailyResult:
    """Papers of the listing of ``date``: rank = place in the listing (from 1), ``date`` = the
    listing date, ``published`` = arXiv's first version. Raises ``DailyError`` when the response
    as a whole is unreadable, or is another day's listing (every dated item says another day)."""
    items = parse_json(data)
    result = DailyResult()
    taken: set[str] = set()
    seen: dict[str, int] = {}
    other_days: list[tuple[int, dt.date]] = []
    dated = 0

    def add(rank: int, name: str, message: str, skipped: bool = True) -> None:
        result.problems.append(ReadProblem(rank, f"{name}: {message}", skipped=skipped))

    for rank, item in enumerate(items, 1):
        name = f"item {rank}"

        paper = item.get("paper") if isinstance(item, dict) else None
        if not isinstance(paper, dict):
            add(rank, name, "is not a paper record (no 'paper' object)")
            continue
        raw_id = _text(paper.get("id"))
        parsed = normalize_arxiv(raw_id) if raw_id else None
        if parsed is None:
            add(rank, name, f"{raw_id[:60]!r} is not an arXiv id" if raw_id else "has no paper id")
            continue
        arxiv = parsed[0]
        name = f"item {rank} ({arxiv})"
        listed = _date(paper.get("submittedOnDailyAt")) or _date(item.get("publishedAt"))
        if listed is not None:
            dated += 1
            if listed != date:
                other_days.append((rank, listed))
        if paper.get("withdrawnAt"):
            result.withdrawn.append((rank, f"{name} was withdrawn on {_text(paper.get('withdrawnAt'))[:10]}"))
            continue
        if arxiv in seen:
            add(rank, name, f"is listed twice (first as item {seen[arxiv]}); kept once")
            continue
        seen[arxiv] = rank
        raw_title = _text(paper.get("title")) or _text(item.get("title"))
        if not raw_title:
            add(rank, name, "has no title")
            continue
        title, had_markup = _plain(raw_title)
        title = " ".join(title.split())
        if not title or len(title) > MAX_TITLE:
            add(rank, name, "has no usable title" if not title else f"has a title longer than {MAX_TITLE} characters")
            continue
        if had_markup:
            add(rank, name, "the title held HTML markup, which was removed", skipped=False)
        summary, _ = _plain(_text(paper.get("summary")) or _text(item.get("summary")))
        authors: list[str] = []
        raw_authors = paper.get("authors")
        for author in raw_authors if isinstance(raw_authors, list) else []:
            author_name = " ".join(_text(author.get("name")).split()) if isinstance(author, dict) else ""
            if author_name and author_name.isprintable():
                authors.append(author_name)
        if not isinstance(raw_authors, list) or not authors:
            add(rank, name, "has no authors", skipped=False)
        code = _text(paper.get("githubRepo")) or None
        if code and not is_https_url(code):
            add(rank, name, f"githubRepo {code[:80]!r} is not an https:// URL; left out", skipped=False)
            code = None
        links: list[Link] = []
        page = _text(paper.get("projectPage"))
        if page and is_https_url(page) and page != code:
            links.append(Link("Project page", page))
        elif page and page != code:
            add(rank, name, f"projectPage {page[:80]!r} is not an https:// URL; left out", skipped=False)
        slug = unique_slug(slugify(title), taken)
        taken.add(slug)
        result.papers.append(
            Paper(
                slug=slug,
                title=title,
                date=date,
                abstract=summary,
                authors=tuple(authors),
                arxiv=arxiv,
                code=code,
                links=tuple(links),
                source=source,
                published=_date(paper.get("publishedAt")),
                rank=rank,
                upvotes=_count(paper.get("upvotes")),
                hf_submitter=_login(paper.get("submittedOnDailyBy")),
            )
        )
    if dated and len(other_days) == dated:
        days = sorted({d.isoformat() for _, d in other_days})
        raise DailyError(f"the response is the listing of {', '.join(days)}, not of {date.isoformat()}")
    for rank, listed in other_days:
        result.problems.append(
            ReadProblem(rank, f"item {rank} was listed on {listed.isoformat()}, not {date.isoformat()}", skipped=False)
        )
    return result
