"""Related papers: similarity, determinism, ties, invariants, the built pages' lists, and the benchmark command."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import load_corpus, synthesize
from benchmarks.related_bench import bench, category_share, plain_tfidf, stock_lsa
from generator.content.collection import load_collection, page_paths
from generator.core.model import Paper
from generator.core.site_config import load_site_config
from generator.taxonomy import related
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
    assert lines[0].split() == ["papers", "topics", "s", "related", "s", "total", "cpu", "s", "peak", "MB"]
    assert [line.split()[0] for line in lines[1:]] == ["40", "80"]
    assert all(re.fullmatch(r"\s*\d+(\s+\d+\.\d\d){3}\s+\d+", line) for line in lines[1:])


# --------------------------------------------------------------------------- collections large enough for LSA

BIG = synthesize(SEEDS, 700, seed=3)  # past the small-collection path: LSA and the nearest-neighbour search


def test_an_obviously_related_paper_is_ranked_first_among_many() -> None:
    original = BIG[123]  # among synthetic papers, several made from the same seed paper
    twin = paper("zz-twin", f"{original.title}, revisited", original.abstract)
    related = related_papers([*BIG, twin], {})
    assert related[original.slug][0] == twin.slug
    assert related[twin.slug][0] == original.slug


def test_duplicates_tie_and_are_listed_in_slug_order() -> None:
    base = BIG[5]
    twins = [paper(f"dup-{c}", base.title, base.abstract) for c in "dcba"]
    related = related_papers([*BIG, *twins], {})
    assert related["dup-c"][:3] == ("dup-a", "dup-b", "dup-d")


def lists_hold_the_invariants(papers: list[Paper], topics: dict[str, tuple[str, ...]], k: int) -> None:
    related_lists = related_papers(papers, topics, k=k)
    assert set(related_lists) == {p.slug for p in papers}
    by_slug = {p.slug: p for p in papers}
    for slug, others in related_lists.items():
        assert len(others) <= k and slug not in others and len(set(others)) == len(others)
        mine = set(related._tokens(by_slug[slug]))
        for other in others:  # something in common: a word or a topic
            assert mine & set(related._tokens(by_slug[other])) or set(topics.get(slug, ())) & set(topics.get(other, ()))


@pytest.mark.parametrize("k", [1, RELATED_COUNT, 12])
def test_large_collection_lists_hold_the_invariants(k: int) -> None:
    topics = assign_topics(BIG, load_site_config(ROOT / "site_config.yml").taxonomy)
    lists_hold_the_invariants(BIG, dict(topics), k)


def _lists_in_a_child(papers: list[Paper], threads: int) -> str:
    code = (
        "import json, pickle, sys\n"
        "from threadpoolctl import threadpool_limits\n"
        "from generator.taxonomy.related import related_papers\n"
        "papers = pickle.load(sys.stdin.buffer)\n"
        f"with threadpool_limits({threads}):\n"
        "    print(json.dumps(related_papers(papers, {}), sort_keys=True))\n"
    )
    import pickle

    run = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(papers), capture_output=True, check=True, cwd=ROOT
    )
    return run.stdout.decode()


def test_same_bytes_on_every_run_and_at_any_thread_count() -> None:
    papers = synthesize(SEEDS, 1200, seed=1)  # more than one block of rows
    here = json.dumps(related_papers(papers, {}), sort_keys=True)
    assert json.loads(here) and all(len(v) == RELATED_COUNT for v in json.loads(here).values())
    assert json.dumps(related_papers(list(reversed(papers)), {}), sort_keys=True) == here
    assert _lists_in_a_child(papers, 1) == here + "\n"
    assert _lists_in_a_child(papers, 2) == here + "\n"


_words = st.lists(
    st.sampled_from(["graph", "kernel", "token", "decoder", "sampler", "quantum", "the", "of"]), max_size=6
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(_words, _words, st.lists(st.sampled_from(["A", "B", "C"]), max_size=3, unique=True)), max_size=14
    )
)
def test_small_collections_hold_the_invariants(rows: list[tuple[list[str], list[str], list[str]]]) -> None:
    papers = [paper(f"p{i:02d}", " ".join(title), " ".join(abstract)) for i, (title, abstract, _) in enumerate(rows)]
    topics = {f"p{i:02d}": tuple(names) for i, (_, _, names) in enumerate(rows)}
    lists_hold_the_invariants(papers, topics, RELATED_COUNT)
    assert related_papers(list(reversed(papers)), topics) == related_papers(papers, topics)


# --------------------------------------------------------------------------- the benchmark on a corpus


def write_corpus(path: Path) -> Path:
    records = [
        {"id": "2501.00001", "title": "Graph neural networks at scale", "summary": GRAPHS + "\n  We partition graphs."},
        {"id": "2501.00002", "title": "Message passing on sparse graphs", "summary": GRAPHS},
        {"id": "2501.00003", "title": "Fast diffusion samplers", "summary": DIFFUSION},
        {"id": "2501.00004", "title": "", "summary": DIFFUSION},
        {"id": "2501.00005", "title": "Distilled diffusion models", "summary": DIFFUSION + " Fewer steps."},
    ]
    categories = [["cs.LG"], ["cs.LG", "cs.AI"], ["cs.CV"], ["cs.CV"], ["cs.CV"]]
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for record, cats in zip(records, categories, strict=True):
            out.write(json.dumps({**record, "day": "2025-03-18", "authors": ["A. Author"], "categories": cats}) + "\n")
    return path


def test_category_share_of_the_shipped_lists_and_of_the_baselines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    papers = load_corpus(write_corpus(tmp_path / "corpus.jsonl.gz"), 4)
    for baseline in (plain_tfidf(papers, k=1), stock_lsa(papers, k=1)):
        assert set(baseline) == {p.slug for p in papers}
        assert category_share(papers, baseline) == 1.0  # each paper's nearest is of its own field
    assert category_share(papers, {p.slug: () for p in papers}) == 0.0
    assert bench([4], tmp_path / "corpus.jsonl.gz") == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[-6:] == ["category", "share", "tf-idf", "share", "lsa-256", "share"]
    assert re.fullmatch(r"\s*4(\s+\d+\.\d\d){3}\s+\d+\s+1\.000(\s+\d\.\d{3}){2}", row)


def test_the_benchmark_skips_the_first_papers_of_a_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.jsonl"
    texts = [(GRAPHS, "cs.LG"), (GRAPHS, "cs.DS"), (DIFFUSION, "cs.CV"), (DIFFUSION, "cs.CV")]
    corpus.write_text(
        "".join(
            json.dumps({"id": f"2501.0000{i}", "title": f"Paper {i}", "summary": text, "categories": [category]}) + "\n"
            for i, (text, category) in enumerate(texts, 1)
        ),
        encoding="utf-8",
    )
    assert bench([2], corpus, skip=2) == 0  # the two diffusion papers, of one category
    assert bench([2], corpus) == 0  # the two graph papers, of two
    first, second = (line.split()[-3:] for line in capsys.readouterr().out.splitlines() if line.split()[0] == "2")
    assert first == ["1.000"] * 3
    assert second == ["0.000"] * 3
