"""How long an edit takes to show under ``make serve``, at N papers.

Starts ``python -m generator serve`` on a synthetic collection, then, on the served site,
times from the moment a file is saved to the moment the page shows the change: an edited
paper (median of ``runs``), and a new paper. The figure includes restaging, the engine's
dirty rebuild and serving, as a person sees it in the browser after a reload.

Run: ``make bench-preview`` or ``python -m benchmarks preview --papers 5000 10000``.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.corpus import collection, write_ours
from generator.content.pages import read_page, to_front_matter

TIMEOUT_S = 600.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, text: str, limit: float = TIMEOUT_S) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        body = _get(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not show {text!r} within {limit:.0f} s")


def measure(papers: int, runs: int, workdir: Path | None = None, corpus: Path | None = None) -> dict[str, float]:
    """Seconds from a save to the served page showing it: edits (median), a new paper, first build."""
    root = Path(tempfile.mkdtemp(prefix="papershelf-preview-", dir=workdir))
    try:
        project = write_ours(collection(papers, corpus), root / "project")
        port = _free_port()
        base = f"http://127.0.0.1:{port}/"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        try:
            start = time.perf_counter()
            _wait_for(base, "Latest papers")
            first = time.perf_counter() - start
            time.sleep(2.0)  # the first related lists arrive and are staged once more
            pages = sorted((project / "content" / "papers").glob("*.md"))
            edits = []
            for n in range(runs):
                page = pages[(n * 7919) % len(pages)]
                paper, _ = read_page(page)
                assert paper is not None
                token = f"previewtoken{n}x{papers}"
                text = to_front_matter(paper).rstrip("\n") + f" {token}\n"
                page.write_text(text, encoding="utf-8")
                edits.append(_wait_for(f"{base}papers/{paper.slug}/", token))
                time.sleep(1.0)
            new = project / "content" / "papers" / "a-brand-new-paper-for-the-preview.md"
            new.write_text("---\ntitle: A Brand New Paper for the Preview\ndate: 2025-07-09\n---\n\nNew.\n", "utf-8")
            added = _wait_for(f"{base}papers/a-brand-new-paper-for-the-preview/", "A Brand New Paper")
        finally:
            server.terminate()
            server.wait(30)
        return {"papers": papers, "first_build_s": first, "edit_s": statistics.median(edits), "new_s": added}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(sizes: list[int], runs: int, corpus: Path | None = None) -> int:
    head = f"{'papers':>8} {'first build s':>14} {'edit shows s':>13} {'new paper s':>12}"
    print(f"{head}   (load {os.getloadavg()[0]:.1f})")
    for n in sizes:
        row = measure(n, runs, corpus=corpus)
        print(f"{n:>8} {row['first_build_s']:>14.2f} {row['edit_s']:>13.2f} {row['new_s']:>12.2f}", flush=True)
    return 0
