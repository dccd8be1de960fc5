"""My shelf's "For you": what it fetches and how soon it shows, and how well it ranks.

``foryou_figures(site)`` is the probe, for any built site: a reader with ``SAVED`` papers on
their shelf opens My shelf on a cold cache in headless Chromium, ``RUNS`` times; it returns the
median bytes the page fetched (the shelf's data files, and everything), the median time from the
start of navigation to the list shown, and the same for a second visit. The build report can
call it on the site it built.

``python -m benchmarks foryou --papers 50000`` measures it at a size without building that many
pages: the list's page and scripts are the same at any size, so it builds the seed collection
once and puts the shelf's data of the N real-shaped synthetic papers that ``benchmarks build``
makes (``corpus.collection``, ``shelf.data.shelf_files``) in its place.

``python -m benchmarks foryou --quality FILE`` compares rankings on real papers (a JSON Lines
file of arXiv records with ``title``, ``summary`` and ``categories``, such as the 20,000 of the
shared benchmark sample): simulated readers save papers of one arXiv category, and each ranking
is scored by the share of its top 20 in that category, for a linear SVM over whole tf-idf vectors
(arxiv-sanity's), nearest neighbours over the same vectors, the postings of the saved papers' 24
strongest top terms (what the site shipped before), and the saved papers' nearest papers by top
terms, summed (``shelf.data.neighbours``; what the site ships).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.constants import CHROMIUM_ARGS
from benchmarks.corpus import collection, seed_papers, write_ours
from generator.shelf.data import SHELF_DIR, shelf_files

SAVED = 20  # papers on the reader's shelf
RUNS = 5  # cold and second visits measured; the figures are their medians
BYTES_TARGET_KB = 300.0
TIME_TARGET_MS = 1000.0
READY = "[data-ps-foryou-list][data-ps-ready]"
# When the list is drawn: the first frame after the page marks it ready (a MutationObserver in
# the page, so the figure does not include how often the test driver polls, 100-500 ms under load).
_SHOWN_JS = """(ready) => {
  new MutationObserver((_, watch) => {
    if (!document.querySelector(ready)) return;
    watch.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__forYouShown = performance.now(); }));
  }).observe(document, { subtree: true, childList: true, attributes: true });
}"""
_SEED_JS = """([key, papers]) => {
  if (!sessionStorage.getItem("bench-seeded")) {  // once: a reload keeps what the page stored
    localStorage.setItem(key, JSON.stringify({format: 1, papers}));
    sessionStorage.setItem("bench-seeded", "1");
  }
}"""


def _shelf(site: Path, saved: int, seed: int = 7) -> dict[str, Any]:
    """``saved`` papers picked at random from the site's records, as the shelf keeps them."""
    folder = site / SHELF_DIR
    meta = json.loads((folder / "meta.json").read_text())
    rows = []
    for k in range(meta["records"]):
        for place, record in enumerate(json.loads(gzip.decompress((folder / f"r{k}.bin").read_bytes()))):
            # As the shelf keeps a saved paper: its record (For you reads its terms, nearest
            # papers and number), and what its page adds.
            entry = {
                "id": k * meta["slots"] + place,
                "v": meta["version"],
                "slots": meta["slots"],
                "bibtex": f"@misc{{{record['slug']}}}",
            }
            rows.append({**record, **entry})
    chosen = random.Random(seed).sample(sorted(rows, key=lambda r: r["slug"]), min(saved, len(rows)))
    return {
        r["slug"]: {**r, "saved": f"2026-01-{1 + i % 28:02d}T12:00:{i % 60:02d}.000Z"} for i, r in enumerate(chosen)
    }


def _visit(page: Any, url: str | None) -> dict[str, float]:
    """One visit of My shelf (``url``: a first one; None: a reload): time to the list, bytes."""
    sizes: list[tuple[str, int]] = []

    def finished(request: Any) -> None:
        with contextlib.suppress(Exception):  # a cancelled request has no sizes
            sizes.append((request.url, max(0, request.sizes()["responseBodySize"])))

    page.on("requestfinished", finished)
    if url is not None:
        page.goto(url)
    else:
        page.reload()
    page.wait_for_selector(READY, timeout=60000)
    seen = page.evaluate("() => performance.now()")
    page.wait_for_function("() => window.__forYouShown !== undefined", timeout=60000)
    shown = page.evaluate("() => window.__forYouShown")
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", finished)
    data = [s for u, s in sizes if f"/{SHELF_DIR}/" in u]
    return {
        "ms": float(shown),
        "seen_ms": float(seen),
        "data_kb": sum(data) / 1000,
        "all_kb": sum(s for _, s in sizes) / 1000,
        "data_files": float(len(data)),
        "listed": float(page.locator("[data-ps-foryou-list] li").count()),
    }


