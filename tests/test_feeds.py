"""Feeds: Atom, RSS and JSON Feed for the site and each topic, checked by parsing them.

Atom and RSS are parsed with feedparser (a feed that is not well-formed sets ``bozo``); JSON
Feed is checked against a JSON Schema of the version 1.1 spec's required fields
(``fixtures/jsonfeed-1.1.schema.json``). Titles written to break out of XML and HTML must come
back as the same text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
import yaml

from generator.core.model import Link, Paper
from generator.core.site_config import FeedsConfig, TopicConfig
from generator.core.slugs import slugify
from generator.outputs.feeds import all_feeds, atom_feed, json_feed, rss_feed, site_info
from tests.conftest import FIXTURE_PAPERS, ROOT, copy_project, mkdocs_build, read_export, screenshot

SITE_URL = "https://papershelf.example.org/"
JSON_FEED_SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
NASTY_TITLE = "A & B <script>alert(\"x\")</script> ]]> 'quoted'"

# A site copy with its own small taxonomy: one topic that matches papers by keyword, one that a
# new paper joins only through its tag (spelled in another case), and one that nothing matches.
TAXONOMY = [
    {
        "name": "Mixture of experts",
        "description": "Sparse <expert> models & routing.",
        "keywords": ["mixture of experts"],
    },
    {"name": "Escaping tests", "keywords": []},
    {"name": "Nothing matches", "keywords": ["zzzunmatchedzzz"]},
]
MAX_ITEMS = 2


def nasty_paper(slug: str = "a-b-script", date: dt.date = dt.date(2025, 7, 8)) -> Paper:
    return Paper(
        slug=slug,
        title=NASTY_TITLE,
        date=date,
        abstract='x < y && "z" > w, see https://example.org/?a=1&b=2 and $a<b$\n\nSecond </p> paragraph.',
        authors=("Ada <Lovelace>", "Bob & Co"),
        arxiv="2404.14527",
        code="https://github.com/example/code",
        links=(Link("Project <page>", "https://example.org/project"),),
        tags=("Escaping tests",),
    )


def many_papers(n: int) -> list[Paper]:
    start = dt.date(2025, 1, 1)
    papers = [Paper(slug=f"paper-{i:04d}", title=f"Paper {i}", date=start + dt.timedelta(days=i)) for i in range(n)]
    return sorted(papers, key=lambda p: (-p.date.toordinal(), p.slug))


def parse(text: str) -> Any:
    result = feedparser.parse(text.encode("utf-8"))
    assert not result.bozo, result.get("bozo_exception")
    return result


# --------------------------------------------------------------------------- unit


def test_titles_and_fields_round_trip_as_text() -> None:
    paper = nasty_paper()
    info = site_info("Paper & Shelf", "All <papers>")
    topics = {paper.slug: ("Escaping tests",)}
    for text, version in (
        (atom_feed([paper], info, SITE_URL, "Paper & Shelf", topics), "atom10"),
        (rss_feed([paper], info, SITE_URL, "Paper & Shelf", topics), "rss20"),
    ):
        assert "<script" not in text  # markup in contributor text is only ever escaped text
        feed = parse(text)
        assert feed.version == version
        assert feed.feed.title == "Paper & Shelf"
        (entry,) = feed.entries
        assert entry.title == NASTY_TITLE
        assert entry.link == SITE_URL + "papers/a-b-script/"
        assert [t.term for t in entry.tags] == ["Escaping tests"]
        assert (
            "Ada <Lovelace>" in [a.get("name") for a in entry.get("authors", [])]
            or entry.get("author") == "Ada <Lovelace>"
        )
    data = json.loads(json_feed([paper], info, SITE_URL, "Paper & Shelf", topics))
    jsonschema.validate(data, JSON_FEED_SCHEMA)
    (item,) = data["items"]
    assert item["title"] == NASTY_TITLE
    assert item["authors"] == [{"name": "Ada <Lovelace>"}, {"name": "Bob & Co"}]
    assert "&lt;script&gt;" not in item["content_html"]  # the title is not in the body; the abstract is
    assert "x &lt; y &amp;&amp; &quot;z&quot; &gt; w" in item["content_html"]
    assert "Second &lt;/p&gt; paragraph." in item["content_html"]


def test_control_characters_are_dropped_not_left_to_break_the_xml() -> None:
    paper = Paper(slug="ctrl", title="Bell\x07 and form\x0c feed", date=dt.date(2025, 1, 2), abstract="a\x00b\x1bc")
    info = site_info("S", "")
    for text in (atom_feed([paper], info, SITE_URL, "S", {}), rss_feed([paper], info, SITE_URL, "S", {})):
        assert parse(text).entries[0].title == "Bell and form feed"


def test_each_feed_holds_only_the_newest_papers() -> None:
    papers = many_papers(300)
    files = all_feeds(
        papers,
        site_url=SITE_URL,
        site_name="S",
        description="",
        topics={},
        taxonomy=[],
        config=FeedsConfig(max_items=20),
    )
    atom = parse(files["feeds/atom.xml"])
    assert [e.link for e in atom.entries] == [SITE_URL + p.url for p in papers[:20]]
    assert len(parse(files["feeds/rss.xml"]).entries) == 20
    assert len(json.loads(files["feeds/feed.json"])["items"]) == 20
    # The size does not grow with the collection: ten times the papers, the same feed.
    more = all_feeds(
        many_papers(3000)[-300:],
        site_url=SITE_URL,
        site_name="S",
        description="",
        topics={},
        taxonomy=[],
        config=FeedsConfig(max_items=20),
    )
    assert len(more["feeds/atom.xml"]) == len(files["feeds/atom.xml"])


def test_timestamps_come_from_listing_dates_not_the_clock() -> None:
    papers = many_papers(3)
    info = site_info("S", "")
    atom = atom_feed(papers, info, SITE_URL, "S", {})
    assert atom == atom_feed(papers, info, SITE_URL, "S", {})
    assert parse(atom).feed.updated == "2025-01-03T00:00:00Z"
    rss = rss_feed(papers, info, SITE_URL, "S", {})
    assert "<lastBuildDate>Fri, 03 Jan 2025 00:00:00 GMT</lastBuildDate>" in rss
    empty = atom_feed([], info, SITE_URL, "S", {})
    assert parse(empty).entries == [] and "<updated>1970-01-01T00:00:00Z</updated>" in empty


def test_topic_feeds_match_tags_by_slug() -> None:
    paper = nasty_paper()
    taxonomy = [TopicConfig(name="Escaping Tests"), TopicConfig(name="Other")]
    files = all_feeds(
        [paper],
        site_url=SITE_URL,
        site_name="S",
        description="",
        topics={paper.slug: ("escaping tests",)},
        taxonomy=taxonomy,
        config=FeedsConfig(),
    )
    assert len(parse(files["topics/escaping-tests/atom.xml"]).entries) == 1
    assert parse(files["topics/other/atom.xml"]).entries == []
    no_topics = all_feeds(
        [paper],
        site_url=SITE_URL,
        site_name="S",
        description="",
        topics={},
        taxonomy=taxonomy,
        config=FeedsConfig(topic_feeds=False),
    )
    assert sorted(no_topics) == ["feeds/atom.xml", "feeds/feed.json", "feeds/rss.xml", "feeds/sitemap.xml"]


# --------------------------------------------------------------------------- the real site


FEED_NAMES = ("atom.xml", "rss.xml", "feed.json")


def check_feed_file(path: Path, site: Path, max_items: int) -> int:
    """Validate one feed file of a built site; returns its number of entries."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        jsonschema.validate(data, JSON_FEED_SCHEMA)
        assert data["feed_url"] == SITE_URL + path.relative_to(site).as_posix()
        links = [i["url"] for i in data["items"]]
    else:
        feed = parse(text)
        assert feed.version == ("atom10" if path.name == "atom.xml" else "rss20")
        links = [e.link for e in feed.entries]
    assert len(links) <= max_items
    for link in links:
        assert link.startswith(SITE_URL + "papers/")
        assert (site / link.removeprefix(SITE_URL) / "index.html").is_file(), link
    return len(links)


