"""Writes ``Paper`` records as pages, without ever losing a person's work.

An import merges, never clobbers (``merge.reconcile``): the fields a page lacks are filled from
the record and reported; a field the page gives differently is kept and reported — as "edited
by hand" when the record comes from the page's own source (the file named in its ``source``),
as a difference from another source otherwise — unless ``force`` is given. Files are replaced
atomically and only when their bytes change, which keeps re-imports quiet in ``git status``.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from generator.content.merge import FIELDS, match_pages, reconcile
from generator.content.pages import to_front_matter
from generator.content.validate import Entry, page_files, read_entries, title_key
from generator.core.model import Paper


@dataclass(slots=True)
class WriteSummary:
    new: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    filled: list[tuple[Path, str]] = field(default_factory=list)  # "authors, arxiv, code"
    differ: list[tuple[Path, str]] = field(default_factory=list)  # kept fields of updated pages
    errors: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[tuple[Path, str]] = field(default_factory=list)

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


class WriteFailed(OSError):
    """A file could not be written (a full disk, a read-only folder); names the file. Nothing of
    the batch it belonged to was put in place (``prepare_writes``)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"could not write {path}: {reason}")
        self.path, self.reason = path, reason


def write_data(handle: BinaryIO, data: bytes) -> None:
    """Where every batch write puts its bytes: one place, so a test can make the disk full."""
    handle.write(data)


def same_bytes(path: Path, data: bytes) -> bool:
    """True when ``path`` already holds ``data`` (a missing file holds nothing)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except (FileNotFoundError, NotADirectoryError):
        return False


SCRATCH_FOLDER_FILES = 256
"""Files per folder of the scratch: ext4 made 12,700 files in one folder in 2.9 s of system
time, in folders of about a hundred in 0.5 s."""


def prepare_writes(scratch: Path, root: Path, changes: Iterable[tuple[str, bytes]]) -> list[tuple[Path, Path]]:
    """Write each change into ``scratch`` (a folder beside ``root``, on the same disk, emptied
    first: a killed run may have left files there): (temporary, target) pairs for
    ``commit_writes``. If one cannot be written (``ENOSPC``), ``scratch`` is emptied and
    ``WriteFailed`` names the file: ``root`` is exactly as it was, however far the batch got,
    and never holds a temporary file an engine might publish."""
    shutil.rmtree(scratch, ignore_errors=True)
    pending: list[tuple[Path, Path]] = []
    path = root
    try:
        make_dirs(scratch)
        for n, (rel, data) in enumerate(changes):
            path = root / rel
            if n % SCRATCH_FOLDER_FILES == 0:  # a file made in a folder of thousands costs several times more
                (scratch / str(n // SCRATCH_FOLDER_FILES)).mkdir()
            tmp = scratch / str(n // SCRATCH_FOLDER_FILES) / f"{n}{path.suffix}"
            pending.append((tmp, path))
            with tmp.open("wb") as fh:
                write_data(fh, data)
                os.fchmod(fh.fileno(), FILE_MODE)
    except OSError as err:
        shutil.rmtree(scratch, ignore_errors=True)
        raise WriteFailed(path, err.strerror or str(err)) from err
    return pending


def commit_writes(pending: Iterable[tuple[Path, Path]], scratch: Path) -> None:
    """Put each prepared file in its place: a rename, so each file is whole wherever a kill
    stops the batch, and no new space is needed but for new folders."""
    for tmp, path in pending:
        make_dirs(path.parent)
        os.replace(tmp, path)
    shutil.rmtree(scratch, ignore_errors=True)


def write_if_changed(path: Path, text: str | bytes) -> bool:
    """``write_bytes_if_changed`` for text (always UTF-8) or bytes."""
    return write_bytes_if_changed(path, text.encode("utf-8") if isinstance(text, str) else text)


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


def write_papers(
    papers: Iterable[Paper],
    out_dir: Path,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    carried: frozenset[str] = frozenset(FIELDS),
) -> WriteSummary:
    """Write each paper to ``out_dir``; a failure on one page never stops the others.

    A paper already on the shelf (``merge.match_pages``: same arXiv id, else same title) keeps
    its page and its slug; of the fields the source ``carried``, those the page lacks are filled,
    and those it gives differently are kept and reported, or with ``force`` updated, every other
    field kept (``merge.reconcile``). A new paper gets its slug, or the first free ``-N``.
    The papers are expected to be distinct (``merge.duplicates_in`` removes repeats)."""
    summary = WriteSummary()
    papers = list(papers)
    files, _ = page_files(out_dir)
    entries = read_entries([(path, str(path)) for path in files])
    keys = [(e.arxiv, e.title_key, e.paper.date if e.paper else None) for e in entries]
    matches = match_pages(papers, keys)
    by_slug = {e.slug: e for e in entries}
    by_title: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.title_key:
            by_title.setdefault(entry.title_key, []).append(entry)
    for i, paper in enumerate(papers):
        if progress:
            progress(i + 1)
        try:
            if i in matches:
                _update(entries[matches[i]], paper, carried, force, summary)
            else:
                _create(paper, out_dir, by_slug, by_title, summary)
        except OSError as err:
            summary.errors.append((out_dir / f"{paper.slug}.md", f"could not write: {err.strerror}"))
    return summary


def _kept(paper: Paper, incoming: Paper, differ: tuple[str, ...]) -> str:
    """Why the fields ``differ`` were kept: the page was edited after its own source made it,
    or the record comes from another source than the page's."""
    what = f"the {differ[0]} differs" if len(differ) == 1 else f"{', '.join(differ)} differ"
    them = "it" if len(differ) == 1 else "them"
    if paper.source and paper.source == incoming.source:
        return f"edited by hand ({what} from the source); use --force to update {them}, keeping every other field"
    origin = f"the page's source is {paper.source}" if paper.source else "the page names no source"
    return (
        f"{what} from {incoming.source or 'this source'} ({origin}): kept the page's; use --force to take {them}"
        " from this source"
    )


