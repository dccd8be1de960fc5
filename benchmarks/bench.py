"""The scaling benchmark: our full site against stock Material, at any number of papers.

Speed claims need a baseline measured on the same machine in the same run, because a shared
2-core machine drifts by tens of percent over minutes. So each run builds two projects from the
same synthetic papers, one after the other:

- ours:  this repository's site (every feature, as configured in ``mkdocs.yml``);
- stock: a bare MkDocs project with Material and its search plugin, one plain markdown page per
  paper (title heading and abstract) and a nav listing only the home page.

Both are built in a child process (``python -m mkdocs build``). CPU time and the largest
resident set come from ``wait4`` (they include the child's own children, such as the related
papers' process); the peak of the whole process tree is also sampled from ``/proc``, because two
processes alive at once use the sum of their memory, which ``ru_maxrss`` cannot show. Two sums
are kept: the proportional one (each shared page split between the processes sharing it: what
the machine must have, the figure the target is about) and the resident sizes added up, which
count twice every page a forked child shares with its parent.

Synthesis and reporting are pure functions; writing the projects, building and the browser
probe are the parts that touch the disk, processes and the network (localhost only).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.content.collection import load_collection, page_paths
from generator.content.pages import to_front_matter
from generator.core.model import Paper
from generator.core.slugs import slugify
from generator.search.index import INDEX_DIR
from generator.search.typos import TYPOS_DIR

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "content" / "papers"
PROJECT_FILES = ("mkdocs.yml", "site_config.yml")
QUERIES = ("heterogeneity", "diffusion")  # cold, then warm: words that occur in the seed papers
TYPO_QUERIES = ("heterogenity", "difusion")  # the same words misspelt: cold, then warm
TYPING_DELAY_MS = 100  # between keystrokes when typing a query: a fast typist
FIRST_DATE = dt.date(2019, 1, 7)
LAST_DATE = dt.date(2025, 7, 8)
PAPERS_PER_DATE = 10

_QUALIFIERS = (
    "Revisited",
    "at Scale",
    "for Edge Devices",
    "with Fewer Labels",
    "in Practice",
    "under Memory Limits",
    "for Long Contexts",
    "without Retraining",
    "on Commodity Hardware",
    "with Provable Guarantees",
    "for Multilingual Data",
    "in the Wild",
)


# --------------------------------------------------------------------------- synthetic papers


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s.strip()]


def synthesize(seeds: Sequence[Paper], n: int, seed: int = 7) -> list[Paper]:
    """``n`` distinct, realistic papers made from the seeds.

    Titles are unique (a seed title, then the same title with a qualifier and a series number),
    abstracts mix the sentences of two seed papers so that the text varies, dates spread over
    six and a half years (about ten papers a date, like a daily listing) so that archives,
    feeds and the year filter see many values, and
    arXiv ids are unique so that duplicate checks stay quiet.
    """
    if not seeds:
        raise ValueError("no seed papers to synthesize from")
    rng = random.Random(seed)
    # A daily listing puts about ten papers on each date; the dates are spread evenly over the
    # span, so that every size sees several years.
    listings = max(1, n // PAPERS_PER_DATE)
    step = max(1, (LAST_DATE - FIRST_DATE).days // listings)
    papers: list[Paper] = []
    taken: set[str] = set()
    for i in range(n):
        base = seeds[i % len(seeds)]
        other = seeds[(i * 37 + (i // len(seeds)) * 13 + 11) % len(seeds)]
        series = i // len(seeds)
        title = base.title
        if series:
            title = f"{base.title} {_QUALIFIERS[series % len(_QUALIFIERS)]} ({series})"
        slug = slugify(title)
        if slug in taken:
            slug = f"{slug[:70].rstrip('-')}-{i}"
        taken.add(slug)
        mine, theirs = _sentences(base.abstract), _sentences(other.abstract)
        keep = max(1, len(mine) - rng.randint(0, 2))
        mixed = mine[:keep] + theirs[len(theirs) // 2 : len(theirs) // 2 + rng.randint(0, 2)]
        date = base.date if i < len(seeds) else LAST_DATE - dt.timedelta(days=step * ((i * 7919) % listings))
        arxiv = f"{date:%y%m}.{(i % 100000):05d}" if base.arxiv or i % 3 else None
        authors = list(base.authors)
        rng.shuffle(authors)
        papers.append(
            Paper(
                slug=slug,
                title=title,
                date=date,
                abstract=" ".join(mixed),
                authors=tuple(authors),
                arxiv=arxiv,
                code=base.code,
                links=base.links,
                tags=base.tags,
                submitted_by=base.submitted_by,
                source=base.source,
            )
        )
    return papers


def seed_papers(papers_dir: Path = SEED_DIR) -> list[Paper]:
    return load_collection(page_paths(papers_dir)).papers


def write_ours(papers: Sequence[Paper], dest: Path) -> Path:
    """A copy of this site's project with ``papers`` as its collection."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    shutil.copytree(ROOT / "content", dest / "content", ignore=shutil.ignore_patterns("papers"))
    out = dest / "content" / "papers"
    out.mkdir()
    for paper in papers:
        (out / f"{paper.slug}.md").write_text(to_front_matter(paper), encoding="utf-8")
    return dest


