"""My shelf in a real headless Chromium, on the fixture site: save from a paper's page, a listing
and a search result; the shelf survives a reload; exports read by real parsers (bibtexparser,
rispy, YAML); import in a fresh browser; For you with its reasons; authors' links; axe on My
shelf in both schemes and on a phone. Papers are picked from the built site's own export, so
the tests hold for any collection."""

from __future__ import annotations

import os
import re
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import bibtexparser
import pytest
import rispy
import yaml

from generator.content.reading_lists import parse_list
from tests.conftest import read_export, screenshot, serve
from tests.test_accessibility import AXE, SCHEMES, VIEWPORTS, axe_violations

pytestmark = pytest.mark.browser

SAVE = "Save to my shelf"
REMOVE = "Remove from my shelf"
READY = "[data-ps-foryou-list][data-ps-ready]"


def shelf_slugs(page: Any) -> list[str]:
    """The saved papers' slugs, newest saved first, as My shelf's list shows them."""
    return slugs_of(page.locator("[data-ps-shelf-list] .ps-item-title"))


def import_says(page: Any, pattern: str) -> None:
    """Wait until the import's status line matches ``pattern`` (a JavaScript regular expression)."""
    page.wait_for_function(
        "p => new RegExp(p).test(document.querySelector('[data-ps-import-status]').textContent)", arg=pattern
    )


def slugs_of(links: Any) -> list[str]:
    return links.evaluate_all("as => as.map(a => a.pathname.split('/').filter(Boolean).pop())")  # type: ignore[no-any-return]


