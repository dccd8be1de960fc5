"""Related papers: similarity, determinism, ties, the built pages' lists, and the benchmark command."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import synthesize
from benchmarks.related_bench import bench
from generator.content.collection import load_collection, page_paths
from generator.core.model import Paper
from generator.core.site_config import load_site_config
from generator.taxonomy import related
from generator.taxonomy.related import RELATED_COUNT, SCORE_DECIMALS, _kth_lower_bound, _matrix, related_papers
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


# --------------------------------------------------------------------------- exactness
#
# The specification: every pair's score from the whole sparse product of the matrix with its
# transpose, rounded, each row ranked by score, then by slug; the paper itself and zero scores
# left out. ``related_papers`` computes far fewer scores; it must give these lists exactly.


def reference(
    papers: list[Paper], topics: dict[str, tuple[str, ...]], k: int = RELATED_COUNT
) -> dict[str, tuple[str, ...]]:
    ordered = sorted(papers, key=lambda p: p.slug)
    if len(ordered) < 2:
        return {p.slug: () for p in ordered}
    x, _ = _matrix(ordered, topics)
    scores = np.round((x @ x.T.tocsc()).toarray(), SCORE_DECIMALS)
    np.fill_diagonal(scores, 0)
    columns = np.arange(len(ordered))
    out = {}
    for i, p in enumerate(ordered):
        ranked = [j for j in np.lexsort((columns, -scores[i])) if scores[i, j] > 0][:k]
        out[p.slug] = tuple(ordered[j].slug for j in ranked)
    return out


VOCABULARY = [
    *("graph", "attention", "sparse", "kernel", "token", "decoder", "sampler", "quantum", "protein", "lattice"),
    *("retrieval", "agent", "reward", "gradient", "tensor", "cache", "memory", "vision", "speech", "robot"),
]
TOPIC_NAMES = ("Agents", "Vision", "Efficiency", "Theory")


def random_collection(n: int, seed: int) -> tuple[list[Paper], dict[str, tuple[str, ...]]]:
    """Papers from a small vocabulary, so that many pairs share words and many scores tie:
    repeated abstracts, papers of stop words only, papers without topics, repeated topic sets."""
    rng = random.Random(seed)
    papers, topics = [], {}
    abstracts: list[str] = []
    for i in range(n):
        slug = f"p{rng.randrange(10**6):06d}-{i}"
        if abstracts and rng.random() < 0.15:
            abstract = rng.choice(abstracts)
        elif rng.random() < 0.08:
            abstract = "The and of it is."  # no word survives
        else:
            abstract = " ".join(rng.choices(VOCABULARY, k=rng.randint(1, 12)))
        abstracts.append(abstract)
        title = "A study" if rng.random() < 0.1 else " ".join(rng.choices(VOCABULARY, k=rng.randint(1, 3)))
        papers.append(paper(slug, title, abstract))
        if rng.random() < 0.8:
            topics[slug] = tuple(rng.sample(TOPIC_NAMES, rng.randint(1, 3)))
    return papers, topics


@pytest.mark.parametrize("seed", range(4))
def test_lists_are_those_of_the_whole_product(seed: int) -> None:
    papers, topics = random_collection(300, seed)
    assert related_papers(papers, topics) == reference(papers, topics)


def test_lists_do_not_depend_on_blocks_lookup_tables_or_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    papers, topics = random_collection(200, seed=11)
    expected = reference(papers, topics)
    monkeypatch.setattr(related, "BLOCK_ROWS", 7)
    monkeypatch.setattr(related, "BLOCK_PAIRS", 50)
    monkeypatch.setattr(related, "_DENSE_LOOKUP", 0)  # the binary-search lookups
    monkeypatch.setattr(related, "_SEGMENTS", 2)  # weaker bounds: more pairs finished
    assert related_papers(papers, topics) == expected
    assert related_papers(papers, topics, k=1) == reference(papers, topics, k=1)
    assert related_papers(papers, topics, k=12) == reference(papers, topics, k=12)


def test_synthetic_seed_collection_matches_the_whole_product() -> None:
    papers = synthesize(SEEDS, 700, seed=3)
    topics = assign_topics(papers, load_site_config(ROOT / "site_config.yml").taxonomy)
    assert related_papers(papers, topics) == reference(papers, topics)


_words = st.lists(st.sampled_from([*VOCABULARY[:8], "the", "of"]), max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(_words, _words, st.lists(st.sampled_from(TOPIC_NAMES[:3]), max_size=3, unique=True)),
        max_size=14,
    )
)
def test_small_collections_match_the_whole_product(rows: list[tuple[str, str, list[str]]]) -> None:
    papers = [paper(f"p{i:02d}", title, abstract) for i, (title, abstract, _) in enumerate(rows)]
    topics = {f"p{i:02d}": tuple(names) for i, (_, _, names) in enumerate(rows)}
    assert related_papers(papers, topics) == reference(papers, topics)


def test_a_shared_topic_outranks_a_passing_word_and_loses_to_a_shared_subject() -> None:
    papers = [
        paper("a", "Quokka locomotion", "Quokkas hop across islands using elastic tendons and strong hind legs."),
        paper("b", "Legged robots", "Actuators mimic tendons in walking machines built from aluminium."),
        paper("c", "Wombat burrows", "Wombats dig deep burrows under eucalyptus forests."),
        paper("d", "Quokka hopping", "Quokkas hop across islands using elastic tendons and hind legs."),
    ]
    topics = {"a": ("Marsupials",), "c": ("Marsupials",)}
    related_lists = related_papers(papers, topics)
    assert related_lists["a"] == ("d", "c", "b")  # d says the same, c shares the topic, b one word
    assert related_lists["c"] == ("a",)  # no word in common with anyone: only the topic
    assert related_lists == reference(papers, topics)


def test_papers_sharing_only_topics_come_in_slug_order_after_word_neighbours() -> None:
    unique = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    papers = [
        paper(f"t-{i}", f"{w} zulu{i}", f"{w}s yankee{i}") for i, w in zip((5, 3, 1, 4, 2, 7, 6), unique, strict=True)
    ]
    papers.append(paper("z", "charlie tango", "charlies tango"))  # shares words with t-1 only
    topics = {p.slug: ("Cats", "Dogs") for p in papers}
    related_lists = related_papers(papers, topics)
    assert related_lists["t-1"] == ("z", "t-2", "t-3", "t-4", "t-5")
    assert related_lists["t-4"] == ("t-1", "t-2", "t-3", "t-5", "t-6")
    assert related_lists["z"] == ("t-1", "t-2", "t-3", "t-4", "t-5")
    assert related_lists == reference(papers, topics)


def test_word_neighbours_are_not_listed_twice_when_they_are_the_first_of_their_topic() -> None:
    papers = [paper(f"m-{c}", f"{c}{c} subject", f"Text about {c}{c}{c}.") for c in "abcdefg"]
    papers[0] = paper("m-a", "Shared subject", "Shared words about kangaroos.")
    papers[1] = paper("m-b", "Shared subject", "Shared words about kangaroos and more.")
    papers[3] = paper("m-d", "Shared subject", "Shared words about kangaroos.")
    topics = {p.slug: ("Marsupials",) for p in papers}
    related_lists = related_papers(papers, topics)
    assert set(related_lists["m-d"][:2]) == {"m-a", "m-b"}
    assert related_lists["m-d"][2:] == ("m-c", "m-e", "m-f")
    assert related_lists == reference(papers, topics)


def test_papers_without_words_are_related_by_their_topics() -> None:
    papers = [
        paper("a", "The", "It is of the."),
        paper("b", "A", "And the."),
        paper("c", "Kangaroo pouches", "Kangaroos carry joeys."),
        paper("d", "Of", "The."),
    ]
    topics = {"a": ("Marsupials",), "b": ("Marsupials",), "c": ("Marsupials",), "d": ()}
    related_lists = related_papers(papers, topics)
    assert related_lists["a"] == ("b", "c")  # a topic-only row: its whole score is the topic
    assert related_lists["c"] == ("a", "b")
    assert related_lists["d"] == ()
    assert related_lists == reference(papers, topics)
    wordless = [paper(s, "The", "Of the.") for s in "qpr"]  # no word at all in the collection
    assert related_papers(wordless, {"p": ("Cats",), "r": ("Cats",)}) == {"p": ("r",), "q": (), "r": ("p",)}


def test_papers_without_topics_are_related_by_their_words() -> None:
    papers = [paper(s, "Kangaroo pouches", f"Kangaroos carry joeys {s}.") for s in ("k1", "k2", "k3")]
    papers.append(paper("w", "Wombat burrows", "Wombats dig."))
    topics = {"k1": ("Marsupials",), "w": ("Marsupials",)}
    related_lists = related_papers(papers, topics)
    # k1's words weigh less in its row, which also holds its topic: k3 is the closer of the two.
    assert related_lists["k2"] == ("k3", "k1")
    assert related_lists["w"] == ("k1",)
    assert related_lists == reference(papers, topics)


def test_kth_lower_bound_is_at_most_each_rows_kth_largest() -> None:
    rng = np.random.default_rng(5)
    lengths = rng.integers(0, 700, size=60)
    lengths[:3] = (0, 1, 4)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    values = rng.random(int(indptr[-1]), dtype=np.float32)
    for k in (1, 5, 6):
        bound = _kth_lower_bound(values, indptr, k)
        for row, (lo, hi) in enumerate(itertools.pairwise(indptr)):
            if hi - lo < k:
                assert bound[row] == -np.inf
            else:
                assert bound[row] <= np.sort(values[lo:hi])[-k]
