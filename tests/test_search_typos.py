"""Typo tolerance and the lazily loaded engine, on a small site of known papers.

The fixture (tests/fixtures/typos/) is twenty papers written for these tests: each misspelt
query below names the paper it is about, and "case" is made frequent on purpose, so that "kv
cashe" must use the other word of the query to choose "cache" over "case".
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from symspellpy import SymSpell, Verbosity

from generator.content.collection import load_collection
from generator.core.site_config import load_site_config
from generator.core.words import search_words as words
from generator.search.typos import (
    EDITS,
    MAX_WORD,
    MIN_WORD,
    PREFIX,
    TYPOS_DIR,
    bucket,
    deletions,
    paper_text,
    typo_files,
    vocabulary,
)
from generator.taxonomy.topics import assign_topics
from tests.conftest import ROOT, copy_project, mkdocs_build, serve

FIXTURE = Path(__file__).parent / "fixtures" / "typos"

# misspelt query -> (the paper it is about, what the results must say was searched)
MISSPELT = {
    "difusion": ("denoising-diffusion", "diffusion"),
    "gausian splatting": ("gaussian-splatting", "gaussian splatting"),
    "flashatention": ("flashattention", "flashattention"),
    "architecure search": ("architecture-search", "architecture search"),
    "kv cashe": ("kv-cache", "kv cache"),
    "protien structure": ("protein-structure", "protein structure"),
    "constrastive learning": ("contrastive-learning", "contrastive learning"),
    "radiance feild": ("gaussian-splatting", "radiance field"),
    "retreival augmented": ("retrieval-augmented", "retrieval augmented"),
    "mixtrue of experts": ("mixture-of-experts", "mixture of experts"),
    "speculatve decoding": ("speculative-decoding", "speculative decoding"),
    "moleculle property": ("molecule-property", "molecule property"),
    "visoin transformers": ("vision-transformer", "vision transformers"),
    "hallucnation": ("hallucination", "hallucination"),
    "reinforcment learning human feedback": ("human-feedback", "reinforcement learning human feedback"),
    "architecturesearch": ("architecture-search", "architecture search"),
    "gaus sian splatting": ("gaussian-splatting", "gaussian splatting"),
    "kvcache": ("kv-cache", "kv cache"),
    "diffussion": ("denoising-diffusion", "diffusion"),
    "kv-cashe": ("kv-cache", "kv cache"),
    "text-to-imgae": ("text-to-image", "text to image"),
    "splating gausian": ("gaussian-splatting", "splatting gaussian"),
    # a pasted title: its colon and comma are no words, and do not turn the corrections off
    "FlashAtention: Fast and Memory-Efficient": ("flashattention", "flashattention fast and memory efficient"),
    "Outrageously Large Neural Netwroks: the Sparsely-Gated": (
        "mixture-of-experts",
        "outrageously large neural networks the sparsely gated",
    ),
    "(kv cashe), long-context": ("kv-cache", "kv cache long context"),
}
EXACT = ("diffusion", "gaussian splatting", "attention", "kv cache", "architecture search", "case", "latent")


@pytest.fixture(scope="module")
def typo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("typos")
    project = copy_project(root / "project", papers=False)
    for paper in FIXTURE.glob("*.md"):
        shutil.copy(paper, project / "content" / "papers" / paper.name)
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def typo_url(typo_site: Path) -> Iterator[str]:
    server, url = serve(typo_site)
    yield url
    server.shutdown()


def _fixture_papers() -> list[Any]:
    collection = load_collection(sorted(FIXTURE.glob("*.md")))
    assert not collection.broken
    return list(collection.papers)


# --------------------------------------------------------------------------- the files


def test_vocabulary_files_are_pure_small_and_complete(typo_site: Path) -> None:
    papers = _fixture_papers()
    topics = assign_topics(papers, load_site_config(ROOT / "site_config.yml").taxonomy)
    files = typo_files(papers, topics)
    assert files == typo_files(list(reversed(papers)), topics)  # same papers, same bytes
    meta = json.loads(files[f"{TYPOS_DIR}/meta.json"])
    assert (meta["prefix"], meta["edits"]) == (PREFIX, EDITS)
    assert len(files) == meta["buckets"] + 1
    assert max(len(data) for data in files.values()) < 8 * 1024
    # what the build wrote is what the function returns
    for path, data in files.items():
        assert (typo_site / path).read_bytes() == data, path
    # every word of every paper can be found under each of its deletions, in the file its hash names
    vocab = vocabulary(papers, topics)
    assert {"diffusion", "kv", "cache", "flashattention", "keyvalue"} <= vocab.keys()
    for word in ("diffusion", "splatting", "kv"):
        for key in deletions(word):
            chunk = json.loads(gzip.decompress(files[f"{TYPOS_DIR}/{bucket(key, meta['buckets'])}.bin"]))
            filed = chunk[key]
            assert (word, vocab[word]) in zip(filed[::2], filed[1::2], strict=True)


def test_words_split_like_the_index() -> None:
    assert words("KV-cache, FlashAttention; Über_alles") == [
        "kv",
        "cache",
        "flashattention",
        "über",
        "alles",
        "kvcache",
    ]


def test_deletions_match_symspell() -> None:
    """The deletion keys are SymSpell's: every suggestion symspellpy makes from the same words
    (prefix length and edit distance alike) shares a key with the misspelt word."""
    papers = _fixture_papers()
    vocab = vocabulary(papers, {})
    speller = SymSpell(max_dictionary_edit_distance=EDITS, prefix_length=PREFIX)
    for word, count in vocab.items():
        speller.create_dictionary_entry(word, count)
    for typo in ("difusion", "gausian", "architecure", "cashe", "protien", "feild", "moleculle"):
        suggestions = speller.lookup(typo, Verbosity.CLOSEST, max_edit_distance=EDITS)
        assert suggestions, typo
        for s in suggestions:
            assert deletions(typo) & deletions(s.term), (typo, s.term)


# --------------------------------------------------------------------------- in the browser


def _ask(page: Any, query: str) -> dict[str, Any]:
    box = page.locator("input.md-search__input")
    box.fill(query)
    page.wait_for_function(
        "q => document.querySelector('[data-ps-search-results]').dataset.psComplete === q", arg=query, timeout=15000
    )
    hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    line = page.locator("[data-ps-search-corrected]")
    return {"top": hrefs[:3], "corrected": line.inner_text() if line.is_visible() else None}


def _engine_top(page: Any, query: str) -> list[str]:
    """The engine's own answer, as the box gave it before typo tolerance."""
    return page.evaluate(
        """async q => {
            const pf = await import('/assets/search-engine.js');
            await pf.options({ baseUrl: '/' });
            const answer = await pf.search(q);
            return Promise.all(answer.results.slice(0, 3).map(async r => (await r.data()).url));
        }""",
        query,
    )