def _update(entry: Entry, paper: Paper, carried: frozenset[str], force: bool, summary: WriteSummary) -> None:
    path = Path(entry.path)
    if entry.paper is None:
        reason = entry.problems[0].format(entry.path) if entry.problems else "unreadable page"
        summary.errors.append((path, f"{reason} (left as it is)"))
        return
    result = reconcile(entry.paper, paper, carried, force=force)
    if result.paper != entry.paper:
        write_if_changed(path, to_front_matter(result.paper))
        summary.updated.append(path)
        if result.filled:
            summary.filled.append((path, ", ".join(result.filled)))
        if result.differ and not force:
            summary.differ.append((path, _kept(entry.paper, paper, result.differ)))
    elif result.differ:
        summary.skipped.append((path, _kept(entry.paper, paper, result.differ)))
    else:
        summary.unchanged.append(path)


def _create(
    paper: Paper, out_dir: Path, by_slug: dict[str, Entry], by_title: dict[str, list[Entry]], summary: WriteSummary
) -> None:
    base, n = paper.slug, 1
    while True:
        slug = base if n == 1 else f"{base}-{n}"
        path = out_dir / f"{slug}.md"
        entry = by_slug.get(slug)
        if entry is None and not path.exists() and not path.is_symlink():
            break
        if entry is not None and entry.paper is None and not (entry.arxiv or entry.title_key):
            reason = entry.problems[0].format(str(path)) if entry.problems else "unreadable page"
            summary.errors.append((path, f"{reason} (left as it is)"))
            return  # cannot tell whether it is this paper: never write a second page beside it
        n += 1
    placed = replace(paper, slug=slug)
    write_if_changed(path, to_front_matter(placed))
    summary.new.append(path)
    entry = Entry(path=str(path), paper=placed, problems=[], arxiv=placed.arxiv, slug=slug)
    entry.title_key = title_key(placed.title)
    for other in by_title.get(entry.title_key, []):
        summary.warnings.append(
            (
                path,
                f"shares its title with {other.path}, a different paper (another arXiv id or date): both are"
                " kept — give each page its arXiv id so that they can be told apart",
            )
        )
    by_slug[slug] = entry  # pages written in this run are the source's to report (``duplicates_in``)