STOCK_CONFIG = """\
site_name: Stock
site_url: https://example.org/
docs_dir: docs
theme:
  name: material
plugins:
  - search
nav:
  - Home: index.md
"""


def write_stock(papers: Sequence[Paper], dest: Path) -> Path:
    """The baseline: stock Material, one plain page per paper, only the home page in the nav."""
    docs = dest / "docs" / "papers"
    docs.mkdir(parents=True)
    (dest / "mkdocs.yml").write_text(STOCK_CONFIG, encoding="utf-8")
    (dest / "docs" / "index.md").write_text("# Papers\n\nA stock site.\n", encoding="utf-8")
    for paper in papers:
        body = "\n\n".join(paper.abstract.split("\n\n"))
        (docs / f"{paper.slug}.md").write_text(f"# {paper.title}\n\n{body}\n", encoding="utf-8")
    return dest


# --------------------------------------------------------------------------- measuring a build


@dataclass(slots=True)
class BuildFigures:
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0
    peak_pss_mb: float = 0.0
    site_mb: float = 0.0
    files: int = 0
    largest_page_kb: float = 0.0
    largest_page: str = ""
    largest_paper_page_kb: float = 0.0
    search_payload_kb: float = 0.0
    cold_first_result_ms: float | None = None
    cold_kb: float | None = None
    page_load_kb: float | None = None
    warm_query_ms: float | None = None
    typed_query_ms: float | None = None
    typo_cold_ms: float | None = None
    typo_cold_kb: float | None = None
    typo_warm_ms: float | None = None
    idle_search_kb: float | None = None
    typo_files: int = 0
    typo_kb: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


def _tree(root_pid: int) -> dict[int, int]:
    """A process and all its descendants, each with its resident memory in KB, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    tree, stack = {}, [root_pid]
    while stack:
        pid = stack.pop()
        tree[pid] = rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return tree


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and its descendants, added up: a page a forked child
    shares with its parent counts twice."""
    return sum(_tree(root_pid).values())


