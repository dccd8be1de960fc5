"""Per-paper caches that a preview keeps between restages and a one-off build lets go.

Under ``serve`` an edit restages the whole site, and the fragments made from each unchanged
paper (its listing entries, export records, index terms) are taken from these caches, which
is what makes an edit show in seconds. A build stages once: there the caches only hold memory
(about a gigabyte at 50,000 papers), so it releases them once the files made from them are
made (``Stager(lean=True)``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []
_keep_all = [True]  # False while a one-off build runs (``lean``)


def per_paper(maxsize: int = 1 << 17, *, asked_once: bool = False) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, registered so that ``release`` can empty it.

    ``asked_once``: a build asks for this fragment once for each paper (one file is made of
    it), so while a one-off build runs (``lean``) it is made and not kept. Kept, the split
    words of 50,000 papers held 800 MB until their file was made."""

    def wrap(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        if not asked_once:
            return cached  # type: ignore[return-value]

        @functools.wraps(function)
        def kept_in_previews(*args: Any) -> Any:
            return cached(*args) if _keep_all[0] else function(*args)

        kept_in_previews.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return kept_in_previews  # type: ignore[return-value]

    return wrap


@contextlib.contextmanager
def lean(on: bool = True) -> Iterator[None]:
    """While it lasts (``on``), fragments a build asks for once are not kept (``per_paper``)."""
    before = _keep_all[0]
    _keep_all[0] = not on and before
    try:
        yield
    finally:
        _keep_all[0] = before


def release() -> None:
    """Empty every per-paper cache (the results stay correct: they are made again if asked)."""
    for cached in _CACHES:
        cached.cache_clear()
