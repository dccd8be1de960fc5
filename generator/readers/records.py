"""What a saved bibliographic record (a BibTeX entry, an arXiv API entry) tells about a paper.

A record is not yet a ``Paper``: it may lack the listing date (BibTeX often gives only a year)
and the slug is only settled when the page is written next to the others. ``new`` fills the
gaps from the command line or by asking, then makes the ``Paper``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.core.model import Link
from generator.core.problems import FileError


@dataclass(slots=True)
class Record:
    line: int  # where the record starts in its file, for messages
    title: str | None = None
    date: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    arxiv: str | None = None
    code: str | None = None
    links: list[Link] = field(default_factory=list)
    abstract: str = ""
    tags: list[str] = field(default_factory=list)
    published: dt.date | None = None  # the publication date (arXiv: first version), not the listing date
    category: str | None = None
    doi: str | None = None


class RecordError(FileError):
    """The file as a whole cannot be read (not XML, not UTF-8, an arXiv API error…)."""
