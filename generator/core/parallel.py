"""Use the second processor core: render many pages half in a forked child, half here
(``render_all``); compute one large value in a forked child while this process goes on
(``compute_apart``).

A cold build renders every paper's page, a pure function of data already in memory. A forked
child shares that memory without copying or pickling it; only the finished texts come back,
through a pipe. Where ``fork`` is missing, on one core, for a few pages (a preview's edit), or
while other threads run (``render_all``'s ``fork``), everything is rendered here, and a child
that fails is made up for here too: the result is the same either way, only the time differs.
"""

from __future__ import annotations

import functools
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import BinaryIO, TypeVar

T = TypeVar("T")

PARALLEL_FROM = 2000
"""Fewer items than this are rendered here: forking costs more than it saves."""
BATCH = 500
"""Texts sent back at a time: at 50,000 pages the whole answer is hundreds of megabytes."""


def _can_fork(wanted: bool) -> bool:
    return wanted and hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


def _fork_sending(send: Callable[[BinaryIO], None]) -> tuple[int, int]:
    """Fork a child that calls ``send`` with the writing end of a pipe, then leaves without
    running the parent's clean-up (exit status 1 if ``send`` raised); the child's pid and the
    reading end for the parent."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                send(pipe)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def render_all(items: Sequence[T], render: Callable[[T], str], *, fork: bool = True) -> list[str]:
    """``[render(item) for item in items]``, the second half in a forked child when it pays.

    ``fork=False`` is for a caller whose process runs other threads (a preview's file watcher
    and timers): a forked child gets a copy of every lock as it was, and one that another thread
    held (the import lock, say) would never be released in the child. ``Stager`` forks only
    where no other thread runs: a build, and a preview's first run."""
    if not _can_fork(fork) or len(items) < PARALLEL_FROM:
        return [render(item) for item in items]
    middle = len(items) // 2
    theirs = items[middle:]

    def send(pipe: BinaryIO) -> None:
        for at in range(0, len(theirs), BATCH):
            batch = [render(item) for item in theirs[at : at + BATCH]]
            pickle.dump(batch, pipe, protocol=pickle.HIGHEST_PROTOCOL)

    pid, read_end = _fork_sending(send)
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


def compute_apart(compute: Callable[[], T], *, fork: bool = True) -> Callable[[], T]:
    """Start ``compute()`` in a forked child and return what gives its value: the child's,
    read from a pipe, or, where forking is not wanted (``render_all``'s ``fork``) or the child
    failed, ``compute()`` called here. Either way the value is the same; only the time differs.

    For work that nothing waits for until later: a build makes the search index and My
    shelf's data on one core while the pages are made on the other. The child leaves as soon
    as its value is sent: the memory it used to make it is given back then, not at the end of
    the build."""
    if not _can_fork(fork):
        here = compute()
        return lambda: here
    pid, read_end = _fork_sending(lambda pipe: pickle.dump(compute(), pipe, protocol=pickle.HIGHEST_PROTOCOL))

    def received() -> T:
        with os.fdopen(read_end, "rb") as pipe:
            try:
                sent = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError, ValueError):
                sent = _FAILED
        _, status = os.waitpid(pid, 0)
        return compute() if status != 0 or sent is _FAILED else sent

    return functools.cache(received)  # the pipe can be read once


_FAILED = object()
