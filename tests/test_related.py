"""Related papers: similarity, determinism, ties, the built pages' lists, and the benchmark command."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from benchmarks.bench import synthesize
from benchmarks.related_bench import bench
from generator.content.collection import load_collection, page_paths
from generator.core.model import Paper
from generator.core.site_config import load_site_config
from generator.taxonomy.related import RELATED_COUNT, related_papers
from generator.taxonomy.topics import assign_topics
from tests.conftest import FIXTURE_PAPERS, ROOT, listing_papers

LISTING_PAPERS = listing_papers()
SEEDS = load_collection(page_paths(FIXTURE_PAPERS)).papers
TOPICS = assign_topics(SEEDS, load_site_config(ROOT / "site_config.yml").taxonomy)


def paper(slug: str, title: str, abstract: str) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2025, 7, 8), abstract=abstract)


GRAPHS = "Graph neural networks learn node embeddings by message passing over sparse adjacency."
DIFFUSION = "Diffusion models denoise images step by step; samplers trade quality for speed."


def test_papers_on_the_same_subject_come_first() -> None:
    papers = [
        paper("g1", "Scalable graph neural networks", GRAPHS + " We partition huge graphs."),
        paper("g2", "Graph neural network training on GPUs", GRAPHS + " Sampling neighbours is costly."),
        paper("g3", "Node embeddings for billion-edge graphs", GRAPHS),
        paper("d1", "Fast diffusion samplers", DIFFUSION),
        paper("d2", "Distilled diffusion models", DIFFUSION + " Distillation halves the steps."),
    ]
    related = related_papers(papers, {})
    assert set(related["g1"][:2]) == {"g2", "g3"}
    assert related["d1"][0] == "d2"
    assert all(slug not in related[slug] for slug in related)


def test_shared_topics_count() -> None:
    papers = [
        paper("a", "Alpha method", "We study alpha."),
        paper("b", "Beta method", "We study beta."),
        paper("c", "Gamma method", "We study gamma."),
    ]
    topics = {"a": ("Quokkas",), "b": (), "c": ("Quokkas",)}
    assert related_papers(papers, topics)["a"][0] == "c"


def test_ties_are_broken_by_slug_and_input_order_does_not_matter() -> None:
    same = "Identical abstracts make every pair equally similar."
    papers = [paper(f"p-{c}", "Twin paper", same) for c in "gfedcba"]
    related = related_papers(papers, {})
    assert related["p-d"] == ("p-a", "p-b", "p-c", "p-e", "p-f")
    assert related_papers(list(reversed(papers)), {}) == related


def test_unrelated_papers_are_not_listed() -> None:
    papers = [paper("a", "Quokkas", "Marsupials hop."), paper("b", "Tensors", "Matrices multiply.")]
    assert related_papers(papers, {}) == {"a": (), "b": ()}
    assert related_papers(papers[:1], {}) == {"a": ()}
    assert related_papers([], {}) == {}


def test_seed_collection_has_five_related_papers_each_and_is_reproducible() -> None:
    first = related_papers(LISTING_PAPERS, {})  # the seed listing: a fixed input of realistic size
    assert set(first) == {p.slug for p in LISTING_PAPERS}
    assert all(len(v) == RELATED_COUNT for v in first.values())
    assert related_papers(list(reversed(LISTING_PAPERS)), {}) == first


def test_larger_synthetic_collection_works_in_blocks() -> None:
    papers = synthesize(SEEDS, 1200, seed=1)  # more than one block of rows
    related = related_papers(papers, {})
    assert len(related) == 1200
    assert all(0 < len(v) <= RELATED_COUNT and p not in v for p, v in related.items())


def test_built_pages_list_related_papers_whose_links_resolve(built_site: Path) -> None:
    related = related_papers(SEEDS, TOPICS)
    for p in SEEDS:
        html = (built_site / "papers" / p.slug / "index.html").read_text(encoding="utf-8")
        if not related[p.slug]:
            assert '<section class="ps-related"' not in html
            continue
        section = html[html.index('<section class="ps-related"') :]
        links = re.findall(r'<li><a href="\.\./([^/"]+)/">', section[: section.index("</section>")])
        assert tuple(links) == related[p.slug]
        assert all((built_site / "papers" / slug / "index.html").is_file() for slug in links)


def test_bench_command_prints_a_row_per_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench([40, 80]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["papers", "topics", "s", "related", "s", "total", "cpu", "s"]
    assert [line.split()[0] for line in lines[1:]] == ["40", "80"]
    assert all(re.fullmatch(r"\s*\d+(\s+\d+\.\d\d){3}", line) for line in lines[1:])
