"""Readers turn a source (a listing, a BibTeX file, an arXiv response) into ``Paper`` records.

Each reader returns a ``ReadResult``: the papers it could read and the problems it found, each
with its line (a ``generator.core.problems.Problem``, made by ``read_problem``), so that one
broken record never stops the others. A file that cannot be read at all raises a
``FileError`` subclass, which carries its problem too. It also says which fields its
source carries (``carried``): an import updates those on an existing page and keeps the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.core.model import Paper
from generator.core.problems import Problem


@dataclass(slots=True)
class ReadResult:
    papers: list[Paper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # where each paper's record starts, for messages
    carried: frozenset[str] = frozenset()  # the Paper fields the source can give
