"""Probes in headless Chromium: what a reader's search costs and how fast it answers, on a built
site served from 127.0.0.1.

Only public behaviour is read: the search box and result list both sites share (the theme's
classes), the requests the page makes, and the attributes our ``search.js`` sets on its list to
say which query it answers.
"""

from __future__ import annotations

import functools
import http.server
import re
import statistics
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.constants import CHROMIUM, CHROMIUM_ARGS
from benchmarks.measure import BuildFigures
from benchmarks.queries import Probes, Query
from generator.search.index import INDEX_DIR, stem
from generator.search.typos import TYPOS_DIR

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ViewportSize

TYPING_DELAY_MS = 20  # between keystrokes when typing a query: faster than anyone types (issue 24)
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}

# Types a query into the header search right after the page has loaded and resolves when the
# first result is in the page; the same script drives both sites since both use the theme's
# search classes. Times come from the page's own clock.
_PROBE_JS = """
async ([query, selector]) => {
  const input = document.querySelector('input.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const before = list.innerHTML;
  const t0 = performance.now();
  input.focus();
  input.value = query;
  for (const type of ['input', 'keyup']) input.dispatchEvent(new Event(type, {bubbles: true}));
  await new Promise((resolve) => {
    const check = () => {
      if (list.querySelector(selector) && list.innerHTML !== before) { resolve(); return true; }
      return false;
    };
    if (check()) return;
    const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
    obs.observe(list, {childList: true, subtree: true, characterData: true});
  });
  return performance.now() - t0;
}
"""


# A misspelt query: resolves when our list has shown every first-page result of it (which
# search.js marks in ``data-ps-complete``), with what was searched instead; the stock theme,
# which has no correction, answers null after ``timeout`` ms.
_TYPO_PROBE_JS = """
async ([query, timeout]) => {
  const input = document.querySelector('input.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const t0 = performance.now();
  input.focus();
  input.value = query;
  for (const type of ['input', 'keyup']) input.dispatchEvent(new Event(type, {bubbles: true}));
  while (performance.now() - t0 < timeout) {
    if (list.dataset.psQuery === query && list.querySelector('.md-search-result__item')) {
      return [performance.now() - t0, list.dataset.psSearched || null];
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return [null, null];
}
"""


# Set up before typing: the time of each keydown as the browser stamped it (so a busy page
# cannot hide its own delay) and each time the result list answers a query. Our search.js names
# the query it answers in ``data-ps-query``; for the stock theme, the list answers the last query
# its page sent to the search worker (seen through the wrapper ``_STOCK_WORKER_INIT_JS``).
_TYPING_SETUP_JS = """
() => {
  window.__keys = [];
  window.__answered = [];
  document.addEventListener('keydown', (e) => window.__keys.push(e.timeStamp), true);
  const list = document.querySelector('.md-search-result__list');
  new MutationObserver(() => {
    if (!list.querySelector('.md-search-result__item')) return;
    const asked = (window.__sent || []).filter(([, m]) => m && m.type === 2).pop();
    const stock = asked && typeof asked[1].data === 'string' ? asked[1].data : '';
    const answers = list.dataset.psQuery || stock;
    if (answers) window.__answered.push([answers, performance.now()]);
  }).observe(list, {attributes: true, childList: true, subtree: true, characterData: true});
}
"""

# After typing: milliseconds from the last keystroke to the list answering the whole query.
_TYPED_RESULT_JS = """
async (query) => {
  const start = performance.now();
  const last = () => window.__keys[window.__keys.length - 1];
  const hit = () => window.__answered.find(([q, t]) => q === query && t >= last());
  // generous: the stock theme answers only once its worker has indexed the whole collection
  while (!hit() && performance.now() - start < 180000) await new Promise((r) => setTimeout(r, 5));
  return hit() ? hit()[1] - last() : null;
}
"""


