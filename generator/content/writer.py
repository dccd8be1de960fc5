"""Writes ``Paper`` records as pages, without ever losing a person's work.

A page on disk that differs from what the importer would write has been edited by hand (or by
a later pull request), so it is skipped unless ``force`` is given. Files are replaced
atomically and only when their bytes change, which keeps re-imports quiet in ``git status``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.core.model import Paper
from generator.content.pages import read_page, to_front_matter
from generator.content.validate import title_key


@dataclass(slots=True)
class WriteSummary:
    new: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[tuple[Path, str]] = field(default_factory=list)

    def line(self) -> str:
        parts = [f"{len(self.new)} new"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        parts += [
            f"{len(self.unchanged)} unchanged",
            f"{len(self.skipped)} skipped",
            f"{len(self.errors)} errors",
        ]
        return ", ".join(parts)


def write_if_changed(path: Path, text: str | bytes) -> bool:
    """Atomically replace ``path`` when its content differs; True when something was written."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _same_paper(a: Paper, b: Paper) -> bool:
    """The importer and ``validate`` must agree on what counts as the same title."""
    return title_key(a.title) == title_key(b.title)


def _place(paper: Paper, out_dir: Path) -> tuple[Paper, Path, Paper | None, str | None]:
    """Find the slug for ``paper``: its own, or the first ``-N`` variant not used by another paper.

    Returns the paper (slug settled), its path, the paper already there if any, and an error.
    """
    base, n = paper.slug, 1
    while True:
        slug = base if n == 1 else f"{base}-{n}"
        path = out_dir / f"{slug}.md"
        if not path.exists() and not path.is_symlink():
            return replace(paper, slug=slug), path, None, None
        existing, problems = read_page(path)
        if existing is None:
            return paper, path, None, problems[0].format(str(path)) if problems else "unreadable page"
        if _same_paper(existing, paper):
            return replace(paper, slug=slug), path, existing, None
        n += 1


def write_papers(
    papers: Iterable[Paper],
    out_dir: Path,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> WriteSummary:
    """Write each paper to ``out_dir/<slug>.md``; a failure on one page never stops the others."""
    summary = WriteSummary()
    for i, paper in enumerate(papers, 1):
        if progress:
            progress(i)
        try:
            placed, path, existing, error = _place(paper, out_dir)
            if error is not None:
                summary.errors.append((path, f"{error} (left as it is)"))
                continue
            text = to_front_matter(placed)
            if existing is None:
                write_if_changed(path, text)
                summary.new.append(path)
            elif path.read_text(encoding="utf-8") == text:
                summary.unchanged.append(path)
            elif force:
                write_if_changed(path, text)
                summary.updated.append(path)
            else:
                summary.skipped.append((path, "edited by hand; use --force to overwrite it"))
        except OSError as err:
            summary.errors.append((out_dir / f"{paper.slug}.md", f"could not write: {err.strerror}"))
    return summary
