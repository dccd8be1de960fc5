"""The one record that passes between every stage: readers make it, writers and the site take it.

Keeping a single immutable type (instead of dicts) means a field added here is seen by the
reader, the page format, validation and the site at once, and equality is the round-trip test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.core.routes import paper_url


@dataclass(frozen=True, slots=True)
class Link:
    """A labelled outbound link, such as a project page."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper as the site knows it: front matter fields plus the abstract.

    ``slug`` is the page's file name without ``.md``; it is not written into the front matter,
    because the file name already carries it and two sources of truth would drift.
    """

    slug: str
    title: str
    date: dt.date
    abstract: str = ""
    authors: tuple[str, ...] = ()
    arxiv: str | None = None
    code: str | None = None
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    submitted_by: str | None = None
    source: str | None = None
    # Kept apart from ``date`` (when the paper was listed here): what citations cite.
    published: dt.date | None = None
    rank: int | None = None  # position in its day's listing, from 1
    upvotes: int | None = None  # on Hugging Face, when it was imported
    hf_submitter: str | None = None  # Hugging Face login (not a GitHub login, unlike submitted_by)
    category: str | None = None  # arXiv primary category, such as cs.CL
    doi: str | None = None  # bare DOI, such as 10.1000/xyz123
    pdf: str | None = None  # https URL of a PDF; arXiv papers need none (it follows from the id)

    @property
    def url(self) -> str:
        """Site-relative URL of the paper's page (directory URLs)."""
        return paper_url(self.slug)


# The page format's keys, in the order they are written. Documented in CONTRIBUTING.md.
FRONT_MATTER_KEYS: tuple[str, ...] = (
    "title",
    "date",
    "published",
    "authors",
    "arxiv",
    "category",
    "doi",
    "pdf",
    "code",
    "links",
    "tags",
    "rank",
    "upvotes",
    "hf_submitter",
    "submitted_by",
    "source",
)
REQUIRED_KEYS: tuple[str, ...] = ("title", "date")


_UNRANKED = 1 << 62


def sort_key(paper: Paper) -> tuple[int, int, str, str]:
    """Newest listing date first; within a day the listing's own order (its rank, which on
    Hugging Face is the community's), unranked papers after the ranked ones; then by title and
    slug. The one order used for every listing (home, archive, feeds, exports), so output is
    stable and a day reads as it was listed."""
    rank = paper.rank if paper.rank is not None else _UNRANKED
    return (-paper.date.toordinal(), rank, " ".join(paper.title.casefold().split()), paper.slug)
