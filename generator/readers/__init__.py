"""Readers turn a source (a listing, a BibTeX file, an arXiv response) into ``Paper`` records.

Each reader returns a ``ReadResult``: the papers it could read and the problems it found, each
with its line, so that one broken record never stops the others.
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
