"""Writes ``Paper`` records as pages, without ever losing a person's work.

A page on disk that differs from what the importer would write has been edited by hand (or by
a later pull request), so it is skipped unless ``force`` is given. Files are replaced
atomically and only when their bytes change, which keeps re-imports quiet in ``git status``.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.model import Paper
from generator.pages import read_page, to_front_matter
from generator.validate import title_key


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


FILE_MODE = 0o644
DIR_MODE = 0o755
"""Modes of everything PaperShelf writes: the site is served by a web server that usually runs
as another user, and pages are committed to a repository, so both must be readable by all."""


def make_dirs(folder: Path) -> None:
    """``mkdir -p`` whose new folders are 0755 whatever the umask (folders already there keep
    their mode: they may be a maintainer's choice)."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another writer
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask


def write_bytes_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` when its content differs; True when something was written.

    The temporary file that ``mkstemp`` makes is private (0600) and would keep that mode after
    the rename, so its mode is set to 0644 before it takes the file's place."""
    try:
        if path.read_bytes() == data:
            if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
                os.chmod(path, FILE_MODE)  # an older build left it private
            return False
    except (FileNotFoundError, NotADirectoryError):
        pass
    make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_if_changed(path: Path, text: str) -> bool:
    """``write_bytes_if_changed`` for text, always UTF-8."""
    return write_bytes_if_changed(path, text.encode("utf-8"))


def write_new_file(path: Path, text: str) -> None:
    """Create ``path`` with ``text``, 0644; raises ``FileExistsError`` rather than replace a page."""
    make_dirs(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)
        fh.write(text)


def publish_modes(root: Path) -> int:
    """Make every file under ``root`` 0644 and every folder 0755; returns how many changed.

    The engine and the search indexer write most of the site themselves, with the modes the
    process's umask gives; a private umask (0077) would leave a site the web server cannot
    read. So the build ends with this walk. Symbolic links are neither followed nor changed."""
    changed = 0
    for folder, dirs, files in os.walk(root):
        for name, mode in [(d, DIR_MODE) for d in dirs] + [(f, FILE_MODE) for f in files]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
                continue
            os.chmod(path, mode)
            changed += 1
    if os.path.isdir(root) and stat.S_IMODE(os.stat(root).st_mode) != DIR_MODE:
        os.chmod(root, DIR_MODE)
        changed += 1
    return changed


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
