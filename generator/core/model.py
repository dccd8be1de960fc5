"""The one record that passes between every stage: readers make it, writers and the site take it.

Keeping a single immutable type (instead of dicts) means equality is the round-trip test. A
field is declared here (its attribute) and in ``content.paper_fields`` (one row: how a page
writes and reads it, whether the export carries it), from which the page reader and writer,
validation and the export are made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

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
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        """The hash of the fields, computed once: papers are the keys of the per-paper caches,
        and a restage at 10,000 papers asks for their hashes a hundred thousand times."""
        if not self._hash:
            object.__setattr__(self, "_hash", hash(tuple(getattr(self, name) for name in _COMPARED)) or 1)
        return self._hash

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled without the cached hash: another process hashes strings differently."""
        return (Paper, tuple(getattr(self, name) for name in _INIT))

    @property
    def url(self) -> str:
        """Site-relative URL of the paper's page (directory URLs)."""
        return paper_url(self.slug)


_COMPARED = tuple(f.name for f in fields(Paper) if f.compare)
_INIT = tuple(f.name for f in fields(Paper) if f.init)

_UNRANKED = 1 << 62


def sort_key(paper: Paper) -> tuple[int, int, str, str]:
    """Newest listing date first; within a day the listing's own order (its rank, which on
    Hugging Face is the community's), unranked papers after the ranked ones; then by title and
    slug. The one order used for every listing (home, archive, feeds, exports), so output is
    stable and a day reads as it was listed."""
    rank = paper.rank if paper.rank is not None else _UNRANKED
    return (-paper.date.toordinal(), rank, " ".join(paper.title.casefold().split()), paper.slug)
