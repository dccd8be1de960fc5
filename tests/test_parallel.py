"""Rendering on two cores gives what rendering on one gives, in the same order."""

from __future__ import annotations

import os

import pytest

from generator.core import parallel


def _render(n: int) -> str:
    return f"<p>{n} in {os.getpid()}</p>"


def test_forked_half_comes_back_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 4)
    items = list(range(11))
    out = parallel.render_all(items, _render)
    assert [text.split(" in ")[0] for text in out] == [f"<p>{n}" for n in items]
    pids = {text.split(" in ")[1] for text in out}
    if hasattr(os, "fork") and (os.cpu_count() or 1) >= 2:
        assert len(pids) == 2  # half of them were rendered by a child


def test_a_failing_child_is_made_up_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that dies (here: its render raises) leaves the parent to render its half."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 4)
    parent = os.getpid()

    def render(n: int) -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return str(n)

    assert parallel.render_all(list(range(8)), render) == [str(n) for n in range(8)]


def test_few_items_stay_in_this_process() -> None:
    out = parallel.render_all([1, 2, 3], _render)
    assert all(text.endswith(f"in {os.getpid()}</p>") for text in out)
