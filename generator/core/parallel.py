"""Render many pages on two processor cores: half in a forked child, half here.

A cold build renders every paper's page, a pure function of data already in memory. A forked
child shares that memory without copying or pickling it; only the finished texts come back,
through a pipe. Where ``fork`` is missing, on one core, for a few pages (a preview's edit), or
while other threads run (``render_all``'s ``fork``), everything is rendered here, and a child
that fails is made up for here too: the result is the same either way, only the time differs.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

PARALLEL_FROM = 2000
"""Fewer items than this are rendered here: forking costs more than it saves."""
BATCH = 500
"""Texts sent back at a time: at 50,000 pages the whole answer is hundreds of megabytes."""


def render_all(items: Sequence[T], render: Callable[[T], str], *, fork: bool = True) -> list[str]:
    """``[render(item) for item in items]``, the second half in a forked child when it pays.

    ``fork=False`` is for a caller whose process runs other threads (a preview's file watcher
    and timers): a forked child gets a copy of every lock as it was, and one that another thread
    held (the import lock, say) would never be released in the child. ``Stager`` forks only
    where no other thread runs: a build, and a preview's first run."""
    if not fork or len(items) < PARALLEL_FROM or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return [render(item) for item in items]
    middle = len(items) // 2
    theirs = items[middle:]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send, leave without running the parent's clean-up
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                for at in range(0, len(theirs), BATCH):
                    batch = [render(item) for item in theirs[at : at + BATCH]]
                    pickle.dump(batch, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    rest: list[str] = []
    broken = threading.Event()

    def receive() -> None:  # batch by batch, while this process renders its half
        with os.fdopen(read_end, "rb") as pipe:
            while True:
                try:
                    batch = pickle.load(pipe)
                except EOFError:
                    return
                except (pickle.UnpicklingError, ValueError):
                    broken.set()
                    return
                if not isinstance(batch, list):
                    broken.set()
                    return
                rest.extend(batch)

    reader = threading.Thread(target=receive, daemon=True)
    reader.start()
    mine = [render(item) for item in items[:middle]]
    reader.join()
    _, status = os.waitpid(pid, 0)
    if status != 0 or broken.is_set() or len(rest) != len(theirs):
        rest = [render(item) for item in theirs]
    return mine + rest