def _tree_pss_kb(root_pid: int) -> int:
    """Proportional memory of a process and its descendants (Linux ``smaps_rollup``): each
    shared page is split between the processes sharing it, so a forked child that only reads
    its parent's memory adds what it allocates, as the machine sees it. Slower to read than the
    resident size, so it is sampled less often."""
    total = 0
    for pid in _tree(root_pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def measure_build(project: Path, site: Path, code: Path | None = None) -> BuildFigures:
    """Build in a child process; raise with MkDocs' own output if the build fails.

    ``code`` is a folder holding a copy of the ``generator`` package to build with, so that every
    build of a run measures the same code even while the working tree changes.
    """
    config = ["-f", str(project / "mkdocs.yml"), "-d", str(site)]
    staged = (project / "content").is_dir()  # ours: stage content/, then render; stock: render docs/
    cmd = [sys.executable, "-m", *(["generator", "build"] if staged else ["mkdocs", "build", "-q"]), *config]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH", "")]))
    peak = peak_pss = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        ticks = 0
        while not done.wait(0.05):
            peak = max(peak, _tree_rss_kb(proc.pid))
            ticks += 1
            if ticks % 5 == 0:
                peak_pss = max(peak_pss, _tree_pss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"build of {project} failed:\n{err.decode(errors='replace')[-4000:]}")
    figures = BuildFigures(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mb=max(peak, usage.ru_maxrss) / 1024,
        peak_pss_mb=peak_pss / 1024 or max(peak, usage.ru_maxrss) / 1024,
    )
    site_figures(site, figures)
    return figures


def site_figures(site: Path, figures: BuildFigures) -> None:
    """Size of the site, of its largest page and paper page, and of one query's search files."""
    total = files = 0
    largest: tuple[int, str] = (0, "")
    largest_paper = 0
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        files += 1
        if path.suffix == ".html":
            rel = path.relative_to(site).as_posix()
            largest = max(largest, (size, rel))
            if rel.startswith("papers/"):
                largest_paper = max(largest_paper, size)
    figures.site_mb = total / 1e6
    figures.files = files
    figures.largest_page_kb = largest[0] / 1000
    figures.largest_page = largest[1]
    figures.largest_paper_page_kb = largest_paper / 1000
    figures.search_payload_kb = search_payload(site) / 1000
    typos = site / TYPOS_DIR
    if typos.is_dir():
        sizes = [p.stat().st_size for p in typos.rglob("*") if p.is_file()]
        figures.typo_files, figures.typo_kb = len(sizes), sum(sizes) / 1000


def search_payload(site: Path, results: int = 10) -> int:
    """Bytes a first one-word query needs, from the files alone (the browser probe measures the
    real thing).

    Ours: the engine's script, the index's table of contents, the largest words file and the
    largest stems file (one of each serves a one-word query) and ``results`` papers files (the
    most a first page of results can need). Material: its whole index, which every page load
    downloads.
    """
    stock_index = site / "search" / "search_index.json"
    if stock_index.exists():
        return stock_index.stat().st_size
    index = site / INDEX_DIR
    if not index.exists():
        return 0

    def size(pattern: str) -> list[int]:
        return sorted(p.stat().st_size for p in index.glob(pattern)) or [0]

    fixed = (site / "assets" / "search-engine.js").stat().st_size + (index / "meta.json").stat().st_size
    docs = size("d*.bin")
    return fixed + max(size("w*.bin")) + max(size("s*.bin")) + sum(docs[-results:])


# --------------------------------------------------------------------------- the browser probe

# Chromium's flags for the benchmark and the browser tests: headless, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

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
# the query it answers in ``data-ps-query``; the stock theme marks the query's words in its
# results, and an answer to a shorter prefix marks only that prefix.
_TYPING_SETUP_JS = """
() => {
  window.__keys = [];
  window.__answered = [];
  document.addEventListener('keydown', (e) => window.__keys.push(e.timeStamp), true);
  const list = document.querySelector('.md-search-result__list');
  new MutationObserver(() => {
    if (!list.querySelector('.md-search-result__item')) return;
    const mark = list.querySelector('mark');
    const answers = list.dataset.psQuery || (mark ? mark.textContent.toLowerCase() : '');
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
  while (!hit() && performance.now() - start < 15000) await new Promise((r) => setTimeout(r, 5));
  return hit() ? hit()[1] - last() : null;
}
"""


def typed_query_ms(page: object, query: str, delay_ms: int = TYPING_DELAY_MS) -> float | None:
    """Type ``query`` key by key into the open search box and time the answer to the whole of
    it from the last keystroke: what a person typing sees."""
    page.evaluate(_TYPING_SETUP_JS)  # type: ignore[attr-defined]
    box = page.locator("input.md-search__input")  # type: ignore[attr-defined]
    box.fill("")
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.keyboard.type(query, delay=delay_ms)  # type: ignore[attr-defined]
    return page.evaluate(_TYPED_RESULT_JS, query)  # type: ignore[attr-defined]


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


def browser_figures(
    site: Path,
    figures: BuildFigures,
    queries: Sequence[str] = QUERIES,
    typo_queries: Sequence[str] = TYPO_QUERIES,
) -> None:
    """Cold first result (empty cache, typed right after load), its bytes, then a warm query;
    a query typed key by key; what a page view without a search downloads; a misspelt query
    on a cold cache and a warm one."""
    import functools
    import http.server

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            """A page closed mid-download (the stock theme's index) is normal here, not news."""
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)  # type: ignore[arg-type]

    handler = functools.partial(Quiet, directory=str(site))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
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
            # Typing, on a fresh page: the same cold query first, then the warm word key by key.
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(url, wait_until="load")
            page.evaluate(_PROBE_JS, [queries[0], ".md-search-result__item"])
            page.wait_for_load_state("networkidle")
            figures.typed_query_ms = typed_query_ms(page, queries[1])
            context.close()
            # A page view with no interaction: what search downloads for a reader who never searches.
            context = browser.new_context(viewport={"width": 1280, "height": 900})
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
                figures.extra["typo_searched_" + typo_queries[0]] = float(searched == queries[0])
                warm_typo, _ = page.evaluate(_TYPO_PROBE_JS, [typo_queries[1], 5000])
                figures.typo_warm_ms = warm_typo
            context.close()
            browser.close()
    finally:
        server.shutdown()


