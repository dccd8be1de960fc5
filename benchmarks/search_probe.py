"""``python -m benchmarks search``: what a typed query fetches, by kind of file and by keystroke,
at a reader's pace and at the benchmark's, without building the whole site.

The bytes of a search depend on the index (``generator/search``) and on the scripts
(``overrides/assets/search*.js``), not on the paper pages; rendering 50,000 pages takes most of
a build. So the N papers are only staged (the index is written by the stager), and their index
is put into a site built from the first ``SHELL_PAPERS`` of them: the same pages, scripts and
search box, with the big collection's index behind them. With ``--workdir`` the folder is kept,
and ``--reuse`` probes it again without staging: after a change to the scripts only, which are
copied from this tree on every run.

Each four-word probe query (``queries.probe_queries``, the same as ``build --browser``) is typed
key by key into a fresh page, as ``browser.typed_query`` does, at each ``--typing-ms``; every
request the search makes is counted under the kind of file it fetched and the text the box held
when it was asked for.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.browser import (
    _STOCK_WORKER_INIT_JS,
    _TYPED_RESULT_JS,
    _TYPING_SETUP_JS,
    TYPING_DELAY_MS,
    VIEWPORT,
    chromium,
    served,
)
from benchmarks.constants import ROOT
from benchmarks.corpus import collection, write_ours
from benchmarks.queries import probe_queries
from generator.core.model import Paper
from generator.search.index import FILTERS_FILE, INDEX_DIR
from generator.search.typos import TYPOS_DIR

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SHELL_PAPERS = 30
READER_DELAY_MS = 120  # between keys: a quick reader (the benchmark's 20 ms is faster than anyone)
KINDS = {"t": "terms", "x": "tails", "d": "papers", "f": "filter", "m": "meta", "k": "meta"}

# Each fetch the page makes, with what the search box held then (the engine fetches the index so).
FETCH_LOG_JS = """
(() => {
  const plain = window.fetch;
  window.__fetched = [];
  window.fetch = function (url, ...rest) {
    const box = document.querySelector('input.md-search__input');
    window.__fetched.push([String(url), box ? box.value : '']);
    return plain.call(this, url, ...rest);
  };
})();
"""


def kind_of(url: str) -> str:
    """What a search request fetched: a kind of index file, typo vocabulary, or script."""
    path = url.split("?")[0]
    if f"/{TYPOS_DIR}/" in path:
        return "typo"
    if f"/{INDEX_DIR}/" in path:
        return KINDS.get(path.rsplit("/", 1)[1][:1], "other")
    return "script" if path.endswith(".js") else "other"


Tally = dict[str, dict[str, list[int]]]  # box text -> kind -> [bytes, files]


def typed_by_kind(browser: Browser, url: str, query: str, delay_ms: int) -> tuple[Tally, float | None]:
    """``query`` typed into a fresh page (empty cache) ``delay_ms`` apart: the bytes and files
    fetched after the page loaded, by the box's text when asked and by kind, and the
    milliseconds from the last key to the list answering the whole query."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(FETCH_LOG_JS)
    page.add_init_script(_STOCK_WORKER_INIT_JS)
    sizes: dict[str, int] = {}

    def finished(request: object) -> None:
        try:
            sizes[request.url] = max(0, request.sizes()["responseBodySize"])  # type: ignore[attr-defined]
        except Exception:  # a cancelled request has no sizes
            return

    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(_TYPING_SETUP_JS)
    loaded = set(sizes)
    page.evaluate("document.querySelector('input.md-search__input').focus()")
    page.keyboard.type(query, delay=delay_ms)
    answered = page.evaluate(_TYPED_RESULT_JS, query)
    page.wait_for_load_state("networkidle")
    fetched = {u: box for u, box in page.evaluate("window.__fetched")}
    context.close()
    tally: Tally = {}
    for u, size in sizes.items():
        if u in loaded:
            continue
        cell = tally.setdefault(fetched.get(u, "(module)"), {}).setdefault(kind_of(u), [0, 0])
        cell[0] += size
        cell[1] += 1
    return tally, answered


def _totals(tally: Tally) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for kinds in tally.values():
        for kind, (size, files) in kinds.items():
            cell = out.setdefault(kind, [0, 0])
            cell[0] += size
            cell[1] += files
    return out


