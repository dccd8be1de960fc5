"""The built site in a real headless Chromium: navigate, search, switch theme, no console errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import FIXTURE_PAPERS, screenshot

pytestmark = pytest.mark.browser


def test_home_to_paper(page: Any, site_url: str) -> None:
    page.goto(site_url)
    assert page.locator("h2", has_text="July 8, 2025").count() == 1
    assert page.locator("li.ps-item").count() == len(list(FIXTURE_PAPERS.glob("*.md")))
    screenshot(page, "home")
    link = page.locator("a.ps-item-title", has_text="Mélange: Cost Efficient")
    link.click()
    page.wait_for_url("**/papers/melange-cost-efficient-large-language-model-serving-by-exploiting-gpu/")
    assert page.locator("article.ps-paper h1").inner_text().startswith("Mélange")
    assert page.locator("a.ps-code").get_attribute("href") == "https://github.com/tyler-griggs/melange-release"
    assert "Mélange" in page.title()
    screenshot(page, "paper")
    assert page.console_errors == []


def test_search_finds_paper_by_title_word(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.keyboard.press("/")  # the theme's search shortcut, kept by the header search
    page.locator("input.md-search__input").fill("GraphVite")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert "GraphVite" in page.locator(".md-search-result").inner_text()
    screenshot(page, "search")
    page.locator(".md-search-result__link").first.click()
    page.wait_for_url(re.compile(r"/papers/graphvite-[^/]+/"))
    assert page.console_errors == []


def test_search_finds_paper_by_abstract_word(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("heterogeneity-aware")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert "Mélange" in page.locator(".md-search-result").inner_text()
    assert page.console_errors == []


def test_dark_mode_toggle(page: Any, site_url: str) -> None:
    page.goto(site_url)
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("label[title='Switch to dark mode']").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    screenshot(page, "home-dark")
    page.reload()  # the choice is remembered
    assert body.get_attribute("data-md-color-scheme") == "slate"
    assert page.console_errors == []


def test_chosen_scheme_is_kept_from_page_to_page(page: Any, site_url: str) -> None:
    """A reader who switches to the dark scheme keeps it on the next page, set before the page
    shows (by the header's inline script, not after load by the theme's bundle)."""
    page.emulate_media(color_scheme="light")
    page.goto(site_url)
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.locator('label[for="__palette_1"]').click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.route("**/bundle.*.min.js", lambda route: route.abort())  # only the inline script runs
    page.goto(site_url.rstrip("/") + "/about/")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.unroute("**/bundle.*.min.js")
    page.goto(site_url)
    page.locator('label[for="__palette_0"]').click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")


@pytest.mark.browser
def test_on_a_phone_the_tab_row_fades_at_its_edge_and_its_last_tab_scrolls_clear(browser: Any, site_url: str) -> None:
    """A phone shows a few of the tabs; the rest are reached by scrolling the row. Its faded right
    edge says so, and scrolled to the end the last tab (My shelf) stands wholly outside the fade."""
    context = browser.new_context(viewport={"width": 375, "height": 700})
    try:
        page = context.new_page()
        page.goto(site_url)
        row = page.locator(".md-tabs__list")
        assert "linear-gradient" in row.evaluate(
            "e => getComputedStyle(e).maskImage || getComputedStyle(e).webkitMaskImage"
        )
        assert row.evaluate("e => e.scrollWidth > e.clientWidth")  # the row does overflow at this width
        row.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        page.wait_for_function(
            "(() => { const e = document.querySelector('.md-tabs__list');"
            " return e.scrollLeft + e.clientWidth >= e.scrollWidth - 1; })()"
        )
        fade = row.evaluate("e => parseFloat(getComputedStyle(e).paddingRight)")
        box, last = row.bounding_box(), page.locator(".md-tabs__item").last.bounding_box()
        assert fade > 0 and last["x"] + last["width"] <= box["x"] + box["width"] - fade + 0.5
        screenshot(page, "tabs-phone-scrolled")
    finally:
        context.close()