def stored(page: Any) -> dict[str, Any]:
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const k = Object.keys(localStorage).find(k => k.startsWith("papershelf:shelf:"));
                   return k ? JSON.parse(localStorage.getItem(k)).papers : {}; }"""
    )


def save_on_page(page: Any, site_url: str, paper: dict[str, Any]) -> None:
    page.goto(site_url + f"papers/{paper['slug']}/")
    button = page.get_by_role("button", name=SAVE)
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    saved = page.get_by_role("button", name=REMOVE)
    assert saved.get_attribute("aria-pressed") == "true"
    page.wait_for_function(  # the record (authors, BibTeX, terms) is read after the save
        "slug => Object.values(JSON.parse(localStorage.getItem(Object.keys(localStorage).find("
        "k => k.startsWith('papershelf:shelf:')))).papers).some(p => p.slug === slug && p.bibtex)",
        arg=paper["slug"],
    )


@pytest.fixture(scope="module")
def papers(built_site: Path) -> list[dict[str, Any]]:
    return read_export(built_site)["papers"]  # type: ignore[no-any-return]


def test_save_from_a_page_a_listing_and_search_then_see_it_on_my_shelf(
    page: Any, site_url: str, papers: list[dict[str, Any]]
) -> None:
    first, second, third = papers[0], papers[1], papers[2]
    save_on_page(page, site_url, first)
    screenshot(page, "shelf-paper-saved")
    # a listing: the home page's entry of the second paper
    page.goto(site_url)
    item = page.locator("li.ps-item", has=page.locator(f"a.ps-item-title[href$='papers/{second['slug']}/']"))
    assert item.get_by_role("button", name=REMOVE).count() == 0
    item.get_by_role("button", name=SAVE).click()
    assert item.get_by_role("button", name=REMOVE).get_attribute("aria-pressed") == "true"
    # a search result: the third paper, found by its title
    page.keyboard.press("/")
    word = max(re.findall(r"[A-Za-z]{5,}", third["title"]), key=len)
    page.locator("input.md-search__input").fill(word)
    result = page.locator(".md-search-result__item", has=page.locator(f"a[href$='papers/{third['slug']}/']"))
    result.wait_for(timeout=15000)
    result.get_by_role("button", name=SAVE).click()
    assert result.get_by_role("button", name=REMOVE).get_attribute("aria-pressed") == "true"
    screenshot(page, "shelf-search-saved")
    page.keyboard.press("Escape")
    page.wait_for_function("!document.getElementById('__search').checked")
    # the header's link to My shelf, followed by its address (the tab row is checked by the
    # accessibility and navigation tests; here what matters is where it leads)
    shelf_link = page.get_by_role("link", name="My shelf").first
    page.goto(urljoin(page.url, shelf_link.get_attribute("href") or ""))
    page.wait_for_url("**/shelf/")
    page.locator("[data-ps-shelf-list] li").nth(2).wait_for()
    assert shelf_slugs(page) == [third["slug"], second["slug"], first["slug"]]  # newest saved first
    page.reload()
    page.locator("[data-ps-shelf-list] li").nth(2).wait_for()
    assert shelf_slugs(page) == [third["slug"], second["slug"], first["slug"]]
    assert "saved" in page.locator("[data-ps-shelf-list] li").first.inner_text()
    # filter by a typed word, then remove a paper
    page.locator("[data-ps-shelf-filter]").fill(third["title"])
    assert shelf_slugs(page) == [third["slug"]]
    page.locator("[data-ps-shelf-filter]").fill("qqxqqz")
    assert shelf_slugs(page) == []
    assert page.locator("[data-ps-shelf-status]").inner_text() == "0 of 3 saved papers match “qqxqqz”."
    page.locator("[data-ps-shelf-filter]").fill("")
    entry = page.locator("[data-ps-shelf-list] li").first
    entry.get_by_role("button", name=REMOVE).click()
    page.wait_for_function("() => document.querySelectorAll('[data-ps-shelf-list] li').length === 2")
    assert set(stored(page)) == {first["slug"], second["slug"]}
    assert page.console_errors == []


def test_no_save_button_without_javascript(browser: Any, site_url: str, papers: list[dict[str, Any]]) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + f"papers/{papers[0]['slug']}/")
        assert page.get_by_role("button", name=SAVE).count() == 0
        page.goto(site_url)
        assert page.locator("li.ps-item").count() > 0 and page.locator("button").count() == 0
        page.goto(site_url + "shelf/")
        assert "needs JavaScript" in page.locator("article").inner_text()
    finally:
        context.close()


def _saved_shelf(page: Any, site_url: str, papers: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    chosen = papers[:count]
    for paper in chosen:
        save_on_page(page, site_url, paper)
    page.goto(site_url + "shelf/")
    page.locator("[data-ps-shelf-list] li").nth(count - 1).wait_for()
    return chosen


def _download(page: Any, selector: str) -> str:
    with page.expect_download() as info:
        page.locator(selector).click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_exports_are_read_by_reference_managers_parsers(
    page: Any, site_url: str, built_site: Path, papers: list[dict[str, Any]]
) -> None:
    chosen = _saved_shelf(page, site_url, papers, 3)
    bib = bibtexparser.parse_string(_download(page, "[data-ps-export='bibtex']"))
    whole = {e.key: e for e in bibtexparser.parse_string((built_site / "papers.bib").read_text()).entries}
    assert [e.key for e in bib.entries] == [p["bibtex_key"] for p in reversed(chosen)]
    for got in bib.entries:  # the same entries as papers.bib
        assert {f.key: f.value for f in got.fields} == {f.key: f.value for f in whole[got.key].fields}
    records = rispy.loads(_download(page, "[data-ps-export='ris']"))
    assert [r["title"] for r in records] == [p["title"] for p in reversed(chosen)]
    for record, paper in zip(records, reversed(chosen), strict=True):
        assert record.get("authors", []) == paper["authors"]
        assert record["id"] == paper["bibtex_key"]
        if paper["arxiv"]:
            assert record["urls"] == [f"https://arxiv.org/abs/{paper['arxiv']}"]
    page.locator("[data-ps-list='title']").fill("Ten papers on: caches & <serving>")
    page.locator("[data-ps-list='curator']").fill("@octocat")
    reading = yaml.safe_load(_download(page, "[data-ps-export='yaml']"))
    assert reading == {
        "title": "Ten papers on: caches & <serving>",
        "description": "Papers I saved on the shelf.",
        "curator": "octocat",
        "papers": [{"paper": p["slug"]} for p in reversed(chosen)],
    }
    page.locator("[data-ps-list='title']").fill("Ten papers on KV caches")
    text = _download(page, "[data-ps-export='yaml']")
    reading_list, problems, _ = parse_list(text)  # what validate and the build read
    assert problems == [] and reading_list is not None
    assert [e.paper for e in reading_list.papers] == [p["slug"] for p in reversed(chosen)]
    link = page.locator("[data-ps-new-list-link]").get_attribute("href")
    assert link.startswith("https://github.com/papershelf/papershelf/new/main/content/collections?filename=")
    assert "filename=ten-papers-on-kv-caches.yml&value=" in link
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["value"] == [text]
    assert page.console_errors == []


def test_a_shelf_file_imports_in_another_browser_and_a_foreign_file_is_refused(
    browser: Any, page: Any, site_url: str, papers: list[dict[str, Any]]
) -> None:
    chosen = _saved_shelf(page, site_url, papers, 2)
    exported = _download(page, "[data-ps-export='shelf']")
    reading = _download(page, "[data-ps-export='yaml']")
    context = browser.new_context()
    try:
        fresh = context.new_page()
        errors: list[str] = []
        fresh.on("pageerror", lambda exc: errors.append(str(exc)))
        fresh.goto(site_url + "shelf/")
        with tempfile.TemporaryDirectory() as tmp:
            foreign, broken, shelf_file, listed = (Path(tmp) / n for n in ("a.bib", "b.json", "c.json", "d.yml"))
            foreign.write_text("@misc{x, title = {Not a shelf}}\n")
            broken.write_text('{"format": "papershelf-shelf", "version": 1, "papers": [{"slug": "../x"}]}')
            shelf_file.write_text(exported)
            listed.write_text(reading)
            status = fresh.locator("[data-ps-import-status]")
            for bad in (foreign, broken):
                fresh.locator("[data-ps-import]").set_input_files(str(bad))
                import_says(fresh, "nothing was imported")
                assert status.inner_text() == (
                    f"{bad.name} is not a shelf file or reading list exported from My shelf: nothing was imported."
                )
                assert stored(fresh) == {}
            fresh.locator("[data-ps-import]").set_input_files(str(shelf_file))
            import_says(fresh, "^Imported")
            assert status.inner_text() == "Imported 2 papers."
            assert shelf_slugs(fresh) == [p["slug"] for p in reversed(chosen)]
            original = stored(page)
            for slug, paper in stored(fresh).items():  # the date saved travels with the file
                assert paper["saved"] == original[slug]["saved"] and paper["bibtex"] == original[slug]["bibtex"]
            fresh.locator("[data-ps-import]").set_input_files(str(listed))
            import_says(fresh, "already on your shelf")
            assert status.inner_text() == "Imported 0 papers; 2 already on your shelf."
        assert errors == []
    finally:
        context.close()


def test_for_you_lists_unsaved_papers_with_their_reasons(
    page: Any, site_url: str, papers: list[dict[str, Any]]
) -> None:
    chosen = _saved_shelf(page, site_url, papers, 3)
    page.wait_for_selector(READY, timeout=15000)
    items = page.locator("[data-ps-foryou-list] li")
    assert 1 <= items.count() <= 20
    shown = items.locator(".ps-item-title").evaluate_all(
        "as => as.map(a => a.pathname.split('/').filter(Boolean).pop())"
    )
    assert not set(shown) & {p["slug"] for p in chosen}  # never a paper already saved
    terms = {t for p in stored(page).values() for t, _ in p["terms"]}
    for reason in items.locator(".ps-foryou__reason").all_inner_texts():
        found = re.fullmatch(r"Shares (.+) with (\d+) papers? you saved", reason)
        assert found, reason
        assert 1 <= int(found.group(2)) <= len(chosen)
        assert all(t in terms for t in found.group(1).split(", "))
    screenshot(page, "shelf-for-you")
    # A second visit shows the list kept for this build, without fetching a shard again.
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.reload()
    page.wait_for_selector(READY, timeout=15000)
    assert [u for u in fetched if "/assets/shelf/" in u and ".bin" in u] == []
    assert page.locator("[data-ps-foryou-list] li").count() == items.count()
    assert page.console_errors == []


def test_an_author_links_to_their_papers(page: Any, site_url: str, papers: list[dict[str, Any]]) -> None:
    paper = next(p for p in papers if p["authors"])
    name = paper["authors"][0]
    page.goto(site_url + f"papers/{paper['slug']}/")
    page.locator(".ps-authors").get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_selector("[data-ps-author-list][data-ps-ready]", timeout=15000)
    assert page.locator("h1").inner_text() == f"Papers by {name}"
    listed = slugs_of(page.locator("[data-ps-author-list] .ps-item-title"))
    expected = [p["slug"] for p in papers if name in p["authors"]]
    assert listed == expected  # every paper of the author, newest first (the site's order)
    assert page.console_errors == []


def test_my_shelf_fetches_its_data_before_the_themes_scripts_have_run(
    page: Any, site_url: str, papers: list[dict[str, Any]]
) -> None:
    _saved_shelf(page, site_url, papers, 2)
    page.wait_for_selector(READY, timeout=15000)
    started, records, parsed = page.evaluate(
        """() => [
          performance.getEntriesByType("resource").find(r => r.name.includes("/assets/shelf/meta.json")).startTime,
          performance.getEntriesByType("resource").filter(r => /[/]assets[/]shelf[/]r[0-9]+[.]bin/.test(r.name))
            .map(r => r.startTime),
          performance.getEntriesByType("navigation")[0].domContentLoadedEventStart,
        ]"""
    )
    assert started < parsed  # the deferred copy of the script would start it after this
    # The records For you shows, fetched from the saved papers' nearest before the page is parsed.
    assert records and all(at < parsed for at in records), (records, parsed)
    # The script ran once for the two copies of it the page loads: one button per saved paper.
    items = page.locator("[data-ps-shelf-list] li")
    assert items.count() == 2
    assert [item.locator("button[data-ps-save]").count() for item in items.all()] == [1, 1]
    assert page.console_errors == []


def test_for_you_reads_the_saved_papers_again_after_a_rebuild(
    page: Any, site_url: str, papers: list[dict[str, Any]]
) -> None:
    _saved_shelf(page, site_url, papers, 2)
    page.wait_for_selector(READY, timeout=15000)
    before = page.locator("[data-ps-foryou-list] .ps-item-title").evaluate_all("as => as.map(a => a.href)")
    # As a shelf saved from an older build: other numbers, other nearest papers (numbers that
    # name papers of this build too, as they mostly do), no list kept.
    page.evaluate(
        """() => {
          const key = Object.keys(localStorage).find(k => k.startsWith("papershelf:shelf:"));
          const shelf = JSON.parse(localStorage.getItem(key));
          for (const p of Object.values(shelf.papers)) Object.assign(p, {v: "0ld", id: 1, near: [0, 1, 1]});
          localStorage.setItem(key, JSON.stringify(shelf));
          for (const k of Object.keys(localStorage)) if (k.startsWith("papershelf:foryou:")) localStorage.removeItem(k);
        }"""
    )
    page.reload()
    page.wait_for_selector(READY, timeout=15000)
    after = page.locator("[data-ps-foryou-list] .ps-item-title").evaluate_all("as => as.map(a => a.href)")
    assert after == before  # read again from this build's records
    version = page.evaluate("() => fetch('../assets/shelf/meta.json').then(r => r.json()).then(m => m.version)")
    assert {p["v"] for p in stored(page).values()} == {version}
    assert page.console_errors == []


def test_a_title_with_math_is_typeset_on_my_shelf(page: Any, site_url: str, papers: list[dict[str, Any]]) -> None:
    with_math = [p for p in papers if re.search(r"\$[^$]+\$|\\\(", p["title"])]
    assert with_math, "the fixture site has a paper whose title has math"
    save_on_page(page, site_url, with_math[0])
    page.goto(site_url + "shelf/")
    title = page.locator("[data-ps-shelf-list] .ps-item-title").first
    title.locator(".katex").first.wait_for(timeout=15000)  # typeset, as the paper's own page shows it
    assert "$" not in title.inner_text() and "\\(" not in title.inner_text()
    assert page.console_errors == []


@pytest.fixture(scope="module")
def sub_path_url(built_site: Path) -> Iterator[str]:
    """The site served from ``/deep/shelf-site/``, as a project site is on GitHub Pages."""
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(Path(tmp) / "deep")
        os.symlink(built_site, Path(tmp) / "deep" / "shelf-site")
        server, url = serve(Path(tmp))
        yield url + "deep/shelf-site/"
        server.shutdown()


def test_my_shelf_works_under_a_sub_path(page: Any, sub_path_url: str, papers: list[dict[str, Any]]) -> None:
    chosen = _saved_shelf(page, sub_path_url, papers, 2)
    assert shelf_slugs(page) == [p["slug"] for p in reversed(chosen)]
    page.wait_for_selector(READY, timeout=15000)
    link = page.locator("[data-ps-shelf-list] .ps-item-title").first.get_attribute("href")
    assert "/deep/shelf-site/papers/" in link
    assert page.console_errors == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", VIEWPORTS)
def test_my_shelf_has_no_serious_axe_violation(
    browser: Any, site_url: str, papers: list[dict[str, Any]], screen: str, scheme: str
) -> None:
    assert AXE.exists(), "axe-core is missing: run 'make test' (npm ci) first"
    width, height = VIEWPORTS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    try:
        page = context.new_page()
        _saved_shelf(page, site_url, papers, 3)
        page.wait_for_selector(READY, timeout=15000)
        problems = [f"{v['id']} ({v['impact']})\n    " + "\n    ".join(v["nodes"]) for v in axe_violations(page)]
        page.screenshot(path=str(screenshot(page, f"shelf-{screen}-{scheme}")), full_page=True)
        paper_page = f"papers/{papers[0]['slug']}/"
        page.goto(site_url + paper_page)  # the paper's page with its pressed button
        problems += [f"{paper_page}: {v['id']} ({v['impact']})" for v in axe_violations(page)]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
