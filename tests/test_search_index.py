"""The search index as files: pure, deterministic, few files, and an edit rewrites a few of them."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.corpus import seed_papers, synthesize
from generator.content.collection import load_collection
from generator.core.model import sort_key
from generator.search.index import (
    DOCS_PER_FILE,
    EXCERPT_TEXT_CHARS,
    INDEX_DIR,
    KEYS_FILE,
    file_of,
    index_files,
    stem,
)
from tests.conftest import FIXTURE_PAPERS

TYPOS = Path(__file__).parent / "fixtures" / "typos"


def _papers(folder: Path) -> list[Any]:
    collection = load_collection(sorted(folder.glob("*.md")))
    assert not collection.broken
    return sorted(collection.papers, key=sort_key)


def _unpacked(files: dict[str, bytes]) -> dict[str, Any]:
    return {
        name.removeprefix(INDEX_DIR + "/"): json.loads(gzip.decompress(data) if name.endswith(".bin") else data)
        for name, data in files.items()
    }


def _postings(index: dict[str, Any], word: str) -> dict[int, int]:
    """paper -> score for ``word``, looked up as the browser does: the heaviest papers with
    their scores from the terms file, the rest (its tail) with the tail's score."""
    terms = index[f"t{file_of(index[KEYS_FILE], word)}.bin"]
    flat = terms["words"]
    stems = {flat[i]: flat[i + 1] or flat[i] for i in range(0, len(flat), 2)}
    if word not in stems:
        return {}
    forms, count, top, tail_score, tail = terms["stems"][stems[word]]
    assert word in forms
    docs = itertools.accumulate(top[::2], initial=-1)
    next(docs)
    found = dict(zip(docs, top[1::2], strict=True))
    if tail >= 0:
        found.update(dict.fromkeys(_tail_docs(index[f"x{tail}.bin"][stems[word]]), tail_score))
    assert len(found) == count
    return found


def _tail_docs(tail: list[int] | str) -> list[int]:
    if isinstance(tail, list):
        return list(itertools.accumulate(tail, initial=-1))[1:]
    bits = np.unpackbits(np.frombuffer(base64.b64decode(tail), dtype=np.uint8), bitorder="little")
    return np.flatnonzero(bits).tolist()


def test_the_same_papers_give_the_same_bytes() -> None:
    papers = _papers(TYPOS)
    assert index_files(papers, {}) == index_files(list(papers), {})
    assert all(len(data) < 64 * 1024 for data in index_files(papers, {}).values())


def test_papers_are_numbered_newest_first_with_their_record() -> None:
    papers = _papers(FIXTURE_PAPERS)
    index = _unpacked(index_files(papers, {}))
    meta = index["meta.json"]
    assert meta["docs"] == len(papers)
    records = [r for n in range(-(-len(papers) // DOCS_PER_FILE)) for r in index[f"d{n}.bin"]]
    assert [r[0] for r in records] == [f"papers/{p.slug}/" for p in papers]
    assert [r[1] for r in records] == [p.title for p in papers]  # as written: the box typesets math
    assert [r[2] for r in records] == [p.date.isoformat() for p in papers]


def test_stems_join_the_forms_of_a_word() -> None:
    assert stem("models") == stem("model") == stem("modeling")
    papers = _papers(TYPOS)
    index = _unpacked(index_files(papers, {}))
    assert _postings(index, "diffusion")  # the fixture has a paper about it
    word_docs = {w: set(_postings(index, w)) for w in ("diffusion", "splatting")}
    for word, docs in word_docs.items():
        holders = {i for i, p in enumerate(papers) if word in (p.title + " " + p.abstract).lower()}
        assert docs >= holders, word


def test_a_word_in_the_title_scores_above_the_same_word_in_the_abstract() -> None:
    base = _papers(TYPOS)[0]
    in_title = dataclasses.replace(base, slug="quokka-in-title", title="Quokka counting", abstract="We count animals.")
    in_text = dataclasses.replace(base, slug="quokka-in-text", title="Counting animals", abstract="We count quokka.")
    index = _unpacked(index_files([in_title, in_text], {}))
    scores = _postings(index, "quokka")
    assert scores[0] > scores[1] > 0


def test_an_edit_rewrites_a_few_files() -> None:
    papers = _papers(TYPOS)
    before = index_files(papers, {})
    edited = list(papers)
    edited[3] = dataclasses.replace(papers[3], abstract=papers[3].abstract + " Zymurgy.")
    after = index_files(edited, {})
    assert before.keys() == after.keys()
    changed = {name for name in before if before[name] != after[name]}
    names = {name.removeprefix(INDEX_DIR + "/") for name in changed}
    assert "meta.json" in names and f"d{3 // DOCS_PER_FILE}.bin" in names
    assert len(names) <= 6, names  # meta, the paper's record, its new word and stem, little else
    assert _postings(_unpacked(after), "zymurgy") == {3: _postings(_unpacked(after), "zymurgy")[3]}


@pytest.mark.slow
def test_files_grow_far_slower_than_papers() -> None:
    """No file per paper: at 2,000 papers the words and their papers are a tenth of a file per
    paper, the papers' records one file per ``DOCS_PER_FILE``, and no file grows with the
    collection beyond its cap."""
    papers = sorted(synthesize(seed_papers(), 2000), key=sort_key)
    files = index_files(papers, {})
    assert sum(not name.split("/")[-1].startswith("d") for name in files) < len(papers) / 10
    assert max(len(data) for data in files.values()) < 64 * 1024
    assert sum(name.split("/")[-1].startswith("d") for name in files) == -(-len(papers) // DOCS_PER_FILE)


def test_a_result_excerpt_comes_from_the_start_of_the_abstract_and_ranking_from_all_of_it() -> None:
    """The papers files hold the abstract's first ``EXCERPT_TEXT_CHARS`` characters, cut at a
    space; a word after them still finds the paper."""
    base = _papers(FIXTURE_PAPERS)[0]
    long = dataclasses.replace(base, slug="long-one", abstract=("Opening words here. " * 80) + "zymurgical ending.")
    short = dataclasses.replace(base, slug="short-one", abstract="A short abstract.")
    index = _unpacked(index_files([long, short], {}))
    kept_long, kept_short = (record[4] for record in index["d0.bin"])
    assert len(kept_long) <= EXCERPT_TEXT_CHARS and long.abstract.startswith(kept_long)
    assert kept_long.endswith("here.") and "zymurgical" not in kept_long
    assert kept_short == "A short abstract."
    assert set(_postings(index, "zymurgical")) == {0}
