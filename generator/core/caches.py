"""Per-paper caches that a preview keeps between restages and a one-off build lets go.

Under ``serve`` an edit restages the whole site, and the fragments made from each unchanged
paper (its listing entries, export records, index terms) are taken from these caches, which
is what makes an edit show in seconds. A build stages once: there the caches only hold memory
(about a gigabyte at 50,000 papers), so it releases them once the files made from them are
made (``Stager(lean=True)``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def per_paper(maxsize: int = 1 << 17) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, registered so that ``release`` can empty it."""

    def wrap(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def release() -> None:
    """Empty every per-paper cache (the results stay correct: they are made again if asked)."""
    for cached in _CACHES:
        cached.cache_clear()