# --------------------------------------------------------------------------- one benchmark


@dataclass(slots=True)
class Result:
    papers: int
    ours: list[BuildFigures]
    stock: list[BuildFigures]


def run_benchmark(
    n: int,
    runs: int = 1,
    browser: bool = False,
    workdir: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Result:
    """Build ours and stock ``runs`` times each, alternating, in a throw-away folder."""
    import tempfile

    papers = synthesize(seed_papers(), n)
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


# --------------------------------------------------------------------------- reporting

ROWS: tuple[tuple[str, str, str], ...] = (
    ("build wall time", "wall_s", "s"),
    ("build CPU time", "cpu_s", "s"),
    ("peak memory, proportional (build + children)", "peak_pss_mb", "MB"),
    ("peak memory, resident added up", "peak_mb", "MB"),
    ("site size", "site_mb", "MB"),
    ("files", "files", ""),
    ("largest page", "largest_page_kb", "KB"),
    ("largest paper page", "largest_paper_page_kb", "KB"),
    ("search payload, one query (files)", "search_payload_kb", "KB"),
    ("search: cold first result", "cold_first_result_ms", "ms"),
    ("search: bytes to first result", "cold_kb", "KB"),
    ("search: warm query", "warm_query_ms", "ms"),
    ("search: typed query, after last key", "typed_query_ms", "ms"),
    ("search: misspelt query, cold", "typo_cold_ms", "ms"),
    ("search: bytes to misspelt result", "typo_cold_kb", "KB"),
    ("search: misspelt query, warm", "typo_warm_ms", "ms"),
    ("typo vocabulary files", "typo_files", ""),
    ("typo vocabulary size", "typo_kb", "KB"),
    ("page view without search: search bytes", "idle_search_kb", "KB"),
    ("home page load, other bytes", "page_load_kb", "KB"),
)


OURS_ONLY = frozenset({"typo_cold_ms", "typo_cold_kb", "typo_warm_ms", "typo_files", "typo_kb"})
"""Rows the stock site has no figure for: it corrects no typo (a misspelt word finds nothing)."""


def targets(result: Result) -> str:
    """Issue 13's targets for a size, each met or not, from the medians of the run."""
    ours, stock = medians(result.ours), medians(result.stock)
    big = result.papers >= 100_000
    checks = [
        ("build time vs stock", (ours["wall_s"] or 0) / (stock["wall_s"] or 1), 1.0, "×"),
        ("peak memory", (ours["peak_pss_mb"] or 0) / 1000, 6.0 if big else 3.0, "GB"),
        ("site size", ours["site_mb"] or 0, 1000.0 if big else 800.0, "MB"),
        ("files", ours["files"] or 0, 60_000, ""),
        ("largest paper page", ours["largest_paper_page_kb"] or 0, 20.0, "KB"),
        ("bytes to first result", ours["cold_kb"], 300.0, "KB"),
        ("cold first result", ours["cold_first_result_ms"], 1000.0, "ms"),
        ("bytes to misspelt result", ours["typo_cold_kb"], 300.0, "KB"),
        ("cold misspelt result", ours["typo_cold_ms"], 1000.0, "ms"),
    ]
    lines = [f"targets at {result.papers:,} papers:"]
    for label, value, limit, unit in checks:
        if value is None:
            continue
        verdict = "met" if value <= limit else "MISSED"
        lines.append(f"  {label:28} {value:>10,.2f} {unit:2} (target ≤ {limit:,g} {unit}) {verdict}")
    return "\n".join(lines)


def median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def medians(runs: Sequence[BuildFigures]) -> dict[str, float | None]:
    return {key: median([getattr(r, key) for r in runs]) for _, key, _ in ROWS}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("", "ms", "KB") and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def format_table(result: Result) -> str:
    """One table per size: the medians of ours and stock, and their ratio."""
    ours, stock = medians(result.ours), medians(result.stock)
    runs = len(result.ours)
    head = f"{result.papers:,} papers, {'median of ' + str(runs) + ' runs' if runs > 1 else '1 run'}"
    lines = [head, f"{'':36} {'ours':>12} {'stock':>12} {'ours/stock':>11}"]
    for label, key, unit in ROWS:
        a, b = ours[key], stock[key]
        if a is None and b is None:
            continue
        ratio = f"{a / b:.2f}" if a is not None and b else "—"
        name = f"{label} ({unit})" if unit else label
        lines.append(f"{name:36} {_fmt(a, unit):>12} {_fmt(b, unit):>12} {ratio:>11}")
    page = result.ours[-1].largest_page if result.ours else ""
    lines.append(f"largest page of ours: {page}")
    if result.ours and result.stock:
        lines.append(targets(result))
    return "\n".join(lines)


def extrapolate(results: Sequence[Result], target: int) -> str:
    """Straight line through the two largest measured sizes (cost per paper is meant to be flat)."""
    pts = sorted(results, key=lambda r: r.papers)[-2:]
    if len(pts) < 2 or pts[0].papers == pts[1].papers:
        return ""
    lines = [f"extrapolated to {target:,} papers (line through {pts[0].papers:,} and {pts[1].papers:,}):"]
    for label, key, unit in (ROWS[0], ROWS[2], ROWS[3]):
        for who in ("ours", "stock"):
            (x0, y0), (x1, y1) = ((r.papers, medians(getattr(r, who))[key] or 0.0) for r in pts)
            slope = (y1 - y0) / (x1 - x0)
            value = y1 + slope * (target - x1)
            per = slope * 1000
            lines.append(f"  {label} {who:5}: {value:,.0f} {unit} ({per:.2f} {unit} per 1,000 papers)")
    return "\n".join(lines)


def to_json(results: Sequence[Result]) -> str:
    return json.dumps(
        [
            {
                "papers": r.papers,
                "ours": [asdict(f) for f in r.ours],
                "stock": [asdict(f) for f in r.stock],
                "median": {"ours": medians(r.ours), "stock": medians(r.stock)},
            }
            for r in results
        ],
        indent=2,
    )
