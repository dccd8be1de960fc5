"""The scaling benchmark: our full site against stock Material, at any number of papers.

Speed claims need a baseline measured on the same machine in the same run, because a shared
2-core machine drifts by tens of percent over minutes. So each run builds two projects from the
same papers, one after the other:

- ours:  this repository's site (every feature, as configured in ``mkdocs.yml``);
- stock: a bare MkDocs project with Material and its search plugin, one plain markdown page per
  paper (title heading and abstract) and a nav listing only the home page.

The parts live apart: ``corpus`` (the papers and the two projects), ``measure`` (a build in a
child process, its memory from ``/proc``), ``browser`` (probes in headless Chromium),
``targets`` and ``report``. This module runs them in order.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from benchmarks.browser import browser_figures
from benchmarks.constants import ROOT
from benchmarks.corpus import collection, write_ours, write_stock
from benchmarks.measure import Result, measure_build


def run_benchmark(
    n: int,
    runs: int = 1,
    browser: bool = False,
    workdir: Path | None = None,
    corpus: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Result:
    """Build ours and stock ``runs`` times each, alternating, in a throw-away folder, from the
    first ``n`` papers of ``corpus`` (synthetic papers without one)."""
    import tempfile

    papers = collection(n, corpus)
    result = Result(papers=n, ours=[], stock=[])
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-", dir=workdir) as tmp:
        base = Path(tmp)
        ours_project = write_ours(papers, base / "ours")
        code = base / "code"
        shutil.copytree(ROOT / "generator", code / "generator", ignore=shutil.ignore_patterns("__pycache__"))
        stock_project = write_stock(papers, base / "stock")
        for k in range(1, runs + 1):
            for name, project, into in (
                ("stock", stock_project, result.stock),
                ("ours", ours_project, result.ours),
            ):
                say(f"{n} papers, run {k}/{runs}: building {name}…")
                site = base / f"site-{name}"
                shutil.rmtree(site, ignore_errors=True)
                figures = measure_build(project, site, code)
                if browser:
                    say(f"{n} papers, run {k}/{runs}: searching {name} in Chromium…")
                    try:
                        browser_figures(site, figures)
                    except Exception as err:  # a crashed page or browser, whatever its error class
                        # The stock theme's whole index (about 190 MB at 100,000 papers) crashed the
                        # page: the run keeps its build figures and says so instead of dying.
                        say(f"{n} papers, run {k}/{runs}: the browser probe of {name} failed: {err}")
                        figures.extra["browser_failed"] = 1.0
                into.append(figures)
    return result
