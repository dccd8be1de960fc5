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

    @property
    def url(self) -> str:
        """Site-relative URL of the paper's page (directory URLs)."""
        return paper_url(self.slug)


# The page format's keys, in the order they are written. Documented in CONTRIBUTING.md.
FRONT_MATTER_KEYS: tuple[str, ...] = (
    "title",
    "date",
    "authors",
    "arxiv",
    "code",
    "links",
    "tags",
    "submitted_by",
    "source",
)
REQUIRED_KEYS: tuple[str, ...] = ("title", "date")


def sort_key(paper: Paper) -> tuple[int, str]:
    """Newest first, then by slug: the one order used for every listing, so output is stable."""
    return (-paper.date.toordinal(), paper.slug)
