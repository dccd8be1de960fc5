"""Ways to the paper: external URL patterns (one module), the links and title searches on a
paper page, the Daily Papers facts, and the listing's own order on the home page, the archive
and the feeds."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from generator.content.collection import load_collection, page_paths
from generator.core.links import arxiv_abs, arxiv_pdf, doi_url, hf_user, title_searches
from generator.core.model import Paper, sort_key
from generator.core.site_config import FeedsConfig
from generator.outputs.feeds import all_feeds
from generator.site.listings import archive_pages, home_pages
from generator.site.render import paper_page, reaches_paper
from tests.conftest import FIXTURE_PAPERS

DAY = dt.date(2025, 7, 8)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._text, self._href))
            self._href = None


def links_of(html: str) -> dict[str, str]:
    parser = _Links()
    parser.feed(html)
    return dict(parser.links)


def test_url_patterns() -> None:
    assert arxiv_abs("2404.14527") == "https://arxiv.org/abs/2404.14527"
    assert arxiv_pdf("hep-th/9711200") == "https://arxiv.org/pdf/hep-th/9711200"
    assert doi_url("10.1000/a b?c") == "https://doi.org/10.1000/a%20b%3Fc"
    assert hf_user("a/../b") == "https://huggingface.co/a%2F..%2Fb"
    searches = dict(title_searches('QLoRA:  "Efficient" & <Fast>'))
    assert list(searches) == ["arXiv", "Semantic Scholar", "Google Scholar", "Hugging Face Papers"]
    for url in searches.values():
        assert url.startswith("https://") and " " not in url and "<" not in url and '"' not in url
        query = parse_qs(urlsplit(url).query)
        assert '"QLoRA: \\\\"Efficient\\\\" & <Fast>"'.replace("\\\\", "") in [v[0] for v in query.values()]


def test_a_page_without_an_id_offers_labelled_title_searches() -> None:
    paper = Paper(slug="t", title="A Paper <b>Nobody</b> Linked", date=DAY, code="https://github.com/a/b")
    assert not reaches_paper(paper)  # its code is not the paper
    html = paper_page(paper, "papers/t/")
    links = links_of(html)
    for label in ("arXiv", "Semantic Scholar", "Google Scholar", "Hugging Face Papers"):
        href = links[f"Search {label}"]
        assert href.startswith("https://") and "Nobody" in href
    assert "No link to the paper is known yet" in html and "<b>Nobody</b>" not in html


def test_a_page_with_an_id_links_the_paper_and_searches_nothing() -> None:
    arxiv = Paper(slug="a", title="T", date=DAY, arxiv="2404.14527")
    links = links_of(paper_page(arxiv, "papers/a/"))
    assert links["arXiv"] == "https://arxiv.org/abs/2404.14527" and links["PDF"] == "https://arxiv.org/pdf/2404.14527"
    assert not any(text.startswith("Search ") for text in links)
    other = Paper(slug="o", title="T", date=DAY, doi="10.1000/xyz", pdf="https://example.org/t.pdf")
    links = links_of(paper_page(other, "papers/o/"))
    assert links["DOI"] == "https://doi.org/10.1000/xyz" and links["PDF"] == "https://example.org/t.pdf"
    assert "ps-find" not in paper_page(other, "papers/o/")


def test_daily_papers_facts_name_the_hugging_face_account() -> None:
    paper = Paper(
        slug="q",
        title="QLoRA",
        date=DAY,
        arxiv="2305.14314",
        published=dt.date(2023, 5, 23),
        category="cs.LG",
        rank=2,
        upvotes=57,
        hf_submitter="akhaliq",
    )
    html = paper_page(paper, "papers/q/")
    facts = re.search(r'<p class="ps-facts"[^>]*>(.*?)</p>', html)
    assert facts is not None
    text = re.sub(r"<[^>]+>", "", facts.group(1))
    assert text == (
        "Published May 23, 2023 · arXiv category cs.LG · Hugging Face Daily Papers: #2 of the day, "
        "57 upvotes when imported, submitted by akhaliq (Hugging Face)"
    )
    links = links_of(html)
    assert links["akhaliq"] == "https://huggingface.co/akhaliq"  # a Hugging Face profile, not GitHub
    assert links["Hugging Face Daily Papers"] == "https://huggingface.co/papers/2305.14314"
    assert 'datetime="2025-07-08"' in html  # the listing date is still the listing date
    ranked = paper_page(Paper(slug="r", title="R", date=DAY, rank=4), "papers/r/")
    facts = re.search(r'<p class="ps-facts"[^>]*>(.*?)</p>', ranked)
    assert facts is not None and facts.group(1) == "#4 in the day's listing"  # not every listing is theirs


def _day() -> list[Paper]:
    papers = [
        Paper(slug="zeta", title="Zeta", date=DAY, rank=1),
        Paper(slug="alpha", title="alpha", date=DAY),
        Paper(slug="beta", title="Beta", date=DAY, rank=3),
        Paper(slug="gamma", title="Gamma", date=DAY, rank=2),
        Paper(slug="omega", title="Omega", date=DAY),
        Paper(slug="older", title="Older", date=DAY - dt.timedelta(days=1), rank=1),
    ]
    return sorted(papers, key=sort_key)


def test_a_day_keeps_its_listing_order() -> None:
    papers = _day()
    assert [p.slug for p in papers] == ["zeta", "gamma", "beta", "alpha", "omega", "older"]
    home = home_pages(papers, per_page=50)["index.md"]
    archive = archive_pages(papers)[f"archive/{DAY.isoformat()}.md"]
    for text in (home, archive):
        titles = re.findall(r'class="ps-item-title" href="[^"]*">([^<]+)</a>', text)
        assert titles[:5] == ["Zeta", "Gamma", "Beta", "alpha", "Omega"]
    feeds = all_feeds(
        papers,
        site_url="https://example.org/",
        site_name="S",
        description="d",
        topics={},
        taxonomy=[],
        config=FeedsConfig(),
    )
    atom = feeds["feeds/atom.xml"]
    atom = atom if isinstance(atom, str) else atom.decode()
    assert re.findall(r"<title type=\"text\">([^<]+)</title>", atom)[:5] == ["Zeta", "Gamma", "Beta", "alpha", "Omega"]


def test_every_built_paper_page_offers_a_way_to_the_paper(built_site: Path) -> None:
    """An invariant of any collection: a direct link to the paper, or the labelled searches;
    and a publication date in the head only for a paper whose page gives one."""
    papers = load_collection(page_paths(FIXTURE_PAPERS)).by_slug()
    pages = sorted((built_site / "papers").glob("*/index.html"))
    assert pages
    for path in pages:
        html = path.read_text(encoding="utf-8")
        links = links_of(html[html.index('<article class="ps-paper"') :])
        direct = {"arXiv", "PDF", "DOI"} & set(links)
        searches = [text for text in links if text.startswith("Search ")]
        assert direct or len(searches) == 4, path
        paper = papers[path.parent.name]
        assert ('name="citation_publication_date"' in html) == (paper.published is not None), path


def test_feed_items_link_the_paper_itself() -> None:
    papers = [
        Paper(slug="d", title="D", date=DAY, doi="10.1000/xyz", code="https://github.com/a/b"),
        Paper(slug="c", title="C", date=DAY, code="https://github.com/a/b"),
    ]
    feeds = all_feeds(
        papers, site_url="https://e.org/", site_name="S", description="d", topics={}, taxonomy=[], config=FeedsConfig()
    )
    raw = feeds["feeds/feed.json"]
    items = {i["title"]: i for i in json.loads(raw if isinstance(raw, str) else raw.decode())["items"]}
    assert items["D"]["external_url"] == "https://doi.org/10.1000/xyz"
    assert "external_url" not in items["C"]  # its code is not the paper