def test_site_feeds_are_valid(built_site: Path) -> None:
    settings = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    max_items = settings["feeds"]["max_items"]
    counts = {name: check_feed_file(built_site / "feeds" / name, built_site, max_items) for name in FEED_NAMES}
    assert set(counts.values()) == {min(len(list(FIXTURE_PAPERS.glob("*.md"))), max_items)}
    for topic in settings.get("taxonomy") or []:  # whatever topics the real site has
        slug = slugify(topic["name"])
        for name in FEED_NAMES:
            check_feed_file(built_site / "topics" / slug / name, built_site, max_items)


def test_every_page_announces_the_feeds(built_site: Path) -> None:
    """The Atom feed on every page; all three formats on the home and Subscribe pages."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > len(list(FIXTURE_PAPERS.glob("*.md")))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = re.findall(r'<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">', html)
        every = page.relative_to(built_site).as_posix() in ("index.html", "subscribe/index.html")
        assert [kind for kind, _, _ in found] == [
            "application/atom+xml",
            *(("application/rss+xml", "application/feed+json") if every else ()),
        ], page
        assert found[0][1] == "PaperShelf (Atom)"
        for _, _, href in found:
            # The 404 page is served at any address, so its links start at the root.
            target = built_site / href.lstrip("/") if page.name == "404.html" else (page.parent / href).resolve()
            assert target.is_file(), (page, href)
            # The theme fetches sitemap.xml from each alternate link's folder on every page
            # load: that folder's sitemap must be the tiny empty one, not the site's.
            sitemap = target.parent / "sitemap.xml"
            assert sitemap.is_file() and sitemap.stat().st_size < 200, (page, href)


@pytest.fixture(scope="module")
def topic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built copy of the site with the small taxonomy above and two extra papers."""
    project = copy_project(tmp_path_factory.mktemp("topics") / "project")
    config = yaml.safe_load((project / "site_config.yml").read_text(encoding="utf-8")) or {}
    config["taxonomy"] = TAXONOMY
    config["feeds"] = {"max_items": MAX_ITEMS, "topic_feeds": True}
    (project / "site_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    papers = project / "content" / "papers"
    (papers / "escaping-test-paper.md").write_text(
        "---\n"
        f"title: {json.dumps(NASTY_TITLE)}\n"
        "date: 2025-08-01\n"
        "authors:\n- Ada <Lovelace>\n"
        "tags:\n- escaping TESTS\n"
        "---\n\n"
        "An abstract with <b>markup</b> & an ampersand.\n",
        encoding="utf-8",
    )
    for n, day in enumerate(("2025-07-20", "2025-07-21", "2025-07-22")):  # more than MAX_ITEMS
        (papers / f"sparse-routing-for-mixture-of-experts-{n}.md").write_text(
            f"---\ntitle: Sparse Routing for Mixture of Experts {n}\ndate: {day}\n---\n\n"
            "We study the mixture of experts layer.\n",
            encoding="utf-8",
        )
    site = project / "built"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


def test_topic_feeds_in_a_real_build(topic_site: Path) -> None:
    exported = read_export(topic_site)["papers"]
    counts = {}
    for topic in TAXONOMY:
        slug = slugify(topic["name"])
        folder = topic_site / "topics" / slug
        for name in FEED_NAMES:
            counts[(slug, name)] = check_feed_file(folder / name, topic_site, MAX_ITEMS)
        # The entries are this topic's papers, newest first, as papers.json tells them.
        expected = [p["url"] for p in exported if slug in {slugify(t) for t in p["topics"]}][:MAX_ITEMS]
        assert [e.link for e in parse((folder / "atom.xml").read_text(encoding="utf-8")).entries] == expected
    assert counts[("mixture-of-experts", "atom.xml")] == MAX_ITEMS  # more papers match; the feed is cut
    assert counts[("escaping-tests", "atom.xml")] == 1
    assert counts[("nothing-matches", "atom.xml")] == 0
    entry = parse((topic_site / "topics" / "escaping-tests" / "rss.xml").read_text(encoding="utf-8")).entries[0]
    assert entry.title == NASTY_TITLE
    atom = (topic_site / "topics" / "mixture-of-experts" / "atom.xml").read_text(encoding="utf-8")
    assert "<subtitle>Sparse &lt;expert&gt; models &amp; routing.</subtitle>" in atom
    site_feed = parse((topic_site / "feeds" / "atom.xml").read_text(encoding="utf-8"))
    assert site_feed.entries[0].title == NASTY_TITLE  # the newest paper leads the site feed


def test_subscribe_page_lists_topic_feeds(topic_site: Path) -> None:
    html = (topic_site / "subscribe" / "index.html").read_text(encoding="utf-8")
    for topic in ("mixture-of-experts", "escaping-tests", "nothing-matches"):
        for name in ("atom.xml", "rss.xml", "feed.json"):
            assert f'href="{SITE_URL}topics/{topic}/{name}"' in html


@pytest.mark.browser
def test_subscribe_page_in_the_browser(page: Any, site_url: str, built_site: Path) -> None:
    page.goto(site_url + "subscribe/")
    assert page.locator("h1").inner_text().rstrip("¶") == "Subscribe"
    assert page.locator("nav a", has_text="Subscribe").count() >= 1
    hrefs = page.locator("article a[type]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert SITE_URL + "feeds/atom.xml" in hrefs
    for href in hrefs:
        assert (built_site / href.removeprefix(SITE_URL)).is_file(), href
    assert page.locator("#email-digest").count() == 1
    screenshot(page, "subscribe")
    page.locator("article a", has_text="JSON and BibTeX").click()
    page.wait_for_url("**/data/")
    assert page.locator("h1").inner_text().rstrip("¶") == "Data for tools"
    assert page.console_errors == []
