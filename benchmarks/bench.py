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
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.browser import browser_figures, known_item_hits
from benchmarks.constants import ROOT
from benchmarks.corpus import collection, write_ours, write_stock
from benchmarks.measure import Result, measure_build, run_measured
from benchmarks.queries import known_item_queries, probe_queries, top3_rates
from generator.core.model import Paper


def run_benchmark(
    n: int,
    base: Path,
    runs: int = 1,
    browser: bool = False,
    corpus: Path | None = None,
    quality: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> Result:
    """Build ours and stock ``runs`` times each, alternating, in the new folder ``base``, from the
    first ``n`` papers of ``corpus`` (synthetic papers without one); with ``quality``, then index
    the stock site with Pagefind and ask the three engines the known-item queries. The caller
    deletes ``base`` once every size is measured: nothing is deleted between measured builds
    (``measure.set_aside``)."""
    papers = collection(n, corpus)
    probes = probe_queries(papers)
    result = Result(papers=n, ours=[], stock=[], corpus=corpus.name if corpus else "synthetic")
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
            figures = measure_build(project, site, code)
            if browser:
                say(f"{n} papers, run {k}/{runs}: searching {name} in Chromium…")
                try:
                    browser_figures(site, figures, probes)
                except Exception as err:  # a crashed page or browser, whatever its error class
                    # The stock theme's whole index (about 190 MB at 100,000 papers) crashed the
                    # page: the run keeps its build figures and says so instead of dying.
                    say(f"{n} papers, run {k}/{runs}: the browser probe of {name} failed: {err}")
                    figures.extra["browser_failed"] = 1.0
            into.append(figures)
    if quality:
        compare_engines(papers, base / "site-ours", base / "site-stock", result, say)
    return result


def compare_engines(
    papers: Sequence[Paper], ours: Path, stock: Path, result: Result, say: Callable[[str], None]
) -> None:
    """Index the stock site with Pagefind (timed, as a build is), then ask our search, Pagefind
    and Material's the known-item and misspelt queries; their top-3 rates go into ``result``."""
    say(f"{result.papers} papers: indexing the stock site with Pagefind…")
    result.pagefind = run_measured([sys.executable, "-m", "pagefind", "--site", str(stock)], what="Pagefind")
    folder = stock / "pagefind"
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    result.pagefind.files, result.pagefind.site_mb = len(sizes), sum(sizes) / 1e6
    queries = known_item_queries(papers)
    say(f"{result.papers} papers: {len(queries)} known-item queries to each engine in Chromium…")
    for engine, hits in known_item_hits(ours, stock, queries).items():
        result.quality[engine] = top3_rates(queries, hits)
        result.misses[engine] = [
            f"{q.kind}: {q.text}" for q, top in zip(queries, hits, strict=True) if q.slug not in top
        ]
