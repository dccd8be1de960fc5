"""Metadata that search engines, link previews and feed readers read: OpenGraph on every page,
robots.txt, sitemap dates from the content, schema.org JSON-LD, and titles whose math is plain
text where it cannot be typeset (``<title>``, meta tags, feeds) and typeset where it can."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.content.collection import load_collection, page_paths
from generator.core.html import title_html
from generator.core.model import Link, Paper
from generator.core.tex import plain_title
from generator.og_image import DEFAULT_PATH, HEIGHT, WIDTH, og_png
from generator.site.head import has_math, lastmod, paper_head, robots_txt, scholarly_article, site_head
from generator.site.render import LISTING_AUTHORS, paper_item, related_html
from tests.conftest import ROOT, copy_project, mkdocs_build, read_export

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "schema-org-terms.json").read_text(encoding="utf-8"))
MATH_FIXTURE = Path(__file__).parent / "fixtures" / "math" / "scaling-laws-in-o-n-log-n.md"
OG_KEYS = ("og:title", "og:description", "og:url", "og:site_name", "og:type", "og:image")
PAPER = Paper(
    slug="sorting",
    title="Sorting in $O(n \\log n)$ with $\\alpha$-Heaps",
    date=dt.date(2025, 7, 8),
    abstract="We sort $n$ keys in $O(n^2)$ worst case.\n\nSecond paragraph.",
    authors=("Ada Lovelace",),
    arxiv="2404.14527",
    links=(Link("DOI", "https://doi.org/10.1000/xyz123"),),
)


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        key = a.get("property") or a.get("name")
        if tag == "meta" and key:
            self.meta.append((key, a.get("content") or ""))
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def head_of(html: str) -> _Meta:
    parser = _Meta()
    parser.feed(html[: html.index("</head>")])
    return parser


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        ("Sorting in $O(n \\log n)$ time", "Sorting in O(n log n) time"),
        ("$O(n^2)$ attention, $x_1$ and $2^{10}$", "O(n²) attention, x₁ and 2¹⁰"),
        ("An $\\alpha$-$\\beta$ search in \\(\\mathbb{R}^d\\)", "An α-β search in ℝ^d"),
        ("No math: 100% & <b> $5 only", "No math: 100% & <b> $5 only"),
        ("Broken $}$ math", "Broken } math"),
    ],
)
def test_plain_title_turns_math_into_text(title: str, plain: str) -> None:
    assert plain_title(title) == plain
    assert "$" not in plain_title(title) or "$5" in title


def test_titles_are_typeset_wherever_they_are_shown() -> None:
    html = title_html(PAPER.title)
    assert html.count('class="arithmatex"') == 2 and 'data-tex="\\(O(n \\log n)\\)">O(n log n)<' in html
    assert title_html("<b> & $x<y$") == '&lt;b&gt; &amp; <span class="arithmatex" data-tex="\\(x&lt;y\\)">x&lt;y</span>'
    assert has_math(paper_item(PAPER, "")) and has_math(related_html([PAPER], "papers/other/"))
    link_title = title_html("See https://example.org/a now")
    assert "<a" not in link_title  # a title is printed inside a link: no link inside it


# --------------------------------------------------------------------------- head tags


def test_site_head_has_opengraph_for_a_page() -> None:
    head = head_of(site_head("https://x.org/shelf/", "Shelf", "topics/", title="Topics", description="All") + "</head>")
    meta = dict(head.meta)
    assert meta["og:site_name"] == "Shelf" and meta["og:type"] == "website"
    assert meta["og:title"] == "Topics" and meta["og:description"] == "All"
    assert meta["og:url"] == "https://x.org/shelf/topics/"
    assert meta["og:image"] == "https://x.org/shelf/assets/og.png"
    assert meta["og:image:alt"] == "Shelf"
    assert "og:image:width" not in meta and "og:image:height" not in meta  # the same picture everywhere


def test_a_long_author_list_is_whole_for_scholar_and_cut_in_json_ld() -> None:
    authors = tuple(f"Author Number{i}" for i in range(300))
    many = Paper(slug="m", title="Many", date=PAPER.date, abstract="A large collaboration.", authors=authors)
    head = head_of(paper_head(many, "papers/m/", "https://x.org/", ()) + "</head>")
    assert [v for k, v in head.meta if k == "citation_author"] == list(authors)
    names = [a["name"] for a in scholarly_article(many, "", "", "Shelf")["author"]]  # type: ignore[index]
    assert names == list(authors[:LISTING_AUTHORS])
    text = paper_head(many, "papers/m/", "https://x.org/", ())
    assert text.count('"Author Number7"') == 1  # beyond the cut: in its citation_author tag only
    few = paper_head(PAPER, "papers/sorting/", "https://x.org/", ())
    assert few.count('"Ada Lovelace"') == 2  # a short list: in both


def test_paper_head_is_plain_text_and_not_doubled() -> None:
    head = head_of(paper_head(PAPER, "papers/sorting/", "https://x.org/", ()) + "</head>")
    meta = dict(head.meta)
    assert meta["og:title"] == meta["citation_title"] == "Sorting in O(n log n) with α-Heaps"
    assert meta["og:description"].startswith("We sort n keys in O(n²) worst case.")
    assert "og:site_name" not in meta  # site_head says it, once
    for key, _ in head.meta:
        assert [k for k, _ in head.meta].count(key) == 1 or key == "citation_author"


def _check_against_schema(node: object, expected_type: str | None = None) -> None:
    if isinstance(node, list):
        for item in node:
            _check_against_schema(item, expected_type)
        return
    if not isinstance(node, dict):
        return
    kind = node["@type"]
    assert kind in SCHEMA["types"], f"{kind} is not a type this site declares"
    if expected_type is not None:
        assert kind in SCHEMA["ranges"][expected_type], f"{expected_type} does not take a {kind}"
    for key, value in node.items():
        if key.startswith("@"):
            continue
        assert key in SCHEMA["types"][kind], f"{key} is not a schema.org property of {kind}"
        _check_against_schema(value, key)


def test_json_ld_uses_schema_org_terms_only() -> None:
    data = scholarly_article(PAPER, "https://x.org/papers/sorting/", "https://x.org/", "Shelf", ("Algorithms",))
    _check_against_schema(data)
    assert data["name"] == "Sorting in O(n log n) with α-Heaps"
    assert data["url"] == "https://x.org/papers/sorting/"
    assert "abstract" not in data  # the meta description and og:description carry its start
    assert data["author"] == [{"@type": "Person", "name": "Ada Lovelace"}]
    assert data["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "arXiv", "value": "2404.14527"},
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1000/xyz123"},
    ]
    assert data["isPartOf"] == {"@type": "WebSite", "name": "Shelf", "url": "https://x.org/"}
    assert "datePublished" not in data  # unknown: neither the listing date nor the id's month
    given = scholarly_article(replace(PAPER, published=dt.date(2024, 5, 2)), "", "", "Shelf")
    assert given["datePublished"] == "2024-05-02" and "url" not in given


def test_json_ld_leaves_out_an_unknown_publication_date() -> None:
    listed_only = Paper(slug="x", title="X", date=dt.date(2025, 7, 8))
    data = scholarly_article(listed_only, "", "", "Shelf")
    assert "datePublished" not in data  # the listing date is not a publication date
    _check_against_schema(data)


def test_robots_txt_names_the_sitemap() -> None:
    assert robots_txt("https://x.org/shelf/") == "User-agent: *\nAllow: /\nSitemap: https://x.org/shelf/sitemap.xml\n"
    assert "Sitemap" not in robots_txt("")


def test_lastmod_is_the_newest_date_shown() -> None:
    older = Paper(slug="o", title="O", date=dt.date(2024, 1, 2))
    assert lastmod([older, PAPER]) == "2025-07-08"
    assert lastmod([]) is None


def test_og_image_is_reproducible_and_committed() -> None:
    data = og_png()
    assert data == og_png()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[16:24] == WIDTH.to_bytes(4, "big") + HEIGHT.to_bytes(4, "big")
    assert DEFAULT_PATH.read_bytes() == data, "run: python -m generator.og_image"


# --------------------------------------------------------------------------- the built site


def _pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("index.html"))
    yield site / "404.html"


def test_every_built_page_has_opengraph(built_site: Path) -> None:
    for path in _pages(built_site):
        head = head_of(path.read_text(encoding="utf-8"))
        keys = [k for k, _ in head.meta]
        for key in OG_KEYS:
            assert keys.count(key) == 1, f"{path.relative_to(built_site)}: {key} x{keys.count(key)}"
        meta = dict(head.meta)
        assert all(meta[k] for k in OG_KEYS), path
        assert meta["og:image"] == "https://papershelf.example.org/assets/og.png"
    assert (built_site / "assets" / "og.png").read_bytes() == og_png()


def test_robots_and_sitemap_dates_come_from_the_content(built_site: Path) -> None:
    assert (built_site / "robots.txt").read_text() == robots_txt("https://papershelf.example.org/")
    data = read_export(built_site)
    dates = {p["url"]: p["date"] for p in data["papers"]}
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.parse(built_site / "sitemap.xml").getroot().findall("s:url", ns)
    assert urls
    seen = {}
    for url in urls:
        loc = url.findtext("s:loc", namespaces=ns)
        seen[loc] = url.findtext("s:lastmod", namespaces=ns)
    for paper_url, date in dates.items():
        assert seen[paper_url] == date  # a paper page: its own date
    newest = max(dates.values())
    assert seen["https://papershelf.example.org/"] == newest  # the home page lists the newest
    assert all(d is None or d in dates.values() for d in seen.values())  # never the build's date


def test_math_titles_in_a_built_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    newest = max(p.date for p in load_collection(page_paths(ROOT / "content" / "papers")).papers)
    text = MATH_FIXTURE.read_text(encoding="utf-8")  # the newest paper, so that every feed has it
    text = re.sub(r"^date: .*$", f"date: {newest + dt.timedelta(days=1)}", text, count=1, flags=re.M)
    (project / "content" / "papers" / MATH_FIXTURE.name).write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = (site / "papers" / MATH_FIXTURE.stem / "index.html").read_text(encoding="utf-8")
    head = head_of(page)
    assert head.title.startswith("Attention in O(n log n): Sub-quadratic Transformers with α-Sparse Kernels")
    assert '>Attention in <span class="arithmatex" data-tex="\\(O(n \\log n)\\)">O(n log n)</span>' in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-tex="\\(O(n \\log n)\\)"' in home and "katex.min.js" in home  # a listing with math loads KaTeX
    for feed in ("feeds/atom.xml", "feeds/rss.xml"):
        titles = [t.text or "" for t in ET.parse(site / feed).getroot().iter() if t.tag.endswith("title")]
        assert "Attention in O(n log n): Sub-quadratic Transformers with α-Sparse Kernels" in titles
        assert not any("$" in t or "\\(" in t for t in titles), feed
    items = json.loads((site / "feeds" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert not any("$" in item["title"] for item in items)


@pytest.mark.slow
def test_a_paper_with_500_authors_names_them_all_but_its_head_repeats_few(tmp_path: Path) -> None:
    """Scholar gets every author (``citation_author``); JSON-LD names a listing's few and
    OpenGraph none, so a collaboration paper's head grows by one tag an author and no more. The
    page itself shows every author, and the description is said once per reader that wants it."""
    project = copy_project(tmp_path / "project")
    source = project / "content" / "papers" / "a-collaboration-paper-with-many-authors.md"
    authors = [f"Collaborator Number{i:03d}" for i in range(500)]
    text = source.read_text(encoding="utf-8")
    listed = "\n".join(f"- {a}" for a in authors)
    text = re.sub(r"^authors:\n(?:- .*\n)+", f"authors:\n{listed}\n", text, count=1, flags=re.M)
    source.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = (site / "papers" / source.stem / "index.html").read_text(encoding="utf-8")
    head_html = page[: page.index("</head>")]
    head = head_of(page)
    assert [v for k, v in head.meta if k == "citation_author"] == authors
    assert not any(k.startswith(("og:", "twitter:")) and "Collaborator" in v for k, v in head.meta)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head_html, re.S)[1])  # type: ignore[index]
    assert [a["name"] for a in ld["author"]] == authors[:LISTING_AUTHORS]
    without_citations = re.sub(r'<meta name="citation_author"[^>]*>\s*', "", head_html)
    few = (site / "papers" / "qlora-efficient-finetuning-of-quantized-llms" / "index.html").read_text(encoding="utf-8")
    few_head = re.sub(r'<meta name="citation_author"[^>]*>\s*', "", few[: few.index("</head>")])
    assert len(without_citations) < len(few_head) + 500  # the rest of the head does not grow with the authors
    body = page[page.index("</head>") :]
    assert all(f">{a}</a>" in body for a in authors)  # every author on the page
    description = dict(head.meta)["description"]
    assert head_html.count(description) == 2  # the meta description and og:description, not JSON-LD
