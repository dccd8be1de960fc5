"""The community's shelf in a real headless Chromium: the trending pages, a reading list, and the
discussion button, which requests nothing of giscus or GitHub until it is pressed (every request
the page makes is recorded), works from the keyboard, and leaves the page axe-clean. giscus's
script is intercepted and answered by a stand-in that does what it does (a frame in ``.giscus``);
the test never reaches the internet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import copy_project, mkdocs_build, screenshot, serve
from tests.test_accessibility import AXE, axe_violations
from tests.test_community import DISCUSSION

pytestmark = pytest.mark.browser

PAPER = "papers/qlora-efficient-finetuning-of-quantized-llms/"
STAND_IN = """(function () {
  var me = document.currentScript, box = document.querySelector(".giscus");
  var frame = document.createElement("iframe");
  frame.className = "giscus-frame"; frame.title = "Comments";
  frame.setAttribute("data-term", me.getAttribute("data-term"));
  frame.setAttribute("data-repo", me.getAttribute("data-repo"));
  frame.srcdoc = "<p>No comments yet.</p>";
  box.appendChild(frame);
})();"""


@pytest.fixture(scope="module")
def discussion_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site built with ``discussion:`` set, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("discussion-site")
    project = copy_project(root / "project")
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + DISCUSSION, encoding="utf-8")
    result = mkdocs_build(project, root / "site")
    assert result.returncode == 0, result.stderr
    server, url = serve(root / "site")
    yield url
    server.shutdown()


def test_trending_lists_papers_by_score_with_their_sources(page: Any, site_url: str) -> None:
    page.goto(site_url + "trending/")
    tab = page.locator(".md-tabs__link", has_text="Trending")
    assert tab.count() == 1 and tab.is_visible()  # a tab of the navigation
    items = page.locator("ol.ps-trending > li")
    assert items.count() >= 3
    first = items.nth(0)
    assert first.locator(".ps-item-title").inner_text().startswith("Mélange")
    assert first.locator(".ps-score").inner_text() == "5 votes here · score 5.0"
    assert items.nth(1).locator(".ps-score").inner_text() == "2 votes here · score 2.0"
    assert items.nth(2).locator(".ps-score").inner_text() == "No votes yet"  # then the listing's order
    assert "halves every 7 days" in page.locator(".ps-trending-how").inner_text()
    screenshot(page, "trending-week")
    page.get_by_role("link", name="Trending this month").click()
    page.wait_for_url("**/trending/month/")
    month_first = page.locator("ol.ps-trending > li").first.locator(".ps-score").inner_text()
    assert month_first == "40 votes here · 12 upvotes on Hugging Face · score 23.5"  # both sources, labelled
    assert page.locator(".ps-trending-tabs [aria-current=page]").inner_text() == "Trending this month"
    screenshot(page, "trending-month")
    assert page.console_errors == []


def test_a_reading_list_shows_its_papers_in_order_with_notes(page: Any, site_url: str) -> None:
    page.goto(site_url + "collections/")
    page.locator(".ps-item-title").first.click()
    page.wait_for_url("**/collections/kv-cache-reading/")
    assert page.locator("h1").inner_text() == 'Serving LLMs with less KV cache: when memory < compute & "quotes"'
    titles = page.locator("ol.ps-reading-list .ps-item-title").all_inner_texts()
    assert titles[0].startswith("ShadowKV") and titles[2].startswith("Mélange") and len(titles) == 3
    assert page.locator(".ps-note").first.inner_text() == "Start here: the problem & one answer, in one paper."
    for name in ("Atom feed", "BibTeX of the 3 papers"):
        href = page.get_by_role("link", name=name).get_attribute("href")
        response = page.request.get(site_url + "collections/kv-cache-reading/" + href)
        assert response.ok, name
    screenshot(page, "reading-list")
    page.locator(".ps-item-title").nth(2).click()  # the paper's page names the list
    page.wait_for_url("**/papers/melange-*/")
    assert page.locator(".ps-on-lists a").inner_text().startswith("Serving LLMs with less KV cache")
    assert page.console_errors == []


@pytest.mark.slow  # builds the fixture site once more, with discussion on
def test_the_discussion_loads_nothing_until_pressed(browser: Any, discussion_site: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    giscus: list[str] = []

    def answer(route: Any) -> None:
        giscus.append(route.request.url)
        route.fulfill(status=200, content_type="text/javascript", body=STAND_IN)

    context.route("https://giscus.app/**", answer)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(discussion_site + PAPER)
        page.wait_for_load_state("networkidle")
        button = page.get_by_role("button", name="Show discussion")
        assert button.is_visible()
        assert button.get_attribute("aria-expanded") == "false"
        own = urlsplit(discussion_site).netloc
        assert [url for url in requested if urlsplit(url).netloc != own] == []  # nothing of a third party
        assert giscus == []
        assert axe_violations(page) == []
        page.locator(".ps-discussion").scroll_into_view_if_needed()
        screenshot(page, "discussion-button")

        button.focus()  # the keyboard's way: focus, then Enter
        page.keyboard.press("Enter")
        frame = page.locator(".giscus iframe.giscus-frame")
        frame.wait_for(state="attached", timeout=15_000)
        assert giscus == ["https://giscus.app/client.js"]
        assert frame.get_attribute("data-term") == "qlora-efficient-finetuning-of-quantized-llms"
        assert frame.get_attribute("data-repo") == "papershelf/papershelf"
        assert page.evaluate("document.activeElement.id") == "ps-giscus"  # focus moves to the discussion
        status = page.get_by_role("status")
        page.wait_for_function("document.querySelector('.ps-discussion-status').textContent.includes('shown below')")
        assert status.inner_text() == "The discussion is shown below."  # told to a screen reader
        assert not button.is_visible()
        script = page.locator("script[src='https://giscus.app/client.js']")
        assert script.get_attribute("data-mapping") == "specific" and script.get_attribute("data-strict") == "1"
        assert axe_violations(page) == []
        screenshot(page, "discussion-shown")
        assert errors == []
    finally:
        context.close()


@pytest.mark.slow
def test_without_scripts_the_discussion_is_a_link(browser: Any, discussion_site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(discussion_site + PAPER)
        assert not page.locator(".ps-discussion-show").is_visible()  # no dead button
        link = page.locator(".ps-discussion-about a")
        assert link.get_attribute("href") == "https://github.com/papershelf/papershelf/discussions"
    finally:
        context.close()


def test_the_default_site_has_no_discussion(page: Any, site_url: str, built_site: Path) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + PAPER)
    page.wait_for_load_state("networkidle")
    assert page.locator(".ps-discussion").count() == 0
    assert not any("discussion" in url for url in requested)
    assert AXE.exists()