def foryou_figures(site: Path, saved: int = SAVED, runs: int = RUNS) -> dict[str, float]:
    """Open My shelf cold with ``saved`` papers saved, then again, ``runs`` times: the median
    bytes and time to the list of each, and the slowest cold time. Each run is a new browser
    context (an empty cache) in one browser, so the first run also pays for the browser's
    start-up: the median is the page's figure, the slowest says what a first page can take."""
    from playwright.sync_api import sync_playwright

    from benchmarks.static_server import serve_site

    papers = _shelf(site, saved)
    server, url = serve_site(site)
    key = "papershelf:shelf:/"  # shelf.js keeps a shelf per site path; the site is served at /
    seen: dict[str, list[dict[str, float]]] = {"cold": [], "warm": []}
    chromium = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(script=f"({_SEED_JS})({json.dumps([key, papers])})")
                context.add_init_script(script=f"({_SHOWN_JS})({json.dumps(READY)})")
                page = context.new_page()
                seen["cold"].append(_visit(page, url + "shelf/"))
                seen["warm"].append(_visit(page, None))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    figures: dict[str, float] = {"saved": float(len(papers)), "runs": float(runs)}
    for visit, found in seen.items():
        for name in found[0]:
            figures[f"{visit}_{name}" if name != "listed" else name] = statistics.median(f[name] for f in found)
    figures["cold_max_ms"] = max(f["ms"] for f in seen["cold"])
    figures["load_average"] = os.getloadavg()[0]
    return figures


def format_figures(papers: int, figures: dict[str, float]) -> str:
    """The probe's figures, with the issue's targets met or missed, and the machine's load."""
    lines = [
        f"For you at {papers:,} papers, {figures['saved']:.0f} saved, {figures['listed']:.0f} listed "
        f"(medians of {figures['runs']:.0f} runs; load average {figures['load_average']:.2f} after them):",
        f"  cold: {figures['cold_data_kb']:,.1f} KB of shelf data in {figures['cold_data_files']:.0f} files "
        f"({figures['cold_all_kb']:,.1f} KB with the page), list shown {figures['cold_ms']:,.0f} ms after navigation"
        f" (slowest run {figures['cold_max_ms']:,.0f} ms; seen by the test driver {figures['cold_seen_ms']:,.0f} ms)",
        f"  second visit: {figures['warm_data_kb']:,.1f} KB of shelf data in {figures['warm_data_files']:.0f} files, "
        f"list shown {figures['warm_ms']:,.0f} ms after navigation",
        f"  the data's own time (cold minus second visit): {figures['cold_ms'] - figures['warm_ms']:,.0f} ms",
    ]
    for label, value, limit, unit in (
        ("bytes of data, cold", figures["cold_data_kb"], BYTES_TARGET_KB, "KB"),
        ("list shown, cold", figures["cold_ms"], TIME_TARGET_MS, "ms"),
    ):
        verdict = "met" if value <= limit else "MISSED"
        lines.append(f"  {label:22} {value:>9,.1f} {unit} (target ≤ {limit:,g} {unit}) {verdict}")
    return "\n".join(lines)


