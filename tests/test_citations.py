"""Citations: BibTeX entries, Scholar meta tags, JSON-LD and sharing tags, on their own and built."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest

from generator.content.pages import read_page
from generator.core.model import Link, Paper
from generator.outputs.citations import arxiv_year, bibtex_entry, citation_key, citation_keys
from generator.site.head import json_for_script, paper_head
from tests.conftest import FIXTURE_PAPERS

ARXIV_PAPER = Paper(
    slug="melange-cost-efficient-llm-serving",
    title="Mélange: Cost Efficient LLM Serving",
    date=dt.date(2025, 7, 8),
    abstract="Large language models are costly to serve. We find that $O(n^2)$ matters.",
    authors=("Tyler Griggs", "Ion Stoica"),
    arxiv="2404.14527",
    code="https://github.com/tyler-griggs/melange-release",
    published=dt.date(2024, 4, 22),
    category="cs.DC",
)
UNDATED = Paper(  # an arXiv id but no publication date: the id's month is not one
    slug="undated",
    title="The Undated Paper",
    date=dt.date(2025, 7, 8),
    authors=("Grace Hopper",),
    arxiv="2404.00001",
    code="https://github.com/a/b",
)
HOSTILE = Paper(
    slug="hostile",
    title='</script><script>alert(1)</script> "Quotes" & {braces} 100% #1 a_b \\ ~ ^',
    date=dt.date(2025, 7, 8),
    abstract="Ends the tag </script><!-- and <b>bold</b> & more.",
    authors=("Ada <Lovelace>", "Smith and Sons"),
    links=(Link("Project", "https://example.org/p?a=1&b={2}"),),
)


class _Head(HTMLParser):
    """Collects <meta> tags and JSON-LD scripts the way a crawler reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta":
            self.meta.append((a.get("name") or a.get("property") or "", a.get("content") or ""))
        self._in_script = tag == "script" and a.get("type") == "application/ld+json"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse_head(text: str) -> _Head:
    parser = _Head()
    parser.feed(text)
    return parser


# --------------------------------------------------------------------------- BibTeX


def test_arxiv_entry_has_the_fields_arxiv_suggests() -> None:
    library = bibtexparser.parse_string(bibtex_entry(ARXIV_PAPER))
    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    assert entry.key == citation_key(ARXIV_PAPER) == "griggs2024melange"
    fields = {k: f.value for k, f in entry.fields_dict.items()}
    assert fields == {
        "title": "{Mélange: Cost Efficient LLM Serving}",
        "author": "Tyler Griggs and Ion Stoica",
        "year": "2024",  # the publication year, not the listing's (2025)
        "month": "apr",
        "eprint": "2404.14527",
        "archivePrefix": "arXiv",
        "primaryClass": "cs.DC",
        "url": "https://arxiv.org/abs/2404.14527",  # the paper, not its code
    }


def test_without_a_publication_date_the_year_is_left_out() -> None:
    """Neither the listing date nor the month the arXiv id encodes is a publication date."""
    text = bibtex_entry(UNDATED)
    fields = {k: f.value for k, f in bibtexparser.parse_string(text).entries[0].fields_dict.items()}
    assert "year" not in fields and "month" not in fields
    assert "2025" not in text and "2024" not in text
    assert fields["url"] == "https://arxiv.org/abs/2404.00001"
    assert citation_key(UNDATED) == "hopperundated"


@pytest.mark.parametrize(
    ("authors", "title", "key"),
    [
        (("Tim Dettmers", "Artidoro Pagnoni"), "QLoRA: Efficient Finetuning of Quantized LLMs", "dettmers2023qlora"),
        (("Ashish Vaswani",), "Attention Is All You Need", "vaswani2023attention"),
        (("Laurens van der Maaten",), "The t-SNE Method", "vandermaaten2023tsne"),
        (("Dettmers, Tim",), "A Study of \\textit{Things}", "dettmers2023study"),
        (("José Müller",), "Über Ñandú", "muller2023uber"),
        ((), "On the Nature of Things", "anonymous2023nature"),
    ],
)
def test_keys_in_the_common_form(authors: tuple[str, ...], title: str, key: str) -> None:
    paper = Paper(slug="x", title=title, date=dt.date(2025, 1, 1), authors=authors, published=dt.date(2023, 5, 1))
    assert citation_key(paper) == key