class _Watch:
    """The bytes a page downloads, split into search (the engine, its index and the typo
    vocabulary, or the theme's whole index and worker) and everything else; once ``typed`` is
    set, every request counts as the query's."""

    def __init__(self, page: object) -> None:
        self.typed = False
        self.after: set[object] = set()
        self.search_bytes: list[int] = []
        self.page_bytes: list[int] = []
        page.on("request", self._request)  # type: ignore[attr-defined]
        page.on("requestfinished", self._finished)  # type: ignore[attr-defined]

    def _request(self, request: object) -> None:
        if self.typed:
            self.after.add(request)

    def _finished(self, request: object) -> None:
        try:
            body = request.sizes()["responseBodySize"]  # type: ignore[attr-defined]
        except Exception:  # a request that failed or was cancelled has no sizes
            return
        name = request.url  # type: ignore[attr-defined]
        searchy = any(
            part in name
            for part in ("search_index", "/workers/search", "/search-engine.js", f"/{INDEX_DIR}/", f"/{TYPOS_DIR}/")
        )
        if request in self.after or searchy:
            self.search_bytes.append(max(body, 0))
        else:
            self.page_bytes.append(max(body, 0))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A page closed mid-download (the stock theme's index) is normal here, not news."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def served(site: Path) -> Iterator[str]:
    """The site's folder served as it is (no compression: the bytes are the files' own) on an
    ephemeral port of 127.0.0.1; yields its base URL."""
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium (Debian's), closed on the way out whatever happened."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def browser_figures(site: Path, figures: BuildFigures, probes: Probes) -> None:
    """Cold first result (empty cache, typed right after load), its bytes, then a warm query;
    four-word queries typed key by key on a cold cache (bytes, files, time after the last key);
    what a page view without a search downloads; a misspelt query on a cold cache and a warm one."""
    queries, typo_queries = probes.words, probes.typos
    with served(site) as url, chromium() as browser:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        watch = _Watch(page)
        page.goto(url, wait_until="load")
        watch.typed = True
        cold = page.evaluate(_PROBE_JS, [queries[0], ".md-search-result__item"])
        page.wait_for_load_state("networkidle")
        first_query_kb = sum(watch.search_bytes) / 1000
        warm = page.evaluate(_PROBE_JS, [queries[1], ".md-search-result__item"])
        page.wait_for_load_state("networkidle")
        figures.cold_first_result_ms = cold
        figures.cold_kb = first_query_kb
        figures.page_load_kb = sum(watch.page_bytes) / 1000
        figures.warm_query_ms = warm
        context.close()
        typed = [typed_query(browser, url, query) for query in probes.typed]
        figures.typed = [[query, *t] for query, t in zip(probes.typed, typed, strict=True)]
        figures.typed_kb = statistics.median(t[0] for t in typed)
        figures.typed_files = statistics.median(t[1] for t in typed)
        times = [t[2] for t in typed if t[2] is not None]
        figures.typed_query_ms = statistics.median(times) if times else None
        # A page view with no interaction: what search downloads for a reader who never searches.
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        watch = _Watch(page)
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)
        figures.idle_search_kb = sum(watch.search_bytes) / 1000
        # A misspelt query on a cold cache, then another on the same page.
        watch.typed = True
        cold_typo, searched = page.evaluate(_TYPO_PROBE_JS, [typo_queries[0], 5000])
        page.wait_for_load_state("networkidle")
        if cold_typo is not None:
            figures.typo_cold_ms = cold_typo
            figures.typo_cold_kb = sum(watch.search_bytes) / 1000
            # right when it finds what the word meant: the index is stemmed, so "validatd" read as
            # "validate" finds the papers of "validated"
            figures.extra["typo_corrected"] = float(searched is not None and stem(searched) == stem(queries[0]))
            warm_typo, _ = page.evaluate(_TYPO_PROBE_JS, [typo_queries[1], 5000])
            figures.typo_warm_ms = warm_typo
        context.close()


def typed_query(
    browser: Browser, url: str, query: str, delay_ms: int = TYPING_DELAY_MS
) -> tuple[float, int, float | None]:
    """``query`` typed key by key into the search box of a fresh page (empty cache), as a reader
    types: the KB and files search fetched from the page's load to the answer's last file (the
    stock theme's whole index, which it loads with the page, included), and the milliseconds
    from the last key to the list answering the whole query (None if it never did)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(_STOCK_WORKER_INIT_JS)
    watch = _Watch(page)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(_TYPING_SETUP_JS)
    watch.typed = True
    page.evaluate("document.querySelector('input.md-search__input').focus()")
    page.keyboard.type(query, delay=delay_ms)
    answered = page.evaluate(_TYPED_RESULT_JS, query)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(watch.search_bytes) / 1000, len(watch.search_bytes), answered


# --------------------------------------------------------------------------- known-item search

# Ours: a query put in the search box, answered when search.js marks the list complete for it
# (``data-ps-complete``), or says it found nothing (a summary over an empty list), or, should it
# stop marking its answers, when the results have not changed for 3 s. The list and
# its summary are emptied first so that nothing from the last query passes for this one's answer.
_OURS_TOP_JS = """
async ([query, timeout]) => {
  const input = document.querySelector('input.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  delete list.dataset.psComplete;
  list.replaceChildren();
  meta.textContent = '';
  input.focus();
  input.value = query;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const t0 = performance.now();
  let seen = '', since = t0;
  while (performance.now() - t0 < timeout) {
    if (list.dataset.psComplete === query || (meta.textContent && !list.children.length)) break;
    // a search.js that no longer marks its answer: results unchanged for 3 s are its answer
    if (list.innerHTML !== seen) { seen = list.innerHTML; since = performance.now(); }
    else if (seen && performance.now() - since > 3000) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return [...list.querySelectorAll('.md-search-result__item a[href]')].map((a) => a.href);
}
"""

# Stock Material: its search worker, wrapped before the theme starts it, so that the probe sees
# each query the theme sends and each answer; the theme's own UI sends the query.
_STOCK_WORKER_INIT_JS = """
(() => {
  const Base = window.Worker;
  window.__sent = []; window.__got = [];
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => window.__got.push([performance.now(), e.data]));
    }
    postMessage(message, ...rest) {
      window.__sent.push([performance.now(), message]);
      return super.postMessage(message, ...rest);
    }
  };
})();
"""

_STOCK_TOP_JS = """
async ([query, timeout]) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const t0 = performance.now();
  const ready = () => window.__got.some(([, m]) => m && m.type === 1);
  while (!ready() && performance.now() - t0 < timeout) await sleep(20);
  const from = performance.now();
  const input = document.querySelector('input.md-search__input');
  input.focus();
  input.value = query;
  for (const type of ['input', 'keyup']) input.dispatchEvent(new Event(type, {bubbles: true}));
  while (performance.now() - t0 < timeout) {
    const asked = window.__sent.filter(([t, m]) => t >= from && m && m.type === 2).length;
    const answers = window.__got.filter(([t, m]) => t >= from && m && m.type === 3);
    if (asked && answers.length >= asked) {
      const items = answers[answers.length - 1][1].data.items || [];
      return items.map((group) => group.map((doc) => doc.location)).flat();
    }
    await sleep(10);
  }
  return [];
}
"""

# Pagefind: its JavaScript API, on a page of the site it indexed.
_PAGEFIND_TOP_JS = """
async ([query, bundle]) => {
  if (!window.__pagefind) {
    window.__pagefind = await import(bundle + 'pagefind.js');
    await window.__pagefind.init();
  }
  const search = await window.__pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
  return data.map((d) => d.url);
}
"""

_PAPER = re.compile(r"papers/([^/#?]+)/")


def _slugs(urls: Sequence[str], top: int = 3) -> list[str]:
    """The first ``top`` distinct papers among result URLs (a page's sections count once)."""
    out: list[str] = []
    for url in urls:
        m = _PAPER.search(url)
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out[:top]


ENGINES = ("PaperShelf", "Pagefind", "Material")


def known_item_hits(
    ours: Path, stock: Path, queries: Sequence[Query], timeout_ms: int = 120_000
) -> dict[str, list[list[str]]]:
    """Each engine's first three papers for each query: ours on our site, Material's search and
    Pagefind (its index under ``stock/pagefind/``) on the stock site."""
    hits: dict[str, list[list[str]]] = {engine: [] for engine in ENGINES}
    with chromium() as browser:
        with served(ours) as url:
            page = browser.new_page()
            page.goto(url, wait_until="load")
            for q in queries:
                hits["PaperShelf"].append(_slugs(page.evaluate(_OURS_TOP_JS, [q.text, timeout_ms])))
            page.close()
        with served(stock) as url:
            page = browser.new_page()
            page.goto(url, wait_until="load")
            for q in queries:
                hits["Pagefind"].append(_slugs(page.evaluate(_PAGEFIND_TOP_JS, [q.text, f"{url}pagefind/"])))
            page.close()
            page = browser.new_page()
            page.add_init_script(_STOCK_WORKER_INIT_JS)
            page.goto(url, wait_until="load")
            for q in queries:
                hits["Material"].append(_slugs(page.evaluate(_STOCK_TOP_JS, [q.text, timeout_ms])))
            page.close()
    return hits
