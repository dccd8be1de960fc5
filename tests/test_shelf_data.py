"""My shelf's data (records with their top terms and nearest papers, authors) and pages, as pure
functions on fixture papers: every paper found from its slug, numbers that agree across the
files, BibTeX entries equal to papers.bib's (the browser test), every author's papers, bounded
shards, deterministic bytes."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import re
from typing import Any

import pytest

from benchmarks.corpus import synthesize
from generator.content.collection import load_collection, page_paths
from generator.core.links import new_file_url
from generator.core.model import Paper
from generator.core.routes import author_url
from generator.search.typos import bucket
from generator.shelf.data import (
    NAMES_PER_AUTHOR_SHARD,
    NEIGHBOURS,
    PAPERS_PER_RECORD_SHARD,
    RECORD_AUTHORS,
    SHELF_DIR,
    neighbours,
    shelf_files,
)
from generator.shelf.terms import TERMS_PER_PAPER, WEIGHT_SCALE, top_terms
from generator.site.render import authors_html
from generator.site.shelf import shelf_pages
from tests.conftest import FIXTURE_PAPERS, listing_papers


def _load(files: dict[str, bytes], name: str) -> Any:
    raw = files[f"{SHELF_DIR}/{name}"]
    return json.loads(raw if name.endswith(".json") else gzip.decompress(raw))


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    """The fixture site's papers and the seed listing's (a slug once: some are in both)."""
    fixture = load_collection(page_paths(FIXTURE_PAPERS)).papers
    taken = {p.slug for p in fixture}
    return fixture + [p for p in listing_papers() if p.slug not in taken]


@pytest.fixture(scope="module")
def files(papers: list[Paper]) -> dict[str, bytes]:
    return shelf_files(papers)


def _paper(slug: str, title: str, abstract: str) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2025, 1, 1), abstract=abstract)


def test_top_terms_are_readable_words_and_phrases_shared_with_another_paper() -> None:
    papers = [
        _paper("a", "KV cache compression", "We compress the KV cache of long-context inference. See https://x.org/kv"),
        _paper("b", "A KV cache for serving", "Serving keeps a KV cache; quantization shrinks it ($O(n^2)$ memory)."),
        _paper("c", "Diffusion samplers", "Faster diffusion sampling with fewer steps, and quantization."),
        _paper("d", "Diffusion at scale", "Training diffusion models at scale."),
    ]
    terms = top_terms(papers)
    first = dict(terms[0])
    assert "kv cache" in first  # a phrase of two adjacent words
    assert "cache" not in first and "kv" not in first  # said by the phrase already
    assert "compression" not in first  # held by this paper only: it leads nowhere
    assert not any("x.org" in t or "o n" in t or "$" in t for held in terms for t, _ in held)
    assert "quantization" in dict(terms[2]) and "diffusion" in dict(terms[3])
    for held in terms:
        assert len(held) <= TERMS_PER_PAPER
        assert all(isinstance(w, int) and 1 <= w <= WEIGHT_SCALE for _, w in held)
        assert [w for _, w in held] == sorted((w for _, w in held), reverse=True)
    assert top_terms(papers) == terms and top_terms([]) == []


def _record(files: dict[str, bytes], meta: dict[str, Any], slug: str) -> dict[str, Any]:
    rows = _load(files, f"r{bucket(slug, meta['records'])}.bin")
    return next(r for r in rows if r["slug"] == slug)  # type: ignore[no-any-return]


def test_nearest_papers_share_the_strongest_terms() -> None:
    papers = [
        _paper("a", "KV cache compression", "We compress the KV cache of long-context inference."),
        _paper("b", "A KV cache for serving", "Serving keeps a KV cache; quantization shrinks it."),
        _paper("c", "Diffusion samplers", "Faster diffusion sampling with fewer steps, and quantization."),
        _paper("d", "Diffusion at scale", "Training diffusion models at scale."),
    ]
    terms = top_terms(papers)
    near = neighbours(terms)
    assert [j for j, _, _ in near[0]] == [1]  # "kv cache": the other diffusion papers share nothing
    assert near[2][0][0] == 3  # "diffusion" before "quantization"'s weaker share
    bits = [bit for bit, (t, _) in enumerate(terms[0]) if t == "kv cache"]
    assert near[0][0][2] == 1 << bits[0]
    assert neighbours(terms) == near and neighbours([]) == []


def test_every_record_is_found_from_its_slug_and_its_number(papers: list[Paper], files: dict[str, bytes]) -> None:
    meta = _load(files, "meta.json")
    assert meta["papers"] == len(papers) and meta["records"] == math.ceil(len(papers) / PAPERS_PER_RECORD_SHARD)
    numbers = {}
    for paper in papers:
        k = bucket(paper.slug, meta["records"])
        rows = _load(files, f"r{k}.bin")
        place = [r["slug"] for r in rows].index(paper.slug)
        record = rows[place]
        numbers[paper.slug] = k * meta["slots"] + place
        assert record["title"] == paper.title and record["authors"] == list(paper.authors[:RECORD_AUTHORS])
        assert record["more_authors"] == max(0, len(paper.authors) - RECORD_AUTHORS)
        assert record["date"] == paper.date.isoformat()
        assert all(link.startswith("https://") for link in (record["link"], record["pdf"], record["code"]) if link)
    assert len(set(numbers.values())) == len(papers)
    # the postings and the authors name papers by those numbers
    by_number = {n: s for s, n in numbers.items()}
    held = dict(zip((p.slug for p in papers), top_terms(papers), strict=True))
    for paper in papers:  # its terms, and its nearest papers, strongest first, with what they share
        record = _record(files, meta, paper.slug)
        assert all(tuple(pair) in held[paper.slug] for pair in record["terms"])
        near = list(zip(record["near"][0::3], record["near"][1::3], record["near"][2::3], strict=True))
        assert len(near) <= NEIGHBOURS
        assert [score for _, score, _ in near] == sorted((score for _, score, _ in near), reverse=True)
        for number, score, shared in near:
            other = dict(_record(files, meta, by_number[number])["terms"])
            both = [(bit, t, w) for bit, (t, w) in enumerate(record["terms"]) if t in other]
            assert by_number[number] != paper.slug and score > 0 and both
            assert shared == sum(1 << bit for bit, _, _ in both)  # the terms a reason names
            assert score <= sum(w * other[t] for _, t, w in both)  # strongest holders of a term only
    for paper in papers:
        for name in paper.authors:
            found = _load(files, f"a{bucket(name, meta['authors'])}.bin")[name]
            assert numbers[paper.slug] in found
    for k in range(meta["authors"]):
        for name, listed in _load(files, f"a{k}.bin").items():  # each author's papers, newest first
            expected = [p.slug for p in papers if name in p.authors]
            assert [by_number[n] for n in listed] == expected


def test_shards_stay_few_and_small_however_many_authors(papers: list[Paper]) -> None:
    many = synthesize(papers, 2000)
    many = [
        Paper(
            **{
                **{f: getattr(p, f) for f in ("slug", "title", "date", "abstract")},
                "authors": (f"Author {i}", f"Other {i}"),
            }
        )
        for i, p in enumerate(many)
    ]
    files = shelf_files(many)
    meta = json.loads(files[f"{SHELF_DIR}/meta.json"])
    assert meta["authors"] == math.ceil(4000 / NAMES_PER_AUTHOR_SHARD)  # 4,000 authors, 3 files
    assert meta["records"] == math.ceil(2000 / PAPERS_PER_RECORD_SHARD)
    assert len(files) == 1 + meta["records"] + meta["authors"] < 2000 / 20
    # Compressed bytes: For you fetches a record shard per paper it shows, so they stay small;
    # an author's page reads one author shard.
    assert max(len(d) for n, d in files.items() if re.search(r"/r\d+\.bin$", n)) < 12_000
    assert max(len(d) for d in files.values()) < 64_000
    assert shelf_files(many) == files  # deterministic


def test_author_names_link_to_the_one_authors_page() -> None:
    paper = Paper(slug="x", title="t", date=dt.date(2025, 1, 1), authors=("Zoë <b>&", "Tri Dao"))
    assert authors_html(paper, "papers/x/") == (
        '<p class="ps-authors"><a href="../../authors/?name=Zo%C3%AB+%3Cb%3E%26">Zoë &lt;b&gt;&amp;</a>, '
        '<a href="../../authors/?name=Tri+Dao">Tri Dao</a></p>'
    )
    assert author_url("A B") == "authors/?name=A+B"


def test_the_reading_list_link_is_the_repositorys_new_file_page() -> None:
    assert (
        new_file_url("https://github.com/o/r", "edit/main/content/", "collections")
        == "https://github.com/o/r/new/main/content/collections"
    )
    assert new_file_url("", "edit/main/content/", "collections") == ""
    assert new_file_url("https://gitlab.com/o/r", "-/edit/main/content/", "collections") == ""
    pages = shelf_pages('https://github.com/o/r/new/main/content/collections?"x"')
    assert (
        'data-ps-new-list="https://github.com/o/r/new/main/content/collections?&quot;x&quot;"'
        in pages["shelf/index.md"]
    )
    assert 'data-ps-new-list="' not in shelf_pages("")["shelf/index.md"]
    assert "data-ps-author-page" in pages["authors/index.md"]