def probe_at(n: int, workdir: Path | None = None) -> dict[str, float]:
    """Build the seed collection as the site, give it the shelf data of ``n`` synthetic papers,
    and run the probe on it."""
    with tempfile.TemporaryDirectory(prefix="papershelf-foryou-", dir=workdir) as tmp:
        project = write_ours(seed_papers(), Path(tmp) / "project")
        site = Path(tmp) / "site"
        built = subprocess.run(
            [sys.executable, "-m", "generator", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
            capture_output=True,
            text=True,
            check=False,
        )
        if built.returncode != 0:
            raise RuntimeError(f"the seed site did not build: {built.stderr.strip()[-500:]}")
        papers = collection(n)  # the papers `benchmarks build` makes at this size
        shutil.rmtree(site / SHELF_DIR)
        for name, data in shelf_files(papers).items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(data)
        return foryou_figures(site)


# --------------------------------------------------------------------------- ranking quality


def _postings_ranking(
    terms: Sequence[Sequence[tuple[str, int]]], postings: dict[str, list[tuple[int, int]]], saved: list[int]
) -> Any:
    """The site's first ranking: the saved papers' 24 strongest terms, each term's strongest holders."""
    import numpy as np

    from generator.shelf.data import POSTINGS_PER_TERM

    query: dict[str, int] = {}
    for i in saved:
        for term, weight in terms[i]:
            query[term] = query.get(term, 0) + weight
    scores = np.zeros(len(terms))
    for term, weight in sorted(query.items(), key=lambda t: (-t[1], t[0]))[:24]:
        for i, w in sorted(postings[term], key=lambda p: (-p[1], p[0]))[:POSTINGS_PER_TERM]:
            scores[i] += weight * w
    return scores


def quality(path: Path, saves: Sequence[int] = (1, 5, 20), readers: int = 40) -> str:
    """Share of each ranking's top 20 in the saved papers' arXiv category (see the docstring)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from generator.core.model import Paper
    from generator.shelf.data import neighbours
    from generator.shelf.terms import top_terms

    with gzip.open(path, "rt") if path.suffix == ".gz" else path.open() as source:
        rows = [json.loads(line) for line in source]
    import datetime as dt

    papers = [
        Paper(slug=f"p{i}", title=r["title"], date=dt.date(2025, 1, 1), abstract=" ".join(r["summary"].split()))
        for i, r in enumerate(rows)
    ]
    category = np.array([r["categories"][0] for r in rows])
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(
        [f"{p.title}. {p.title}. {p.abstract}" for p in papers]
    )
    terms = top_terms(papers)
    near = neighbours(terms)
    postings: dict[str, list[tuple[int, int]]] = {}
    for i, held in enumerate(terms):
        for term, weight in held:
            postings.setdefault(term, []).append((i, weight))

    def svm(saved: list[int]) -> Any:
        y = np.zeros(len(papers))
        y[saved] = 1
        return LinearSVC(class_weight="balanced", C=0.1, tol=1e-6, max_iter=5000).fit(x, y).decision_function(x)

    def whole(saved: list[int]) -> Any:
        return x @ np.asarray(x[saved].sum(axis=0)).ravel()

    def postings_of_terms(saved: list[int]) -> Any:  # what shelf-page.js did before: 24 terms' postings
        return _postings_ranking(terms, postings, saved)

    def shipped(saved: list[int]) -> Any:  # what shelf-page.js does: the saved papers' nearest, summed
        scores = np.zeros(len(papers))
        for i in saved:
            for j, score, _ in near[i]:
                scores[j] += score
        return scores

    rng = random.Random(1)
    common = [c for c in sorted(set(category)) if (category == c).sum() >= 200]
    lines = [f"{len(papers):,} papers, {readers} readers a size, share of the top 20 in the saved category:"]
    names = {"svm": "linear SVM", "nn": "whole tf-idf", "old": "24 terms", "top": "nearest"}
    lines.append(f"  {'saved':>5} " + " ".join(f"{label:>12}" for label in names.values()))
    for n in saves:
        found: dict[str, list[float]] = {name: [] for name in names}
        for r in range(readers):
            members = np.flatnonzero(category == common[r % len(common)]).tolist()
            saved = rng.sample(members, n)
            for name, rank in (("svm", svm), ("nn", whole), ("old", postings_of_terms), ("top", shipped)):
                scores = np.asarray(rank(saved), dtype=float)
                scores[saved] = -np.inf
                best = np.argsort(-scores, kind="stable")[:20]
                found[name].append(float((category[best] == category[saved[0]]).mean()))
        lines.append(f"  {n:>5} " + " ".join(f"{np.mean(found[k]):>12.2f}" for k in names))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """``python -m benchmarks foryou [--papers N ...] [--quality FILE] [--workdir DIR]``."""
    if args.quality:
        print(quality(args.quality), flush=True)
        return 0
    for n in args.papers:
        print(format_figures(n, probe_at(n, args.workdir)), flush=True)
    return 0
