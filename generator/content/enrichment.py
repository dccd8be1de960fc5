"""What an arXiv record adds to a page, and when a record is the page's paper. Pure functions.

A record is taken only when its title is the page's title after the project's normalisation
(``textclean.clean_text`` for TeX accents and markup, then ``validate.title_key`` for Unicode
NFKC, case and spacing): a look-alike title ("… and Beyond", a v2 with another subtitle) is a
different paper as far as this step knows, and a wrong arXiv id on a page is worse than none.
A field a person wrote is never replaced; only empty fields are filled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from generator.content.validate import title_key
from generator.core.model import Paper
from generator.core.textclean import clean_text
from generator.core.values import normalize_arxiv
from generator.readers.records import Record


def match_key(title: str) -> str:
    """The form in which an arXiv title and a page title must be equal."""
    return title_key(clean_text(title))


@dataclass(frozen=True, slots=True)
class Found:
    """The fields of an arXiv record that a page can take (and that the cache keeps)."""

    arxiv: str
    title: str
    authors: tuple[str, ...]
    published: dt.date | None
    category: str | None
    doi: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "arxiv": self.arxiv,
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published.isoformat() if self.published else None,
            "category": self.category,
            "doi": self.doi,
        }

    @classmethod
    def from_json(cls, data: Any) -> Found | None:
        """None for anything that is not a well-formed cache entry (the cache is then ignored)."""
        if not isinstance(data, dict) or not isinstance(data.get("title"), str):
            return None
        arxiv = data.get("arxiv")
        if not isinstance(arxiv, str) or (normalize_arxiv(arxiv) or ("",))[0] != arxiv:
            return None
        authors = data.get("authors")
        published = data.get("published")
        try:
            day = dt.date.fromisoformat(published) if isinstance(published, str) else None
        except ValueError:
            return None
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            return None
        category, doi = data.get("category"), data.get("doi")
        return cls(
            arxiv=arxiv,
            title=data["title"],
            authors=tuple(authors),
            published=day,
            category=category if isinstance(category, str) else None,
            doi=doi if isinstance(doi, str) else None,
        )


@dataclass(frozen=True, slots=True)
class Match:
    found: Found | None  # the paper, or None
    note: str = ""  # why none was taken, when there were candidates


def best_match(title: str, records: Sequence[Record]) -> Match:
    """The one record whose title is the page's; none when no title is equal, or when equal
    titles belong to different papers (which one is meant cannot be told from the title)."""
    key = match_key(title)
    same = {r.arxiv: r for r in records if r.arxiv and r.title and match_key(r.title) == key}
    if len(same) > 1:
        return Match(None, f"several arXiv papers have this exact title ({', '.join(sorted(same))})")
    if not same:
        near = [r.title for r in records if r.title][:1]
        return Match(None, f"closest arXiv title was {near[0][:80]!r}" if near else "")
    record = next(iter(same.values()))
    assert record.arxiv is not None and record.title is not None
    return Match(
        Found(
            arxiv=record.arxiv,
            title=record.title,
            authors=tuple(record.authors),
            published=record.published,
            category=record.category,
            doi=record.doi,
        )
    )


def fill(paper: Paper, found: Found) -> tuple[Paper, list[str]]:
    """The paper with its empty fields filled from ``found``, and the names of those fields.

    ``pdf`` is not a field to fill: an arXiv paper's PDF link follows from its id. A page that
    already names a PDF keeps it and gets no arXiv id (the page format allows one or the other).
    """
    changes: dict[str, Any] = {}
    if paper.arxiv is None and paper.pdf is None:
        changes["arxiv"] = found.arxiv
    if not paper.authors and found.authors:
        changes["authors"] = found.authors
    if paper.published is None and found.published is not None:
        changes["published"] = found.published
    if paper.category is None and found.category is not None and (paper.arxiv or "arxiv" in changes):
        changes["category"] = found.category
    if paper.doi is None and found.doi is not None:
        changes["doi"] = found.doi
    return (replace(paper, **changes), list(changes)) if changes else (paper, [])
