"""The page format: round trip, quoting of values YAML would misread, and refusal of bad pages."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content.collection import load_collection, page_paths
from generator.content.pages import PageError, from_front_matter, normalize_arxiv, parse_page, to_front_matter
from generator.core.model import Link, Paper
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
