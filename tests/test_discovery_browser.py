"""Discovery in a real headless Chromium: topic pages, related papers, copying BibTeX, math, and
finding a paper by an author's name."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from generator.content.collection import load_collection, page_paths
from generator.content.pages import read_page
from generator.core.site_config import load_site_config
from generator.core.tex import plain_title
from generator.outputs.citations import bibtex_entry
from generator.taxonomy.related import related_papers
from generator.taxonomy.topics import assign_topics
from tests.conftest import FIXTURE_PAPERS, ROOT, copy_project, mkdocs_build, screenshot, serve

pytestmark = pytest.mark.browser

SEEDS = load_collection(page_paths(FIXTURE_PAPERS)).papers
BY_SLUG = {p.slug: p for p in SEEDS}
TOPICS = assign_topics(SEEDS, load_site_config(ROOT / "site_config.yml").taxonomy)
PAPER = "shadowkv-kv-cache-in-shadows-for-high-throughput-long-context-llm-inference"

MATH_PAGE = """---
title: Quadratic Quokkas
date: 2026-01-15
authors:
- Zelda Quirinius-Vandermeer
- Ada Lovelace
arxiv: '2404.14527'
---

We show that $x^2$ grows, that $a*b*c + d_1 + e_2 ~ f_3$ stays math, and that *this* is not emphasis.

The sum is $$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$ for every $n$.
"""


def _item_slugs(page: Any) -> list[str]:
    hrefs = page.locator("a.ps-item-title").evaluate_all("els => els.map(e => e.href)")
    return [re.search(r"/papers/([^/]+)/$", h).group(1) for h in hrefs]


def test_topic_page_lists_the_right_papers(page: Any, site_url: str) -> None:
    page.goto(site_url + f"papers/{PAPER}/")
    first = page.locator("a.ps-topic").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/topics/[a-z0-9-]+/$"))
    assert page.locator("article h1").first.inner_text() == name
    expected = sorted(p.slug for p in SEEDS if name in TOPICS[p.slug])
    assert sorted(_item_slugs(page)) == expected
    assert PAPER in expected
    screenshot(page, "topic")
    page.locator(".md-tabs a", has_text="Topics").click()
    page.wait_for_url(re.compile(r"/topics/$"))
    row = page.locator("li.ps-topic-row", has=page.locator("a", has_text=name))
    assert row.locator(".ps-count").inner_text() == f"{len(expected)} papers"
    assert page.console_errors == []


def test_related_list_is_present_and_its_links_resolve(page: Any, site_url: str) -> None:
    expected = related_papers(SEEDS, TOPICS)[PAPER]
    page.goto(site_url + f"papers/{PAPER}/")
    links = page.locator("section.ps-related li a")
    assert links.count() == len(expected) == 5
    hrefs = links.evaluate_all("els => els.map(e => e.href)")
    titles = links.all_inner_texts()
    assert len(titles) == len(expected)
    for title, slug in zip(titles, expected, strict=True):  # a title with math is typeset instead
        assert title == BY_SLUG[slug].title or "$" in BY_SLUG[slug].title
    for href, slug in zip(hrefs, expected, strict=True):
        assert href.endswith(f"/papers/{slug}/")
        response = page.goto(href)
        assert response is not None and response.status == 200
        # the page of that paper (math in a title is typeset once on screen, so compare the text)
        assert page.title().startswith(plain_title(BY_SLUG[slug].title))
    assert page.console_errors == []


def test_bibtex_copy_button_puts_the_entry_on_the_clipboard(page: Any, site_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    paper, _ = read_page(FIXTURE_PAPERS / f"{PAPER}.md")
    assert paper is not None
    page.goto(site_url + f"papers/{PAPER}/")
    block = page.locator("section.ps-cite pre")
    block.hover()
    button = block.locator('button[data-md-type="copy"]')  # the theme's copy button for code blocks
    assert button.get_attribute("title") == "Copy to clipboard"
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == bibtex_entry(paper).strip()
    screenshot(page, "bibtex")
    assert page.console_errors == []


@pytest.fixture(scope="module")
def math_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site plus one paper with TeX in its abstract and authors, built and served."""
    root = tmp_path_factory.mktemp("math")
    project = copy_project(root / "project")
    (project / "content" / "papers" / "quadratic-quokkas.md").write_text(MATH_PAGE, encoding="utf-8")
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    server, url = serve(site)
    yield url
    server.shutdown()


