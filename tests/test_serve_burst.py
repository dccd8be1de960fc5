"""A burst of saves under ``generator serve`` (``make serve``): 50 edits to 20 pages in 10 seconds,
then a pause. The preview ends with every page showing its last save, and with the search index
and the related lists of the final content — the staged folder byte-identical to a clean stage
of it — and nothing in the server's log says error.

The 5 s the preview aims at for the index and the related lists is measured and printed; the
test only bounds each wait (``WAIT_S``), so a slow runner passes."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.corpus import seed_papers, synthesize
from generator.content.pages import to_front_matter
from generator.core.model import Paper
from generator.search.index import INDEX_DIR
from generator.stage import stage
from tests.conftest import FIXTURE_PAPERS, copy_project
from tests.test_faults import tree

PAGES, EDITS, BURST_S = 20, 50, 10.0
WAIT_S = 60.0


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return bytes(response.read())
    except (urllib.error.URLError, OSError):
        return None


def _wait(check: Callable[[], bool], what: str) -> float:
    """Seconds until ``check()`` holds, polled; fails after ``WAIT_S``."""
    start = time.monotonic()
    while time.monotonic() - start < WAIT_S:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {WAIT_S:.0f} s")


def _edit(paper: Paper, k: int, other: Paper) -> Paper:
    """Save ``k`` of a page: a word of its own, and a sentence of another paper, so that the
    page's related papers change with it."""
    borrowed = other.abstract.split(". ")[0]
    return dataclasses.replace(paper, abstract=f"{paper.abstract} Burstsave{k}x marks this save. {borrowed}.")


@pytest.mark.slow
def test_a_burst_of_saves_ends_with_the_last_save_everywhere(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", papers=False)
    papers = synthesize(seed_papers(FIXTURE_PAPERS), PAGES)
    papers_dir = project / "content" / "papers"
    for paper in papers:
        (papers_dir / f"{paper.slug}.md").write_text(to_front_matter(paper), encoding="utf-8")

    # The saves, planned: save k goes to page k % 20; each page's last save is what must show.
    saves = [(k % PAGES, _edit(papers[k % PAGES], k, papers[(k * 7 + 3) % PAGES])) for k in range(EDITS)]
    final = {i: edited for i, edited in saves}
    expected_project = copy_project(tmp_path / "expected", papers=False)
    for i, paper in enumerate(papers):
        text = to_front_matter(final.get(i, paper))
        (expected_project / "content" / "papers" / f"{paper.slug}.md").write_text(text, encoding="utf-8")
    clean = expected_project / "build" / "stage"
    assert stage(expected_project / "mkdocs.yml", clean).problems == {}
    expected = tree(clean)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        try:
            _wait(lambda: b"Latest papers" in (_get(url) or b""), "the first build")
            start = time.monotonic()
            for k, (i, edited) in enumerate(saves):  # the burst: one save every 0.2 s for 10 s
                time.sleep(max(0.0, start + k * BURST_S / EDITS - time.monotonic()))
                (papers_dir / f"{papers[i].slug}.md").write_text(to_front_matter(edited), encoding="utf-8")
            burst = time.monotonic() - start

            def pages_show_last_saves() -> bool:
                for i, edited in final.items():
                    body = (_get(f"{url}papers/{edited.slug}/") or b"").decode("utf-8", "replace")
                    last = re.findall(r"Burstsave(\d+)x", body)
                    if last != [str(max(k for k, (j, _) in enumerate(saves) if j == i))]:
                        return False
                return True

            def index_follows() -> bool:
                return tree(project / "build" / "stage") == expected and all(
                    _get(f"{url}{INDEX_DIR}/{name}") == (clean / INDEX_DIR / name).read_bytes()
                    for name in sorted(p.name for p in (clean / INDEX_DIR).iterdir())
                )

            shown = _wait(pages_show_last_saves, "every page showing its last save")
            followed = shown + _wait(index_follows, "the search index and related lists of the final content")
            for edited in final.values():  # the related papers the served pages list are the final ones
                body = (_get(f"{url}papers/{edited.slug}/") or b"").decode("utf-8")
                staged = (clean / "papers" / f"{edited.slug}.md").read_text(encoding="utf-8")
                for link in set(re.findall(r'href="\.\./([a-z0-9-]+)/"', staged)):
                    assert f"../{link}/" in body, (edited.slug, link)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    bad = [line for line in text.splitlines() if re.search(r"Traceback|\bERROR\b|\berror:", line)]
    assert bad == [], "\n".join(bad)
    print(
        f"\n{EDITS} saves to {PAGES} pages in {burst:.1f} s; after the last save: every page showed it in"
        f" {shown:.1f} s, the search index and related lists followed in {followed:.1f} s"
    )
    shutil.rmtree(expected_project, ignore_errors=True)