def test_keys_are_unique_and_deterministic() -> None:
    base = {"title": "QLoRA again", "date": dt.date(2025, 1, 1), "authors": ("Tim Dettmers",)}
    papers = [Paper(slug=s, published=dt.date(2023, 1, 1), **base) for s in ("q-c", "q-a", "q-b")]
    keys = citation_keys(papers)
    assert keys == {"q-a": "dettmers2023qlora", "q-b": "dettmers2023qlorab", "q-c": "dettmers2023qlorac"}
    assert citation_keys(list(reversed(papers))) == keys
    # a suffixed key never takes the plain key of another paper
    clash = Paper(
        slug="z", title="Qlorab", date=dt.date(2025, 1, 1), authors=("T Dettmers",), published=dt.date(2023, 1, 1)
    )
    keys = citation_keys([*papers, clash])
    assert len(set(keys.values())) == 4 and keys["z"] == "dettmers2023qlorab"


def test_arxiv_years_of_both_id_styles() -> None:
    assert arxiv_year("2404.14527") == 2024
    assert arxiv_year("0704.0001") == 2007
    assert arxiv_year("hep-th/9711200") == 1997
    assert arxiv_year("math.GT/0309136") == 2003


def test_entry_without_arxiv_links_the_paper_never_its_code_or_listing_year() -> None:
    library = bibtexparser.parse_string(bibtex_entry(HOSTILE))
    assert library.failed_blocks == []
    fields = {k: f.value for k, f in library.entries[0].fields_dict.items()}
    assert "year" not in fields and "url" not in fields and "eprint" not in fields  # nothing known
    doi = Paper(slug="d", title="T", date=dt.date(2025, 1, 1), doi="10.1000/a{b}", code="https://github.com/a/b")
    fields = {k: f.value for k, f in bibtexparser.parse_string(bibtex_entry(doi)).entries[0].fields_dict.items()}
    assert fields["url"] == "https://doi.org/10.1000/a%7Bb%7D" and fields["doi"] == "10.1000/a%7Bb%7D"
    pdf = Paper(slug="p", title="T", date=dt.date(2025, 1, 1), pdf="https://example.org/t.pdf")
    assert "url = {https://example.org/t.pdf}" in bibtex_entry(pdf)


def test_special_characters_cannot_break_the_entry() -> None:
    text = bibtex_entry(HOSTILE)
    fields = {k: f.value for k, f in bibtexparser.parse_string(text).entries[0].fields_dict.items()}
    title = fields["title"]
    for raw, escaped in (
        ("{braces}", r"\{braces\}"),
        ("100%", r"100\%"),
        ("#1", r"\#1"),
        ("a_b", r"a\_b"),
        ("&", r"\&"),
    ):
        assert escaped in title, raw
    assert r"\textbackslash{}" in title and r"\textasciitilde{}" in title
    assert fields["author"] == r"Ada <Lovelace> and {Smith and Sons}"  # "and" inside a name is braced


def test_math_in_titles_stays_math() -> None:
    p = Paper(slug="m", title="Sorting in $O(n \\log n)$ time", date=dt.date(2025, 1, 1))
    assert "$O(n \\log n)$" in bibtex_entry(p)
    unbalanced = Paper(slug="u", title="Broken $}$ math", date=dt.date(2025, 1, 1))
    assert bibtexparser.parse_string(bibtex_entry(unbalanced)).failed_blocks == []


# --------------------------------------------------------------------------- head tags