def test_math_renders_offline_and_stays_math(page: Any, math_site_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(math_site_url + "papers/quadratic-quokkas/")
    abstract = page.locator(".ps-abstract")
    abstract.locator(".katex").nth(3).wait_for(timeout=10000)
    assert abstract.locator(".katex").count() == 4
    assert abstract.locator(".katex-display").count() == 1
    sources = abstract.locator("annotation").evaluate_all("els => els.map(e => e.textContent)")
    assert sources == ["x^2", "a*b*c + d_1 + e_2 ~ f_3", "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}", "n"]
    assert abstract.locator("em, sub, del").count() == 0  # neither Markdown nor HTML touched the TeX
    assert "*this*" in abstract.inner_text()
    font = abstract.locator(".katex").first.evaluate("el => getComputedStyle(el).fontFamily")
    assert "KaTeX" in font
    outside = [url for url in requests if not url.startswith(math_site_url)]
    assert outside == []
    assert any(url.endswith(".woff2") for url in requests)  # the shipped fonts, not a CDN's
    screenshot(page, "math")
    assert page.console_errors == []


def test_math_renderer_loads_only_where_there_is_math(math_site_url: str) -> None:
    with urllib.request.urlopen(math_site_url + "papers/quadratic-quokkas/") as r:
        with_math = r.read().decode()
    pages = []
    for paper in SEEDS:
        with urllib.request.urlopen(math_site_url + f"papers/{paper.slug}/") as r:
            pages.append(r.read().decode())
    without = [html for html in pages if 'class="arithmatex"' not in html]  # no math, even related
    assert without and "katex.min.js" in with_math
    assert all("katex.min.js" not in html for html in without)


def test_search_finds_a_paper_by_an_author_name(page: Any, math_site_url: str) -> None:
    page.goto(math_site_url)
    page.keyboard.press("/")
    page.locator("input.md-search__input").fill("Quirinius")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert "Quadratic Quokkas" in page.locator(".md-search-result").inner_text()
    html = page.content()
    assert "Zelda Quirinius-Vandermeer" not in html.split("<main", 1)[0]  # found in the page text, not a tag
    assert page.console_errors == []


def test_paper_page_shows_authors_and_arxiv_buttons(page: Any, math_site_url: str) -> None:
    page.goto(math_site_url + "papers/quadratic-quokkas/")
    assert page.locator(".ps-authors").inner_text() == "Zelda Quirinius-Vandermeer, Ada Lovelace"
    assert page.locator("a.ps-i-arxiv").get_attribute("href") == "https://arxiv.org/abs/2404.14527"
    assert page.locator("a.ps-i-pdf").get_attribute("href") == "https://arxiv.org/pdf/2404.14527"
    icon = page.locator("a.ps-i-pdf").evaluate("el => getComputedStyle(el, '::before').maskImage")
    assert "icons/pdf.svg" in icon
    home = page.goto(math_site_url)
    assert home is not None
    item = page.locator("li.ps-item", has=page.locator("a", has_text="Quadratic Quokkas"))
    assert item.locator(".ps-item-authors").inner_text() == "Zelda Quirinius-Vandermeer, Ada Lovelace"
    assert item.locator(".ps-new").count() == 1  # the newest listing date of this collection
    assert page.console_errors == []


def test_math_far_down_a_page_loads_katex_only_when_scrolled_to(page: Any, tmp_path: Any) -> None:
    """A listing whose only formula is far below the fold does not make every reader fetch and
    run KaTeX: it is fetched once the math comes near the screen, then typeset."""
    import shutil

    shutil.copytree(ROOT / "overrides" / "assets", tmp_path / "assets")
    (tmp_path / "far.html").write_text(
        '<!doctype html><html lang="en"><head><title>Far</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="assets/vendor/katex/katex.min.css"></head><body>'
        '<p style="height: 5000px">Text.</p>'
        '<p><span class="arithmatex" data-tex="\\(x^2\\)">x²</span></p>'
        '<script defer src="assets/math.js" data-ps-katex-js="assets/vendor/katex/katex.min.js"></script>'
        "</body></html>",
        encoding="utf-8",
    )
    server, url = serve(tmp_path)
    try:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url + "far.html")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        assert not [u for u in requests if u.endswith("katex.min.js")]
        page.locator(".arithmatex").scroll_into_view_if_needed()
        page.locator(".arithmatex .katex").wait_for(timeout=10000)
        assert any(u.endswith("katex.min.js") for u in requests)
        assert page.console_errors == []
    finally:
        server.shutdown()
