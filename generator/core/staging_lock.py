"""One writer or one reader of the staged folder at a time, across processes.

Under ``serve`` the stager rewrites the staged folder while the engine's preview server,
another process, watches it and rebuilds. An engine that lists the files while the stager
removes an old search vocabulary, or reads a page the stager is half-way through rewriting,
fails its rebuild ("the server will appear stuck"). So the stager writes holding this lock
exclusively and the engine's seam builds holding it shared: each sees the folder whole. The
lock is a file beside the staged folder, not in it, so taking it is not an edit to watch.

Where ``fcntl`` is missing (Windows) the lock does nothing: a preview may then need a second
save to rebuild cleanly, and a build (one process) is unaffected.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]


def stamp_path(staged: Path) -> Path:
    """``build/stage`` -> ``build/stage.stamp``: rewritten by the stager after each change, so a
    preview server watches one file instead of polling every file of a large staged folder."""
    return staged.with_name(staged.name + ".stamp")


def stamp(staged: Path) -> None:
    """Say that the staged folder changed (and is whole again)."""
    path = stamp_path(staged)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{time.time_ns()}\n", encoding="utf-8")


def lock_path(staged: Path) -> Path:
    """``build/stage`` -> ``build/stage.lock``."""
    return staged.with_name(staged.name + ".lock")


@contextlib.contextmanager
def staging_lock(staged: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the staged folder's lock: ``exclusive`` to write it, shared to read it."""
    if fcntl is None:
        yield
        return
    path = lock_path(staged)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class SharedHold:
    """A shared hold taken in one engine event and let go in a later one (``on_pre_build`` to
    ``on_post_build`` or ``on_build_error``)."""

    def __init__(self) -> None:
        self._stack: contextlib.ExitStack | None = None

    def take(self, staged: Path) -> None:
        self.release()
        stack = contextlib.ExitStack()
        stack.enter_context(staging_lock(staged, exclusive=False))
        self._stack = stack

    def release(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()