def test_scholar_opengraph_and_twitter_tags() -> None:
    head = parse_head(paper_head(ARXIV_PAPER, "papers/melange/", "https://example.org/shelf/", ("LLM serving",)))
    meta = head.meta
    assert ("citation_title", ARXIV_PAPER.title) in meta
    assert [v for k, v in meta if k == "citation_author"] == ["Tyler Griggs", "Ion Stoica"]
    assert ("citation_publication_date", "2024/04/22") in meta  # the publication date
    assert ("citation_arxiv_id", "2404.14527") in meta
    assert ("citation_pdf_url", "https://arxiv.org/pdf/2404.14527") in meta
    assert ("og:type", "article") in meta and ("og:title", ARXIV_PAPER.title) in meta
    assert ("og:url", "https://example.org/shelf/papers/melange/") in meta
    description = dict(meta)["og:description"]
    assert description.startswith("Large language models are costly to serve.")
    assert ("twitter:card", "summary") in meta


def test_json_ld_is_a_scholarly_article() -> None:
    head = parse_head(paper_head(ARXIV_PAPER, "papers/melange/", "https://example.org/", ("LLM serving",)))
    (script,) = head.scripts
    data = json.loads(script)
    assert data["@context"] == "https://schema.org" and data["@type"] == "ScholarlyArticle"
    assert data["name"] == ARXIV_PAPER.title
    assert data["author"] == [{"@type": "Person", "name": "Tyler Griggs"}, {"@type": "Person", "name": "Ion Stoica"}]
    assert data["datePublished"] == "2024-04-22"
    assert data["keywords"] == ["LLM serving"]
    assert data["sameAs"] == ["https://arxiv.org/abs/2404.14527"]  # the paper; its code is another work


def test_head_says_no_date_it_does_not_know() -> None:
    head = parse_head(paper_head(UNDATED, "papers/undated/", "https://example.org/", ()))
    meta = dict(head.meta)
    assert "citation_publication_date" not in meta
    assert "datePublished" not in json.loads(head.scripts[0])
    assert meta["citation_pdf_url"] == "https://arxiv.org/pdf/2404.00001"
    other = Paper(slug="o", title="T", date=dt.date(2025, 1, 1), doi="10.1000/xyz", pdf="https://example.org/t.pdf")
    meta = dict(parse_head(paper_head(other, "papers/o/", "", ())).meta)
    assert meta["citation_doi"] == "10.1000/xyz" and meta["citation_pdf_url"] == "https://example.org/t.pdf"
    assert "citation_arxiv_id" not in meta


def test_contributor_text_cannot_escape_the_head_tags() -> None:
    text = paper_head(HOSTILE, "papers/hostile/", "https://example.org/", ('<img src=x onerror="x">',))
    assert text.count("<script") == 1 and text.count("</script>") == 1  # only our own JSON-LD element
    assert "<!--" not in text and "<img" not in text and "<b>" not in text
    head = parse_head(text)
    assert ("citation_title", HOSTILE.title) in head.meta  # attribute escaping round-trips
    data = json.loads(head.scripts[0])
    assert data["name"] == HOSTILE.title and data["keywords"] == ['<img src=x onerror="x">']
    assert json_for_script({"a": "\u2028</script>&"}) == '{"a":"\\u2028\\u003c/script\\u003e\\u0026"}'


def test_head_without_site_url_has_no_absolute_links() -> None:
    head = parse_head(paper_head(HOSTILE, "papers/hostile/", "", ()))
    assert "og:url" not in dict(head.meta)
    assert "papers/hostile" not in head.scripts[0]  # no link to the page itself without a site URL


# --------------------------------------------------------------------------- the built site


def test_built_paper_page_has_bibtex_and_head_tags(built_site: Path) -> None:
    slug = "qlora-efficient-finetuning-of-quantized-llms"
    paper, _ = read_page(FIXTURE_PAPERS / f"{slug}.md")
    assert paper is not None
    html = (built_site / "papers" / slug / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<pre class="ps-bibtex"><code>(.*?)</code></pre>', html, re.DOTALL)
    assert block is not None and htmllib.unescape(block.group(1)) == bibtex_entry(paper)
    head = parse_head(html[: html.index("</head>")])
    assert ("citation_title", paper.title) in head.meta
    assert paper.arxiv is None and "citation_arxiv_id" not in dict(head.meta)  # seed pages carry no id
    assert json.loads(head.scripts[0])["name"] == paper.title
    assert ("og:url", f"https://papershelf.example.org/papers/{slug}/") in head.meta
