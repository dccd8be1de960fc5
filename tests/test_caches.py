"""Per-paper caches: a preview keeps every fragment; a one-off build keeps only those it asks
for more than once, and gets the same values either way."""

from __future__ import annotations

from collections.abc import Callable

from generator.core import caches

Fragment = Callable[[int], tuple[int, ...]]


def _counting() -> tuple[list[int], Fragment, Fragment]:
    made: list[int] = []

    @caches.per_paper()
    def shared(n: int) -> tuple[int, ...]:
        made.append(n)
        return (n, n)

    @caches.per_paper(asked_once=True)
    def once(n: int) -> tuple[int, ...]:
        made.append(-n)
        return (n,)

    return made, shared, once


def test_a_preview_keeps_every_fragment() -> None:
    made, shared, once = _counting()
    assert [shared(1), shared(1), once(2), once(2)] == [(1, 1), (1, 1), (2,), (2,)]
    assert made == [1, -2]


def test_a_lean_build_keeps_only_what_it_asks_for_twice() -> None:
    made, shared, once = _counting()
    with caches.lean():
        assert [shared(1), shared(1), once(2), once(2)] == [(1, 1), (1, 1), (2,), (2,)]
        assert made == [1, -2, -2]  # made again: not kept
    once(3)
    once(3)
    assert made == [1, -2, -2, -3]  # kept again once the build is over


def test_lean_off_changes_nothing_and_nesting_restores() -> None:
    made, _, once = _counting()
    with caches.lean(False):
        once(1)
        once(1)
    assert made == [-1]
    with caches.lean(), caches.lean(False):  # an inner preview inside a build still does not keep
        once(2)
        once(2)
    assert made == [-1, -2, -2]


def test_release_empties_both_kinds() -> None:
    made, shared, once = _counting()
    shared(1)
    once(1)
    caches.release()
    shared(1)
    once(1)
    assert made == [1, -1, 1, -1]
