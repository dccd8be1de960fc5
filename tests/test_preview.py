"""``generator serve`` (``make serve``): an edit, a new paper and a hostile edit show on the
served site, escaped, without restarting anything. Times are the benchmark's business
(``python -m benchmarks preview``); here each wait is only bounded, so a slow runner passes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.content.pages import read_page, to_front_matter
from tests.conftest import copy_project

WAIT_S = 90.0


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _wait_until(url: str, check: object, what: str) -> str:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        body = _get(url)
        if body is not None and check(body):  # type: ignore[operator]
            return body
        time.sleep(0.2)
    pytest.fail(f"{url} did not show {what} within {WAIT_S:.0f} s")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    project = copy_project(tmp_path / "project")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until(url, lambda body: "Latest papers" in body, "the home page")
        yield project, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_edits_show_under_serve_escaped(preview: tuple[Path, str]) -> None:
    project, url = preview
    page = sorted((project / "content" / "papers").glob("*.md"))[0]
    paper, _ = read_page(page)
    assert paper is not None
    page.write_text(to_front_matter(paper).rstrip("\n") + " previewtoken <script>alert(1)</script>\n", "utf-8")
    body = _wait_until(f"{url}papers/{paper.slug}/", lambda b: "previewtoken" in b, "the edit")
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body

    new = project / "content" / "papers" / "a-paper-added-during-the-preview.md"
    new.write_text("---\ntitle: A Paper Added During the Preview\ndate: 2031-01-02\n---\n\nNew words.\n", "utf-8")
    _wait_until(f"{url}papers/a-paper-added-during-the-preview/", lambda b: "A Paper Added" in b, "the new paper")
    home = _wait_until(url, lambda b: "A Paper Added During the Preview" in b, "the new paper on the home page")
    assert "papers/a-paper-added-during-the-preview/" in home

    new.unlink()
    _wait_until(url, lambda b: "A Paper Added During the Preview" not in b, "the removal on the home page")


def test_related_lists_follow_an_edit_once_saves_pause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``serve`` a page shows at once with the related lists it had; the lists are
    recomputed once saves pause, and the next restage shows them: a new near-twin of a paper
    joins that paper's related papers."""
    import dataclasses
    import threading

    from generator.stage import Stager
    from generator.taxonomy import background

    monkeypatch.setattr(background, "RELATED_PAUSE_S", 0.2)
    project = copy_project(tmp_path / "project")
    ready = threading.Event()
    stager = Stager(project / "mkdocs.yml", preview=True, on_related=ready.set)
    try:
        stager.run()
        papers_dir = project / "content" / "papers"
        source = sorted(papers_dir.glob("*.md"))[0]
        paper, _ = read_page(source)
        assert paper is not None
        twin = dataclasses.replace(paper, slug="a-near-twin", title=paper.title + " Revisited", arxiv=None)
        (papers_dir / "a-near-twin.md").write_text(to_front_matter(twin), "utf-8")
        page = project / "build" / "stage" / "papers" / f"{paper.slug}.md"

        stager.run()
        assert "../a-near-twin/" not in page.read_text("utf-8")  # shown at once, with the last lists
        assert ready.wait(WAIT_S), "the related lists were not recomputed"
        stager.run()
        assert "../a-near-twin/" in page.read_text("utf-8")
    finally:
        stager.close()
