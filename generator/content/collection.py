"""The collection: every readable page under ``content/papers``, in the one site-wide order.

Pages that cannot be read are kept aside with their problems, so a build can leave exactly
those out, name them, and still publish everything else.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.pages import read_page
from generator.core.model import Paper, sort_key
from generator.core.problems import Problem


@dataclass(slots=True)
class Collection:
    papers: list[Paper] = field(default_factory=list)
    broken: dict[Path, list[Problem]] = field(default_factory=dict)

    def by_slug(self) -> dict[str, Paper]:
        return {p.slug: p for p in self.papers}


def load_collection(paths: Iterable[Path]) -> Collection:
    """Read the given page files; order of ``paths`` does not matter (output is sorted)."""
    coll = Collection()
    for path in sorted(paths):
        paper, problems = read_page(path)
        if paper is None:
            coll.broken[path] = problems
        else:
            coll.papers.append(paper)
    coll.papers.sort(key=sort_key)
    return coll


def page_paths(papers_dir: Path) -> list[Path]:
    """Every page file of the collection (``*.md`` directly inside the folder)."""
    try:
        names = [entry.name for entry in os.scandir(papers_dir)]
    except (FileNotFoundError, NotADirectoryError):
        return []
    # sorted by name, not by Path (whose comparison costs ten times as much at 50,000 pages)
    return [papers_dir / name for name in sorted(names) if name.endswith(".md") and not name.startswith(".")]
