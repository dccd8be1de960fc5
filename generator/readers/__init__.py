"""Readers turn a source (a listing, a BibTeX file, an arXiv response) into ``Paper`` records.

Each reader returns a ``ReadResult``: the papers it could read and the problems it found, each
with its line, so that one broken record never stops the others. It also says which fields its
source carries (``carried``): an import updates those on an existing page and keeps the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.core.model import Paper


@dataclass(frozen=True, slots=True)
class ReadProblem:
    line: int
    message: str
    skipped: bool = True  # False: reported, but the record was still read

    def format(self, path: str) -> str:
        kind = "error" if self.skipped else "warning"
        return f"{path}:{self.line}: {kind}: {self.message}"


@dataclass(slots=True)
class ReadResult:
    papers: list[Paper] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # where each paper's record starts, for messages
    carried: frozenset[str] = frozenset()  # the Paper fields the source can give
