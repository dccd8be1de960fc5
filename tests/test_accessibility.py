"""Accessibility in a real headless Chromium: axe-core (installed from npm by ``make test``,
pinned in package-lock.json) finds no serious or critical violation on every kind of page, in
the light and the dark scheme, on a desktop and a phone screen; the 404 page helps the reader
on; every page lets a keyboard user skip to the content.

The pages are picked from the built site itself (a paper with link buttons, another paper, the
first topic), so the test holds for any collection."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, read_export, screenshot

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
SCHEMES = ("light", "dark")  # Material follows prefers-color-scheme until the reader picks one
MISSING = "no-such-page/ab%3Cc%3E/"


def site_pages(site: Path) -> dict[str, str]:
    """Site paths of one page of each kind, chosen from what the build wrote."""
    data = read_export(site)
    base = data["site"]["url"].rstrip("/") + "/"
    papers = data["papers"]
    with_buttons = next(p for p in papers if p["code"] or p["arxiv"] or p["links"])
    other = next(p for p in papers if p["slug"] != with_buttons["slug"])
    topic = re.search(r'class="ps-topic-name" href="([^"]+)"', (site / "topics" / "index.html").read_text())
    assert topic is not None, "the topics index lists no topic"
    reading_list = re.search(r'class="ps-item-title" href="([^"]+)"', (site / "collections" / "index.html").read_text())
    lists = {"reading list": "collections/" + reading_list.group(1)} if reading_list else {}
    return {
        "home": "",
        "paper with buttons": with_buttons["url"].removeprefix(base),
        "paper": other["url"].removeprefix(base),
        "topics": "topics/",
        "topic": "topics/" + topic.group(1),
        "archive": "archive/",
        "trending": "trending/",
        "trending this month": "trending/month/",
        "reading lists": "collections/",
        **lists,
        "subscribe": "subscribe/",
        "about": "about/",
        "404": MISSING,
    }


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical violations axe-core reports on the loaded page, each with the
    selectors of its first few elements and why they fail."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + (n.failureSummary || ""))})))"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", VIEWPORTS)
def test_no_serious_axe_violations(browser: Any, built_site: Path, pages_url: str, screen: str, scheme: str) -> None:
    assert AXE.exists(), "axe-core is missing: run 'make test' (npm ci) first"
    width, height = VIEWPORTS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    try:
        page = context.new_page()
        problems = []
        for name, path in site_pages(built_site).items():
            page.goto(pages_url + path)
            page.wait_for_load_state("load")
            expected = "slate" if scheme == "dark" else "default"
            assert page.locator("body").get_attribute("data-md-color-scheme") == expected
            for v in axe_violations(page):
                problems.append(f"{name} (/{path}): {v['id']} ({v['impact']})\n    " + "\n    ".join(v["nodes"]))
        screenshot(page, f"axe-404-{screen}-{scheme}")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_missing_page_gets_a_helpful_404(page: Any, pages_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(pages_url + MISSING)
    assert err.value.code == 404
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document" and failed.append(r.url))
    response = page.goto(pages_url + MISSING)
    assert response is not None and response.status == 404
    assert page.locator("article h1").inner_text() == "Page not found"
    shown = page.locator("[data-ps-missing-path]")
    assert shown.is_visible()
    assert shown.inner_text() == "/no-such-page/ab<c>/"  # decoded, and shown as text, not HTML
    assert page.locator("article [data-ps-missing-path] *").count() == 0
    links = page.locator("article a").evaluate_all("els => els.map(e => e.pathname)")
    assert "/" in links and "/topics/" in links
    page.locator("article label[for='__search']").click()  # the search box opens from the page
    page.wait_for_function("document.getElementById('__search').checked")
    assert page.locator("input.md-search__input").is_visible()
    screenshot(page, "404")
    assert failed == []  # every asset loads from the page's odd address (links are path-absolute)
    assert [e for e in page.console_errors if "status of 404" not in e] == []  # the page's own 404 aside


def test_a_path_with_markup_stays_text_on_the_404(page: Any, pages_url: str) -> None:
    page.goto(pages_url + "x/%3Cimg%20src=x%20onerror=alert(1)%3E/")
    shown = page.locator("[data-ps-missing-path]")
    assert "<img" not in shown.inner_html() and page.locator("article img").count() == 0
    assert shown.inner_text() == "/x/<img src=x onerror=alert(1)>/"
    assert [e for e in page.console_errors if "status of 404" not in e] == []  # no alert, no script error


def test_every_kind_of_page_has_a_working_skip_link(page: Any, built_site: Path, pages_url: str) -> None:
    for name, path in site_pages(built_site).items():
        page.goto(pages_url + path)
        page.keyboard.press("Tab")  # the first stop on every page
        focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
        assert "md-skip" in focused[0].split(), f"{name}: the first Tab stop is not the skip link"
        assert page.locator(".md-skip").first.is_visible(), name
        page.keyboard.press("Enter")
        target = focused[1].removeprefix("#")
        assert page.evaluate("() => location.hash") == f"#{target}", name
        assert page.locator(f"[id='{target}']").count() == 1, name


def test_masked_icons_show_in_forced_colours(browser: Any, built_site: Path, pages_url: str) -> None:
    """Icons drawn as masks are a background, which forced colours (Windows high contrast) would
    replace with the page's: each must keep its own, in a system colour, like an inline SVG."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, forced_colors="active")
    try:
        page = context.new_page()
        page.goto(pages_url + site_pages(built_site)["paper with buttons"])
        icons = page.evaluate(
            """() => [...document.querySelectorAll(".ps-c, .ps-icon, .ps-find .md-button, .ps-repo-icon")].map(e => {
                const s = getComputedStyle(e, "::before");
                return [e.className, s.forcedColorAdjust, s.backgroundColor, getComputedStyle(e).backgroundColor];
            })"""
        )
        assert len(icons) >= 8
        for name, adjust, colour, behind in icons:
            assert adjust == "none" and colour != behind and colour != "rgba(0, 0, 0, 0)", name
    finally:
        context.close()
