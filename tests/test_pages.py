"""The page format: round trip, quoting of values YAML would misread, and refusal of bad pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.collection import load_collection, page_paths
from generator.content.fields import is_blank_abstract
from generator.content.pages import PageError, from_front_matter, parse_page, to_front_matter
from generator.content.paper_fields import FRONT_MATTER_KEYS
from generator.core.model import Link, Paper
from generator.core.values import normalize_arxiv
from tests.conftest import FIXTURE_PAPERS, ROOT

TRICKY = Paper(
    slug="no-on-yes",
    title="NO: on: Yes — a study of 007 & <b>markup</b>",
    date=dt.date(2025, 7, 8),
    abstract="First paragraph with $x^2$ and a_b*c*.\n\nSecond: paragraph.",
    authors=("Ada Lovelace", "NO", "007", "on", "null", "1e3"),
    arxiv="2103.00020",
    code="https://github.com/a/b",
    links=(Link("Project: page", "https://a.github.io/b/"), Link("true", "https://x.org/~u")),
    tags=("LLM serving", "yes", "0.5"),
    submitted_by="octo-cat",
    source="sources/hf-papers-listing.txt",
)


def test_round_trip_tricky_values() -> None:
    text = to_front_matter(TRICKY)
    assert from_front_matter(text, TRICKY.slug) == TRICKY
    assert "arxiv: '2103.00020'" in text
    assert "- 'NO'" in text and "- '007'" in text and "- 'on'" in text


FULL = replace(
    TRICKY,
    published=dt.date(2021, 3, 1),
    rank=3,
    upvotes=0,
    hf_submitter="julien-c",
    category="cs.CL",
    doi="10.18653/v1/2020.acl-main.1",
)


def test_round_trip_every_field() -> None:
    text = to_front_matter(FULL)
    assert from_front_matter(text, FULL.slug) == FULL
    assert "published: 2021-03-01" in text and "rank: 3" in text and "upvotes: 0" in text
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines() if line and line[0].isalpha()]
    assert keys == [k for k in FRONT_MATTER_KEYS if k != "pdf"]  # pdf is for papers without an arXiv id


_line = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40)
    .map(lambda t: " ".join(t.split()))
    .filter(bool)
)
_papers = st.builds(
    Paper,
    slug=st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,5}){0,2}", fullmatch=True),
    title=_line,
    date=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
    abstract=_line.filter(lambda t: not is_blank_abstract(t)),  # an empty abstract is refused
    authors=st.lists(_line, max_size=3).map(tuple),
    arxiv=st.none() | st.from_regex(r"\d{4}\.\d{5}", fullmatch=True),
    tags=st.lists(_line, max_size=3).map(tuple),
    published=st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
    rank=st.none() | st.integers(1, 10**6),
    upvotes=st.none() | st.integers(0, 10**6),
    hf_submitter=st.none() | st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,10}[A-Za-z0-9])?", fullmatch=True),
    category=st.none() | st.sampled_from(["cs.CL", "hep-th", "math.AG", "astro-ph.CO", "stat.ML"]),
    doi=st.none() | st.from_regex(r"10\.\d{4,6}/[A-Za-z0-9._;()/-]{1,20}", fullmatch=True),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_papers)
def test_round_trip_property(paper: Paper) -> None:
    assert from_front_matter(to_front_matter(paper), paper.slug) == paper


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("published: 2023-02-30", "published"),
        ("published: May 2023", "published"),
        ("rank: 0", "rank"),
        ("rank: '3'", "rank"),
        ("rank: true", "rank"),
        ("upvotes: -1", "upvotes"),
        ("upvotes: 1.5", "upvotes"),
        ("hf_submitter: '@julien'", "hf_submitter"),
        ("category: CS CL", "category"),
        ("doi: https://doi.org/10.1000/x", "doi"),
        ("doi: 11.1000/x", "doi"),
        ("pdf: http://example.org/x.pdf", "pdf"),
    ],
)
def test_bad_new_fields_name_their_field(line: str, field: str) -> None:
    paper, problems = parse_page(f"---\ntitle: T\ndate: 2025-01-01\n{line}\n---\n\nAn abstract.\n", "t")
    assert paper is None and [p.field for p in problems] == [field]
    assert problems[0].line == 4


def test_pdf_is_refused_next_to_an_arxiv_id() -> None:
    text = "---\ntitle: T\ndate: 2025-01-01\narxiv: '2404.14527'\npdf: https://example.org/x.pdf\n---\n\nText.\n"
    _, problems = parse_page(text, "t")
    assert [(p.field, p.hint) for p in problems] == [("pdf", "remove it: the PDF link follows from the arXiv id")]


def test_keys_are_written_in_the_documented_order() -> None:
    text = to_front_matter(TRICKY)
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines() if line and line[0].isalpha()]
    assert keys == ["title", "date", "authors", "arxiv", "code", "links", "tags", "submitted_by", "source"]


def test_round_trip_every_committed_page() -> None:
    """On the live collection only what holds for any valid page: it reads, and the page the
    writer would make of it means the same (a person may format a page differently)."""
    coll = load_collection(page_paths(ROOT / "content" / "papers"))
    assert coll.broken == {}
    for paper in coll.papers:
        assert from_front_matter(to_front_matter(paper), paper.slug) == paper


def test_fixture_pages_are_in_the_writers_format() -> None:
    coll = load_collection(page_paths(FIXTURE_PAPERS))
    assert coll.broken == {} and coll.papers
    for paper in coll.papers:
        assert (FIXTURE_PAPERS / f"{paper.slug}.md").read_text(encoding="utf-8") == to_front_matter(paper)


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("2404.14527", ("2404.14527", None)),
        ("2404.14527v2", ("2404.14527", "v2")),
        ("arXiv:2404.14527", ("2404.14527", None)),
        ("https://arxiv.org/abs/2404.14527v3", ("2404.14527", "v3")),
        ("https://arxiv.org/pdf/2404.14527.pdf", ("2404.14527", None)),
        ("hep-th/9711200", ("hep-th/9711200", None)),
        ("math.GT/0309136v1", ("math.gt/0309136", "v1")),
        ("not-an-id", None),
    ],
)
def test_arxiv_spellings(spelling: str, expected: tuple[str, str | None] | None) -> None:
    assert normalize_arxiv(spelling) == expected


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("no front matter\n", "front matter", 1),
        ("---\ntitle: A\n", "front matter", 1),
        ("---\ndate: 2025-07-08\n---\n", "title", 1),
        ("---\ntitle: A\ndate: 2025-02-30\n---\n", "date", 3),
        ("---\ntitle: A\ndate: 8 July\n---\n", "date", 3),
        ("---\ntitle: A\ntitle: B\ndate: 2025-07-08\n---\n", "title", 3),
        ("---\ntitle: [unclosed\ndate: 2025-07-08\n---\n", "front matter", 3),
        ("---\ntitle: A\ndate: 2025-07-08\ncode: javascript:alert(1)\n---\n", "code", 4),
        ("---\ntitle: A\ndate: 2025-07-08\narxiv: 2404.14527v2\n---\n", "arxiv", 4),
        ("---\ntitle: A\ndate: 2025-07-08\ncolour: red\n---\n", "colour", 4),
        ("---\ntitle: &a A\ndate: 2025-07-08\nsource: *a\n---\n", "front matter", 1),
    ],
)
def test_bad_pages_name_line_and_field(text: str, field: str, line: int) -> None:
    paper, problems = parse_page(text, "a")
    assert paper is None
    assert (problems[0].field, problems[0].line) == (field, line), problems
    with pytest.raises(PageError):
        from_front_matter(text, "a")


@pytest.mark.parametrize(
    "body",
    [
        "",
        "\n\n   \n\t\n",
        "<!-- the abstract goes here -->\n",
        "<!-- one -->\n\n<!-- two -->",
        "<!-- never closed\n\nthe rest is inside the comment",
        "\u200b\u200c\u200d\ufeff",  # zero-width characters and a BOM
        "\u00a0\u3000\u2007\u202f",  # non-breaking and other spaces
        "\u00ad\u2060\u200e\u202e",  # soft hyphen, word joiner, bidi marks
        "<!-- x -->\u200b\u00a0\n\u0301",  # a comment, invisibles and a lone combining accent
    ],
)
def test_empty_abstract_is_an_error_naming_its_line(body: str) -> None:
    text = f"---\ntitle: A paper\ndate: 2025-07-08\n---\n{body}"
    paper, problems = parse_page(text, "a-paper")
    assert paper is None
    assert [(p.line, p.field, p.message) for p in problems] == [(5, "abstract", "is empty")]
    assert problems[0].format("content/papers/a-paper.md").startswith("content/papers/a-paper.md:5: abstract: is empty")


def test_empty_abstract_is_reported_with_the_other_problems() -> None:
    _, problems = parse_page("---\ntitle: A\ndate: 2025-02-30\n---\n", "a")
    assert [p.field for p in problems] == ["date", "abstract"]


@pytest.mark.parametrize("body", ["A.", "<!-- note --> Real text.", "$x$", "\u00a0Ünïcode", "日本語"])
def test_any_visible_character_is_an_abstract(body: str) -> None:
    paper, problems = parse_page(f"---\ntitle: A\ndate: 2025-07-08\n---\n\n{body}\n", "a")
    assert problems == [] and paper is not None
