"""Rendering on two cores gives what rendering on one gives, in the same order."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

import pytest

from generator.core import parallel
from tests.conftest import copy_project


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


def test_told_not_to_fork_it_renders_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 4)
    out = parallel.render_all(list(range(11)), _render, fork=False)
    assert [text.split(" in ")[0] for text in out] == [f"<p>{n}" for n in range(11)]
    assert all(text.endswith(f"in {os.getpid()}</p>") for text in out)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry for each ``os.fork`` from here on."""
    counted: list[int] = []
    real_fork = os.fork

    def counted_fork() -> int:
        counted.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    return counted


def test_a_preview_forks_only_before_its_threads_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    """A preview's later runs are made while ``serve``'s file watcher and the timers run as
    threads, and never fork (a forked child would get a copy of a lock another thread holds);
    the same edit restaged by a build's stager renders on two cores. (A first run makes its
    pages while the related papers are computed, on this core: nothing is left to fork.)"""
    from generator.content.pages import read_page, to_front_matter
    from generator.stage import Stager

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    can_fork = (os.cpu_count() or 1) >= 2
    watcher_stop = threading.Event()
    for preview in (True, False):
        project = copy_project(tmp_path / f"preview-{preview}")
        stager = Stager(project / "mkdocs.yml", preview=preview)
        watcher = threading.Thread(target=watcher_stop.wait, daemon=True)  # as serve's file watcher
        try:
            stager.run()
            assert forks == []
            watcher.start()
            source = sorted((project / "content" / "papers").glob("*.md"))[0]
            paper, _ = read_page(source)
            assert paper is not None
            source.write_text(to_front_matter(dataclasses.replace(paper, title="An Edited Title")), "utf-8")
            stager.run()
            staged = project / "build" / "stage" / "papers" / source.name
            assert "An Edited Title" in staged.read_text("utf-8")
            assert len(forks) == (1 if can_fork and not preview else 0)
        finally:
            stager.close()
            watcher_stop.set()
            if watcher.is_alive():
                watcher.join(timeout=10)
            watcher_stop.clear()
            forks.clear()


def test_a_value_computed_apart_comes_from_a_child() -> None:
    parent = os.getpid()
    value = parallel.compute_apart(lambda: {"pid": os.getpid(), "data": b"x" * 300_000})
    got = value()
    assert got["data"] == b"x" * 300_000  # larger than a pipe's buffer
    if hasattr(os, "fork") and (os.cpu_count() or 1) >= 2:
        assert got["pid"] != parent
    assert value() is got  # asked twice, the same value


def test_a_value_computed_apart_by_a_failing_child_is_made_here() -> None:
    parent = os.getpid()

    def compute() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return os.getpid()

    assert parallel.compute_apart(compute)() == parent


def test_told_not_to_fork_it_computes_here() -> None:
    assert parallel.compute_apart(os.getpid, fork=False)() == os.getpid()


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_a_build_makes_part_of_its_search_files_apart_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int], large: bool
) -> None:
    """A one-run stage (a build's) makes the search index and My shelf's data in a forked
    child; past ``SEARCH_APART_UP_TO`` papers it makes the index here (both in a second process
    would cost memory the build does not have to spare) and the rest in the child. A preview's
    stager makes them all here. The staged folders are the same, byte for byte."""
    import generator.stage
    from generator.stage import Stager

    if large:
        monkeypatch.setattr(generator.stage, "SEARCH_APART_UP_TO", 0)
    project = copy_project(tmp_path / "project")
    folders = {}
    for lean in (True, False):
        out = tmp_path / f"stage-{lean}"
        stager = Stager(project / "mkdocs.yml", out, lean=lean)
        try:
            report = stager.run()
        finally:
            stager.close()
        assert report.papers > 0 and not report.problems
        folders[lean] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        if lean:
            assert len(forks) == (1 if (os.cpu_count() or 1) >= 2 else 0)  # the fixture is below PARALLEL_FROM
    assert folders[True] == folders[False]
    assert "assets/search-index/meta.json" in folders[True]
    assert any(path.startswith("assets/search-typos/") for path in folders[True])
