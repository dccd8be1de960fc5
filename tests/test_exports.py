"""Exports: the JSON (``papers.json.gz``) against its published schema and documentation, ``papers.bib`` entry by
entry, and both byte-identical across two builds."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator.content.collection import load_collection, page_paths
from generator.core.model import Link, Paper, sort_key
from generator.outputs.citations import bibtex_entry, citation_keys
from generator.outputs.exports import (
    EXPORT_VERSION,
    JSON_PATH,
    PAPER_FIELDS,
    SCHEMA,
    TOP_FIELDS,
    papers_bib,
    papers_json,
)
from tests.conftest import FIXTURE_PAPERS, ROOT, copy_project, mkdocs_build, read_export

SITE_URL = "https://papershelf.example.org/"
PAPERS = load_collection(page_paths(FIXTURE_PAPERS)).papers


def test_papers_json_follows_its_schema(built_site: Path) -> None:
    data = read_export(built_site)
    published = json.loads((built_site / "papers.schema.json").read_text(encoding="utf-8"))
    assert published == SCHEMA
    jsonschema.Draft202012Validator.check_schema(published)
    jsonschema.validate(data, published, format_checker=jsonschema.FormatChecker())
    assert data["version"] == EXPORT_VERSION == 1
    assert data["site"] == {"name": "PaperShelf", "url": SITE_URL}
    assert data["count"] == len(data["papers"]) == len(PAPERS)
    # Every paper, in the site's order, each with all the documented fields in order.
    assert [p["slug"] for p in data["papers"]] == [p.slug for p in PAPERS]
    assert all(list(p) == [name for name, _, _ in PAPER_FIELDS] for p in data["papers"])


def test_papers_json_carries_each_field(built_site: Path) -> None:
    data = read_export(built_site)
    by_slug = {p["slug"]: p for p in data["papers"]}
    melange = by_slug["melange-cost-efficient-large-language-model-serving-by-exploiting-gpu"]
    assert melange["title"].startswith("Mélange: Cost Efficient")
    assert melange["url"] == SITE_URL + "papers/melange-cost-efficient-large-language-model-serving-by-exploiting-gpu/"
    assert melange["date"] == "2025-07-08"
    assert melange["code"] == "https://github.com/tyler-griggs/melange-release"
    assert melange["source"] == "sources/hf-papers-listing.txt"
    for paper in PAPERS:
        record = by_slug[paper.slug]
        assert record["title"] == paper.title and record["abstract"] == paper.abstract
        assert record["authors"] == list(paper.authors) and record["arxiv"] == paper.arxiv
        assert (built_site / record["url"].removeprefix(SITE_URL) / "index.html").is_file()


def test_papers_bib_has_every_entry(built_site: Path) -> None:
    text = (built_site / "papers.bib").read_text(encoding="utf-8")
    assert text.startswith(f"% PaperShelf: {len(PAPERS)} papers, from https://papershelf.example.org/\n")
    assert text.count("\n@") == len(PAPERS)
    cite_keys = citation_keys(PAPERS)
    for paper in PAPERS:
        assert bibtex_entry(paper, cite_keys[paper.slug]) in text
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.MULTILINE)
    data = read_export(built_site)
    assert keys == [p["bibtex_key"] for p in data["papers"]]
    assert len(set(keys)) == len(keys), "citation keys must be unique within papers.bib"


def test_exports_are_documented(built_site: Path) -> None:
    page = (built_site / "data" / "index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in [n for n, _ in TOP_FIELDS] + [n for n, _, _ in PAPER_FIELDS]:
        assert f"<code>{name}</code>" in page, name
        assert f"`{name}`" in readme, name


def test_nasty_text_round_trips() -> None:
    title = 'A & B <script>alert("x")</script> \\ "quoted" \u2028 end'
    paper = Paper(
        slug="nasty",
        title=title,
        date=dt.date(2025, 7, 8),
        authors=("Ada <Lovelace>",),
        links=(Link("L & <b>", "https://example.org/?a=1&b=2"),),
    )
    data = json.loads(papers_json([paper], site_url=SITE_URL, site_name="S & <T>", topics={"nasty": ("X",)}))
    jsonschema.validate(data, SCHEMA)
    record = data["papers"][0]
    assert record["title"] == title
    assert record["links"] == [{"label": "L & <b>", "url": "https://example.org/?a=1&b=2"}]
    assert record["topics"] == ["X"] and record["tags"] == [] and record["code"] is None
    assert data["site"]["name"] == "S & <T>"
    bib = papers_bib([paper], site_name="S", site_url=SITE_URL)
    assert bib.count("@misc{") == 1 and "<script>" in bib  # BibTeX is text: braces matter, not markup


def test_new_fields_are_exported_and_follow_the_schema() -> None:
    day = dt.date(2025, 7, 8)
    papers = [
        Paper(slug="b", title="Beta", date=day, rank=2, upvotes=5, hf_submitter="julien-c", arxiv="2305.14314"),
        Paper(
            slug="a",
            title="Alpha",
            date=day,
            published=dt.date(2023, 5, 23),
            doi="10.1000/x",
            pdf="https://e.org/a.pdf",
        ),
        Paper(slug="c", title="Gamma", date=day, rank=1, category="cs.CL", arxiv="2305.00001"),
    ]
    papers.sort(key=sort_key)
    assert [p.slug for p in papers] == ["c", "b", "a"]  # the listing's rank, unranked last
    data = json.loads(papers_json(papers, site_url=SITE_URL, site_name="S", topics={}))
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    c, b, a = data["papers"]
    assert (c["rank"], c["category"], c["pdf"]) == (1, "cs.CL", "https://arxiv.org/pdf/2305.00001")
    assert (b["rank"], b["upvotes"], b["hf_submitter"], b["published"]) == (2, 5, "julien-c", None)
    assert (a["rank"], a["published"], a["doi"], a["pdf"]) == (None, "2023-05-23", "10.1000/x", "https://e.org/a.pdf")
    bad = {**data, "papers": [{**c, "rank": 0}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


@pytest.mark.slow
def test_two_builds_give_identical_bytes(built_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = mkdocs_build(copy_project(tmp_path / "project"), again)
    assert result.returncode == 0, result.stderr
    names = ["papers.json.gz", "papers.schema.json", "papers.bib", "feeds/atom.xml", "feeds/rss.xml", "feeds/feed.json"]
    names += [p.relative_to(built_site).as_posix() for p in (built_site / "topics").glob("*/*.xml")]
    names += [p.relative_to(built_site).as_posix() for p in (built_site / "topics").glob("*/feed.json")]
    for name in names:
        assert (again / name).read_bytes() == (built_site / name).read_bytes(), name


def test_json_export_is_gzip_of_the_documented_json(built_site: Path) -> None:
    """The published file is gzip of the JSON the schema describes, with no timestamp or file
    name in its header (so two builds give the same bytes), readable by the Data page's example."""
    data = (built_site / JSON_PATH).read_bytes()
    assert JSON_PATH.endswith(".json.gz") and data[:2] == b"\x1f\x8b"
    assert data[4:8] == b"\0\0\0\0" and not data[3] & 0x08  # MTIME zero, no FNAME
    assert read_export(built_site)["count"] == len(PAPERS)
    with gzip.open(built_site / JSON_PATH) as stream:  # what the Data page tells readers to do
        assert json.load(stream) == read_export(built_site)
    page = (built_site / "data" / "index.html").read_text(encoding="utf-8")
    assert f"<code>{JSON_PATH}</code>" in page and "gzip.open(response)" in page