def _cells(kinds: dict[str, list[int]]) -> str:
    return ", ".join(f"{k} {b / 1000:,.1f} KB/{n}" for k, (b, n) in sorted(kinds.items()))


def _stage(papers: Sequence[Paper], base: Path) -> None:
    """The collection staged (its index written), and a small site built to carry it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for name, chosen in (("project", papers), ("shell", papers[:SHELL_PAPERS])):
        shutil.rmtree(base / name, ignore_errors=True)
        write_ours(chosen, base / name)
    print(f"staging {len(papers):,} papers…", file=sys.stderr)
    run = [sys.executable, "-m", "generator"]
    subprocess.run([*run, "stage", "-f", str(base / "project" / "mkdocs.yml")], check=True, env=env)
    print(f"building the site of their first {SHELL_PAPERS}…", file=sys.stderr)
    shutil.rmtree(base / "site", ignore_errors=True)
    config = ["-f", str(base / "shell" / "mkdocs.yml"), "-d", str(base / "site")]
    subprocess.run([*run, "build", *config], check=True, env=env, stdout=subprocess.DEVNULL)


def _assemble(base: Path) -> Path:
    """The small site with the big collection's index, and this tree's search scripts."""
    site, stage = base / "site", base / "project" / "build" / "stage"
    for folder in (INDEX_DIR, TYPOS_DIR):
        shutil.rmtree(site / folder, ignore_errors=True)
        shutil.copytree(stage / folder, site / folder)
    shutil.copy(stage / FILTERS_FILE, site / FILTERS_FILE)
    for script in (ROOT / "overrides" / "assets").glob("search*.js"):
        shutil.copy(script, site / "assets" / script.name)
    return site


def run(args: argparse.Namespace) -> int:
    papers = collection(args.papers, args.corpus)
    probes = probe_queries(papers)
    with ExitStack() as stack:
        if args.workdir is None:
            base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="papershelf-search-")))
        else:
            base = args.workdir
            base.mkdir(parents=True, exist_ok=True)
        if not (args.reuse and (base / "site").is_dir()):
            _stage(papers, base)
        site = _assemble(base)
        index = [p.stat().st_size for p in (site / INDEX_DIR).iterdir()]
        typos = sum(1 for _ in (site / TYPOS_DIR).iterdir())
        print(f"{args.papers:,} papers: index {len(index):,} files, {sum(index) / 1e6:,.1f} MB; typo {typos:,} files")
        with served(site) as url, chromium() as browser:
            for delay in args.typing_ms:
                results = []
                for query in probes.typed:
                    tally, answered = typed_by_kind(browser, url, query, delay)
                    totals = _totals(tally)
                    size, files = sum(b for b, _ in totals.values()), sum(n for _, n in totals.values())
                    results.append((size, files, answered))
                    when = f"{answered:,.0f} ms" if answered is not None else "never"
                    print(f"“{query}” at {delay} ms a key: {size / 1000:,.0f} KB in {files} files, answered {when}")
                    print(f"  {_cells(totals)}")
                    if args.keys:
                        for box, kinds in tally.items():
                            print(f"    {box!r:42} {_cells(kinds)}")
                times = [t for _, _, t in results if t is not None]
                print(
                    f"median at {delay} ms a key: {statistics.median(s for s, _, _ in results) / 1000:,.0f} KB, "
                    f"{statistics.median(f for _, f, _ in results):g} files, answered "
                    + (f"{statistics.median(times):,.0f} ms after the last key" if times else "never")
                )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "search", help="bytes a typed query fetches at N papers, by kind of file, without building the pages"
    )
    parser.add_argument("--papers", type=int, default=50000, metavar="N", help="collection size (default 50000)")
    parser.add_argument("--corpus", type=Path, metavar="FILE", help="papers as JSON Lines in arXiv's shape")
    parser.add_argument(
        "--typing-ms",
        type=int,
        nargs="+",
        default=[TYPING_DELAY_MS, READER_DELAY_MS],
        metavar="MS",
        help=f"time between keys (default {TYPING_DELAY_MS} and {READER_DELAY_MS})",
    )
    parser.add_argument("--keys", action="store_true", help="also print what each keystroke fetched")
    parser.add_argument("--workdir", type=Path, metavar="DIR", help="keep the staged collection and site here")
    parser.add_argument("--reuse", action="store_true", help="probe the site kept in --workdir again, unstaged")
    parser.set_defaults(run=run)