@pytest.mark.browser
def test_misspelt_queries_find_their_paper(page: Any, typo_url: str) -> None:
    page.goto(typo_url)
    page.keyboard.press("/")
    missed = {}
    for query, (slug, searched) in MISSPELT.items():
        got = _ask(page, query)
        if f"/papers/{slug}/" not in got["top"] or got["corrected"] != f"Showing results for {searched}":
            missed[query] = got
    assert missed == {}
    line = page.locator("[data-ps-search-corrected] em")
    assert line.inner_text() == list(MISSPELT.values())[-1][1]  # the last correction, in its own element
    assert page.console_errors == []


@pytest.mark.browser
def test_exact_queries_rank_as_the_engine_does(page: Any, typo_url: str) -> None:
    page.goto(typo_url)
    page.keyboard.press("/")
    for query in EXACT:
        got = _ask(page, query)
        assert got["corrected"] is None, query
        assert got["top"] == _engine_top(page, query), query
    assert page.console_errors == []


@pytest.mark.browser
def test_math_in_a_result_title_is_typeset(page: Any, typo_url: str) -> None:
    page.goto(typo_url)
    page.keyboard.press("/")
    _ask(page, "avoid")
    title = page.locator(".md-search-result__item h1").first
    title.locator(".katex").first.wait_for(timeout=10000)
    assert "$" not in title.inner_text()
    assert page.console_errors == []


@pytest.mark.browser
def test_a_page_view_downloads_no_search_engine(page: Any, typo_url: str) -> None:
    """The engine loads on the first sign of a search, not with the page; the vocabulary only
    for a word the index does not know."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(typo_url + "papers/denoising-diffusion/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(3500)  # longer than any idle-time loading would wait
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(500)
    assert [u for u in requested if "search-engine" in u or "search-index" in u or "search-typos" in u] == []
    with page.expect_request(lambda r: r.url.endswith("/assets/search-index/meta.json")):
        page.locator("input.md-search__input").hover()
    assert any(u.endswith("/assets/search-engine.js") for u in requested)
    assert not any(TYPOS_DIR in u or "search-corrections" in u for u in requested)
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.parametrize("how", ["shortcut", "focus"])
def test_engine_loads_on_the_shortcut_or_focus(page: Any, typo_url: str, how: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(typo_url + "about/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "search-engine" in u or "search-index" in u]
    with page.expect_request(lambda r: r.url.endswith("/assets/search-index/meta.json")):
        if how == "shortcut":
            page.keyboard.press("/")
        else:
            page.locator("input.md-search__input").focus()
    _ask(page, "difusion")
    assert page.locator(".md-search-result__item").count() >= 1
    assert page.console_errors == []


def test_vocabulary_kept_between_calls_equals_a_fresh_count() -> None:
    """The running counts (an edit changes one paper) give what counting afresh gives."""
    papers = _fixture_papers()
    first = vocabulary(papers, {})
    edited = [dataclasses.replace(papers[0], abstract=papers[0].abstract + " quokkaword"), *papers[2:]]
    again = vocabulary(edited, {})
    fresh: Counter[str] = Counter()
    for paper in edited:
        fresh.update(words(paper_text(paper, ())))
    assert again == Counter({w: n for w, n in fresh.items() if MIN_WORD <= len(w) <= MAX_WORD and not w.isdigit()})
    assert again["quokkaword"] == 1 and "quokkaword" not in first


@pytest.mark.browser
def test_each_paper_is_first_for_its_own_title(page: Any, typo_url: str) -> None:
    page.goto(typo_url)
    page.keyboard.press("/")
    missed = {}
    for paper in _fixture_papers():
        query = " ".join(words(paper.title))
        got = _ask(page, query)
        if not got["top"] or got["top"][0] != f"/papers/{paper.slug}/":
            missed[query] = got
    assert missed == {}
    assert page.console_errors == []
