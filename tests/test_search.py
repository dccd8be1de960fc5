"""Search: the index the build writes, and the header search driving it in a real Chromium."""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.search_probe import FETCH_LOG_JS
from generator.content.collection import load_collection, page_paths
from generator.core.words import search_words as words
from generator.search.index import FILTERS_FILE, INDEX_DIR
from tests.conftest import FIXTURE_PAPERS, copy_project, mkdocs_build, screenshot, serve
from tests.test_search_index import _postings

# Papers added to a copy of the site so that filters have something to narrow: same rare word,
# different years, and a title and abstract written to break out of the page if not escaped.
EXTRA_PAPERS = {
    "quokkanet-one": ("Quokkanet One: Scaling Marsupial Vision", "2023-04-02", "Quokkanet scales vision models."),
    "quokkanet-two": ("Quokkanet Two: Retrieval for Small Mammals", "2024-11-20", "Quokkanet meets retrieval."),
    "quokkanet-three": (
        "Quokkanet Three &amp; <img src=x onerror=\"document.title='broken'\">",
        "2024-01-15",
        "Quokkanet and <script>document.title='broken'</script> raw markup stay text.",
    ),
}


def _index(site: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The index as the browser reads it: meta.json, and every file decompressed."""
    folder = site / INDEX_DIR
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    files = {p.name: json.loads(gzip.decompress(p.read_bytes())) for p in folder.glob("*.bin")}
    return meta, files


def _records(meta: dict[str, Any], files: dict[str, Any]) -> list[list[Any]]:
    per = meta["docs_per_file"]
    return [record for n in range((meta["docs"] + per - 1) // per) for record in files[f"d{n}.bin"]]


def test_index_holds_exactly_the_paper_pages(built_site: Path) -> None:
    """One record per paper page, by its own URL, newest first; listings (which repeat every
    abstract) are not indexed; no file per paper."""
    meta, files = _index(built_site)
    papers = {f"{p.parent.relative_to(built_site).as_posix()}/" for p in (built_site / "papers").glob("*/index.html")}
    assert len(papers) == len(list(FIXTURE_PAPERS.glob("*.md"))) == meta["docs"]
    records = _records(meta, files)
    assert {r[0] for r in records} == papers
    dates = [r[2] for r in records]
    assert dates == sorted(dates, reverse=True)
    assert len(files) < meta["docs"] / 4 + 40  # files hold many papers each


def test_every_paper_is_found_by_each_word_of_its_title(built_site: Path) -> None:
    """The browser's lookup, done here on the files: word -> its terms file -> its stem -> the
    paper among the stem's heaviest papers or its tail (``test_search_index._postings``)."""
    meta, files = _index(built_site)
    index = {**files, "meta.json": meta}
    for doc, (url, title, *_rest) in enumerate(_records(meta, files)):
        for word in set(words(title)):
            assert doc in _postings(index, word), (url, word)


def test_theme_search_index_is_gone_and_header_search_is_everywhere(built_site: Path) -> None:
    assert not (built_site / "search" / "search_index.json").exists()
    for page in ("index.html", "about/index.html", "archive/index.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        assert 'class="md-search ps-search"' in html, page
        # only the placeholder: the box inside it is built by search.js, not sent with each page
        assert re.search(r'<div class="md-search ps-search" [^>]*data-ps-base="[^"]*"></div>', html), page
        assert 'for="__search"' in html, page
        assert 'name="search"' not in html, page  # the theme's own search would fetch its index
        assert "assets/search.js" in html, page


@pytest.fixture(scope="module")
def years_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The site plus three papers from other years: (project, built site)."""
    root = tmp_path_factory.mktemp("years")
    project = copy_project(root / "project")
    for slug, (title, date, abstract) in EXTRA_PAPERS.items():
        quoted = title.replace("'", "''")
        text = f"---\ntitle: '{quoted}'\ndate: {date}\ntags:\n- Quokka studies\n---\n\n{abstract}\n"
        (project / "content" / "papers" / f"{slug}.md").write_text(text, encoding="utf-8")
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return project, site


@pytest.fixture(scope="module")
def years_site_url(years_site: tuple[Path, Path]) -> Iterator[str]:
    server, url = serve(years_site[1])
    yield url
    server.shutdown()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_search_index_is_byte_identical_across_builds(years_site: tuple[Path, Path], tmp_path: Path) -> None:
    project, first = years_site
    result = mkdocs_build(project, tmp_path / "again")
    assert result.returncode == 0, result.stderr
    before, after = _tree(first / INDEX_DIR), _tree(tmp_path / "again" / INDEX_DIR)
    meta = json.loads(before["meta.json"])
    assert len(meta["filters"]["year"]) >= 3 and "Quokka studies" in meta["filters"]["topic"]
    assert before.keys() == after.keys()
    assert [name for name in before if before[name] != after[name]] == []


def _search(page: Any, query: str) -> Any:
    page.locator("input.md-search__input").fill(query)
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    return page.locator(".md-search-result")


@pytest.mark.browser
def test_result_shows_title_date_and_highlighted_excerpt(page: Any, site_url: str) -> None:
    page.goto(site_url + "about/")
    page.keyboard.press("/")
    result = _search(page, "GraphVite").locator(".md-search-result__item").first
    assert "GraphVite" in result.locator("h1").inner_text()
    assert result.locator(".ps-search__date").inner_text() == "July 8, 2025"
    assert result.locator(".ps-search__excerpt mark").first.inner_text().lower().startswith("graphvite")
    href = result.locator("a").get_attribute("href")
    assert re.fullmatch(r"/papers/graphvite-[^/]+/", href)
    assert page.console_errors == []


@pytest.mark.browser
def test_keyboard_shortcut_opens_and_escape_closes(page: Any, site_url: str) -> None:
    page.goto(site_url)
    search_input = page.locator("input.md-search__input")
    assert not page.locator("#__search").is_checked()
    page.keyboard.press("s")
    assert page.locator("#__search").is_checked()
    assert search_input.evaluate("el => el === document.activeElement")
    page.keyboard.type("GPU")  # the shortcut key itself is not typed into the box
    assert search_input.input_value() == "GPU"
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    assert page.console_errors == []


# Every element of the header but what search.js builds inside the placeholder, with its box.
HEADER_BOXES = """() => [...document.querySelectorAll("header *:not(.ps-search *)")].map(e => {
    const r = e.getBoundingClientRect();
    return [e.tagName, e.getAttribute("class") || "", r.x, r.y, r.width, r.height];
})"""
SEARCH_BUTTONS = "label.md-header__button[for='__search'], .ps-search"


def _header(browser: Any, url: str, width: int, blocked: tuple[str, ...] = ()) -> list[Any]:
    """The header's boxes on `url` at `width`, with the scripts matching `blocked` not loaded."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        for pattern in blocked:
            page.route(pattern, lambda route: route.abort())
        page.goto(url)
        page.wait_for_load_state("load")
        filled = page.locator(".ps-search input.md-search__input").count() == 1
        assert filled == ("**/assets/search.js" not in blocked)
        search = page.locator(SEARCH_BUTTONS).evaluate_all(
            """els => els.map(e => { const r = e.getBoundingClientRect();
                return [r.x, r.y, r.width, r.height, getComputedStyle(e).visibility]; })"""
        )
        return [page.evaluate(HEADER_BOXES), search]
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_search_box_fills_in_without_moving_the_header(
    browser: Any, built_site: Path, site_url: str, width: int
) -> None:
    """The page carries an empty placeholder that search.js fills: whether the script has run or
    not, every element of the header has the same box, on a wide screen (the box stands in the
    header) and a narrow one (a search button opens it). Before the theme's own script has run,
    the search button and box are unseen but keep their place too."""
    paper = next((built_site / "papers").glob("*/index.html")).parent.relative_to(built_site).as_posix()
    for url in (site_url, f"{site_url}{paper}/"):
        boxes, search = _header(browser, url, width)
        assert len(boxes) >= 10 and len(search) == 2
        assert any(b[1].startswith("md-search ps-search") and b[4] > 0 for b in boxes) == (width >= 960)
        assert _header(browser, url, width, ("**/assets/search.js",)) == [boxes, search], url
        _, before_theme = _header(browser, url, width, ("**/javascripts/bundle.*.js", "**/assets/search.js"))
        assert [b[:4] for b in before_theme] == [b[:4] for b in search], url
        assert all(b[4] == "hidden" for b in before_theme if b[2] > 0), url  # unseen where it takes room
        assert all(b[4] == "visible" for b in search), url


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_without_scripts_no_search_button_shows(browser: Any, pages_url: str, width: int) -> None:
    """Search is the script's: without scripts no button offers it, and the box takes no room."""
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        # the 404 page has a search button of its own, in a line of its list
        for path, count in (("", 2), ("about/", 2), ("no-such-page/", 4)):
            page.goto(pages_url + path)
            assert page.locator("html").get_attribute("class") == "no-js"
            assert page.locator("header .md-header__title").is_visible(), path
            buttons = page.locator("label[for='__search'], .ps-search, .ps-404-search")
            assert buttons.count() == count, path
            assert [buttons.nth(i).is_visible() for i in range(count)] == [False] * count, path
            assert page.locator(".ps-search").bounding_box() is None, path  # and it takes no room
    finally:
        context.close()


@pytest.mark.browser
def test_year_filter_narrows_results(page: Any, years_site_url: str) -> None:
    page.goto(years_site_url)
    page.keyboard.press("/")
    results = _search(page, "Quokkanet")
    page.wait_for_load_state("networkidle")  # the first result comes alone, the rest after it
    assert results.locator(".md-search-result__item").count() == 3
    assert results.locator(".md-search-result__meta").inner_text() == "3 matching papers"
    year = page.locator("select[data-ps-filter='year']")
    assert year.locator("option[value='2024']").inner_text() == "2024 (2)"
    year.select_option("2023")
    page.wait_for_function("document.querySelector('[data-ps-search-meta]').textContent === '1 matching paper'")
    page.wait_for_load_state("networkidle")
    assert results.locator(".md-search-result__item").count() == 1
    assert "Quokkanet One" in results.locator("h1").inner_text()
    screenshot(page, "search-filter")
    year.select_option("")
    page.wait_for_function("document.querySelector('[data-ps-search-meta]').textContent === '3 matching papers'")
    assert page.console_errors == []


@pytest.mark.browser
def test_topic_filter_narrows_results(page: Any, years_site_url: str) -> None:
    page.goto(years_site_url)
    page.keyboard.press("/")
    results = _search(page, "models")
    meta = page.locator("[data-ps-search-meta]")
    everything = int(meta.inner_text().split()[0])
    assert everything > 3
    topic = page.locator("select[data-ps-filter='topic']")
    assert topic.locator("option[value='Quokka studies']").inner_text() == "Quokka studies (3)"
    topic.select_option("Quokka studies")
    page.wait_for_function(f"!document.querySelector('[data-ps-search-meta]').textContent.startsWith('{everything} ')")
    page.wait_for_load_state("networkidle")  # every result's details have arrived
    narrowed = results.locator(".md-search-result__item")
    assert 1 <= narrowed.count() < everything
    for i in range(narrowed.count()):
        assert "Quokka studies" in narrowed.nth(i).locator(".ps-search__topic").all_inner_texts()
    assert page.console_errors == []


@pytest.mark.browser
def test_contributor_markup_in_results_stays_text(page: Any, years_site_url: str) -> None:
    page.goto(years_site_url)
    page.keyboard.press("/")
    results = _search(page, "Quokkanet Three")
    item = results.locator(".md-search-result__item").first
    assert "&amp; <img src=x" in item.locator("h1").inner_text()  # as written: no entity decoded
    page.locator("input.md-search__input").fill("raw markup")
    page.wait_for_function("document.querySelector('.ps-search__excerpt')?.textContent.includes('<script>')")
    assert results.locator("img, script").count() == 0
    assert page.title() != "broken"
    assert page.console_errors == []


@pytest.fixture
def served_by_mkdocs(tmp_path: Path) -> Iterator[str]:
    """``python -m generator serve`` of the fixture site, as ``make serve`` runs it (stage, then
    ``mkdocs serve`` on the staged folder), on a free local port."""
    project = copy_project(tmp_path / "project")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*command, "-f", str(project / "mkdocs.yml")],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):  # staging and the first build take a few seconds
            try:
                with urllib.request.urlopen(url + "assets/search-engine.js") as response:
                    if response.status == 200:
                        break
            except OSError:
                assert proc.poll() is None, "the preview server stopped"
                time.sleep(0.5)
        else:
            pytest.fail("the preview server did not answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.browser
def test_search_works_under_mkdocs_serve(page: Any, served_by_mkdocs: str) -> None:
    page.goto(served_by_mkdocs)
    page.keyboard.press("/")
    results = _search(page, "GraphVite")
    assert "GraphVite" in results.locator("h1").first.inner_text()
    assert page.console_errors == []


def test_filter_menu_file_matches_the_index(years_site: tuple[Path, Path]) -> None:
    """The menus' values and counts are those of the papers the index holds."""
    site = years_site[1]
    menu = json.loads((site / FILTERS_FILE).read_text(encoding="utf-8"))
    meta, files = _index(site)
    topics: Counter[str] = Counter()
    years: Counter[str] = Counter()
    for _url, _title, date, names, _text in _records(meta, files):
        topics.update(names)
        years[date[:4]] += 1
    assert menu == {"topic": dict(sorted(topics.items())), "year": dict(sorted(years.items()))}
    assert menu["year"]["2024"] == 2 and menu["topic"]["Quokka studies"] == 3
    # each filter file lists exactly the papers with that value
    records = _records(meta, files)
    for name, n in meta["filters"]["topic"].items():
        docs = set(itertools.accumulate(files[f"f{n}.bin"], initial=-1)) - {-1}
        assert docs == {i for i, r in enumerate(records) if name in r[3]}, name


@pytest.mark.browser
def test_one_letter_is_not_searched_and_filters_load_no_index_data(page: Any, site_url: str) -> None:
    """A single letter would match nearly every paper: the box asks for more instead. Opening
    the search fills the menus from the small file, without the engine's filter data."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url)
    page.keyboard.press("/")
    page.keyboard.type("q")
    meta = page.locator("[data-ps-search-meta]")
    page.wait_for_function("document.querySelector('[data-ps-search-meta]').textContent.startsWith('Keep typing')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".md-search-result__item").count() == 0
    in_2025 = sum(p.date.year == 2025 for p in load_collection(page_paths(FIXTURE_PAPERS)).papers)
    assert page.locator("select[data-ps-filter='year'] option[value='2025']").inner_text() == f"2025 ({in_2025})"
    assert not [url for url in requested if re.search(r"/search-index/[sf]\d+\.bin", url)]
    page.keyboard.type("uantization")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert meta.inner_text().endswith("matching papers")
    assert not [url for url in requested if re.search(r"/search-index/f\d+\.bin", url)]
    assert page.console_errors == []


# Types a query into the box 20 ms a key from the page's own timers: the page cannot take a stall
# of the machine for a pause of the reader's, since a key due before the search's timer always
# runs first and resets it.
_TYPE_IN_PAGE = """
async (query) => {
  const input = document.querySelector('input.md-search__input');
  for (const key of query) {
    input.value += key;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise((r) => setTimeout(r, 20));
  }
}
"""


@pytest.mark.browser
def test_typing_fetches_results_only_for_the_whole_query(page: Any, site_url: str) -> None:
    """Keys typed quickly run one search, for the whole query: no papers file is fetched for a
    word half typed, and while typing only the terms of finished words are fetched."""
    page.add_init_script(FETCH_LOG_JS)
    page.goto(site_url)
    page.keyboard.press("/")
    page.wait_for_function("window.__fetched.some(([url]) => url.includes('/search-index/keys.bin'))")
    query = "quantization large language models"
    page.evaluate(_TYPE_IN_PAGE, query)
    page.wait_for_function(
        "(q) => document.querySelector('[data-ps-search-results]').dataset.psComplete === q", arg=query
    )
    fetched = [(url.split("?")[0].rsplit("/", 1)[1], box) for url, box in page.evaluate("window.__fetched")]
    papers = [(name, box) for name, box in fetched if re.fullmatch(r"d\d+\.bin", name)]
    assert papers and all(box == query for _, box in papers), papers
    for name, box in fetched:
        if re.fullmatch(r"t\d+\.bin", name) and box != query:
            assert box.endswith(" "), (name, box)  # a finished word's terms, fetched while typing on
    assert page.console_errors == []


def _search_with_the_clock_stopped(page: Any, site_url: str) -> tuple[Any, Any]:
    """The site's search opened on a page whose clock stands still (timers run only when the test
    moves it on): the search box and the result items."""
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    page.clock.install(time=start)
    page.goto(site_url)
    page.clock.pause_at(start + dt.timedelta(hours=1))  # the page has loaded long before
    page.keyboard.press("/")
    return page.locator("input.md-search__input"), page.locator(".md-search-result__item")


@pytest.mark.browser
def test_a_query_that_arrives_whole_runs_at_once_and_a_typed_key_waits_for_a_pause(page: Any, site_url: str) -> None:
    """A pasted query has no key after it, so it runs at once; a key typed by hand waits for the
    reader's pause. The page's clock stands still: only a search scheduled with no delay answers
    until the test moves the clock on."""
    box, items = _search_with_the_clock_stopped(page, site_url)
    box.fill("GraphVite")
    page.clock.run_for(1)
    items.first.wait_for(timeout=15000)
    assert "GraphVite" in items.first.inner_text()
    page.wait_for_function("document.querySelector('.md-search-result__list').dataset.psComplete === 'GraphVite'")
    box.press("End")
    box.press("Backspace")  # one key: "GraphVit"
    page.clock.run_for(100)
    assert page.evaluate("document.querySelector('.md-search-result__list').dataset.psComplete") == "GraphVite"
    page.clock.run_for(1000)
    page.wait_for_function("document.querySelector('.md-search-result__list').dataset.psComplete === 'GraphVit'")


@pytest.mark.browser
def test_enter_within_the_typing_pause_opens_the_first_result_of_what_was_typed(page: Any, site_url: str) -> None:
    """Keys typed by hand wait for the reader's pause before their search runs; Enter pressed
    within that pause answers the query in the box first, then opens its first result, never a
    result of an earlier query. The page's clock stands still, so the pause never ends by itself."""
    box, items = _search_with_the_clock_stopped(page, site_url)
    box.fill("Megatron")  # an earlier query, answered at once (it arrives whole)
    page.clock.run_for(1)
    items.first.wait_for(timeout=15000)
    assert "GraphVite" not in items.first.inner_text()
    box.fill("")
    page.keyboard.type("GraphVite")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/papers/[^/]+/$"), timeout=15000)
    assert "GraphVite" in page.locator("article h1").first.inner_text()
