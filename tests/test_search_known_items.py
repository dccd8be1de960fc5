"""Known-item search on real-shaped titles: a paper named by an ordinary word, a word cut short
anywhere in the query, fragments with digits, a misspelling inside a hyphenated compound, and
what a query downloads.

The fixture (tests/fixtures/known-items/) is nine papers written for these tests: "Bridge: ..."
and "Mirror: ..." each among papers whose titles merely contain the word, more often.
"""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.content.collection import load_collection
from generator.core.model import sort_key
from generator.search.index import KEYS_FILE, file_of, index_files, lead_words
from tests.conftest import copy_project, mkdocs_build, serve

FIXTURE = Path(__file__).parent / "fixtures" / "known-items"

# query -> the paper that must come first
FIRST = {
    "bridge": "bridge",
    "mirror": "mirror",
    "3d-aware": "scene-generation",
    "3d aware": "scene-generation",
    "3d-aware generation": "scene-generation",
    "quantizatio llm": "quantization",
    "diffusio models": "diffusion-video",
    "diffusio video editing": "diffusion-video",
    "vision-language": "vision-language",
    "post-training quant": "quantization",
}
# misspelt query -> (the paper first, what the results say was searched)
CORRECTED = {
    "vision-langauge models": ("vision-language", "vision language models"),
    "brigde transferring": ("bridge", "bridge transferring"),
}


def test_a_papers_name_is_before_its_colon_or_its_first_word() -> None:
    assert lead_words("Bridge: Transferring Skills") == ["bridge"]
    assert lead_words("Follow Your Pose: Pose-Guided Video") == ["follow", "your", "pose"]
    assert lead_words("Follow Anything in Any Video") == ["follow"]
    # a colon after a sentence names nothing: the first word does
    assert lead_words("How well do large language models reason about time: a study") == ["how"]


def test_a_word_names_the_papers_it_names_not_those_of_its_stem() -> None:
    """ "bridge" and "bridging" share a stem; the paper named "Bridge" is named by "bridge" alone."""
    collection = load_collection(sorted(FIXTURE.glob("*.md")))
    papers = sorted(collection.papers, key=sort_key)
    files = {k.rsplit("/", 1)[1]: v for k, v in index_files(papers, {}).items()}
    keys = json.loads(gzip.decompress(files[KEYS_FILE]))
    slugs = [p.slug for p in papers]

    def names(word: str) -> list[str]:
        terms = json.loads(gzip.decompress(files[f"t{file_of(keys, word)}.bin"]))
        _bonus, *gaps = terms["names"].get(word, [0])
        return [slugs[d] for d in itertools.accumulate(gaps, initial=-1)][1:]

    assert names("bridge") == ["bridge"]
    assert names("bridging") == ["bridging-gaps"]
    assert names("mirror") == ["mirror"]
    assert names("3daware") == names("3d") == names("aware") == ["scene-generation"]


@pytest.fixture(scope="module")
def known_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("known")
    project = copy_project(root / "project", papers=False)
    for paper in FIXTURE.glob("*.md"):
        shutil.copy(paper, project / "content" / "papers" / paper.name)
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    server, url = serve(site)
    yield url
    server.shutdown()


def _ask(page: Any, query: str) -> dict[str, Any]:
    page.locator("input.md-search__input").fill(query)
    page.wait_for_function(
        "q => document.querySelector('[data-ps-search-results]').dataset.psComplete === q", arg=query, timeout=15000
    )
    hrefs = page.locator(".md-search-result__item a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    line = page.locator("[data-ps-search-corrected] em")
    return {"first": hrefs[0], "searched": line.inner_text() if line.is_visible() else None}


@pytest.mark.slow
@pytest.mark.browser
def test_known_items_come_first(page: Any, known_url: str) -> None:
    page.goto(known_url)
    page.keyboard.press("/")
    missed = {}
    for query, slug in FIRST.items():
        got = _ask(page, query)
        if got != {"first": f"/papers/{slug}/", "searched": None}:
            missed[query] = got
    for query, (slug, searched) in CORRECTED.items():
        got = _ask(page, query)
        if got != {"first": f"/papers/{slug}/", "searched": searched}:
            missed[query] = got
    assert missed == {}
    assert page.console_errors == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_corrector_loads_only_for_an_unknown_word(page: Any, known_url: str) -> None:
    """A query whose words the index knows (or begins) fetches neither the corrections module
    nor the vocabulary; a misspelt word fetches both."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(known_url)
    page.keyboard.press("/")
    _ask(page, "bridge networ")
    corrector = [u for u in requested if "search-corrections" in u or "search-typos/" in u]
    assert corrector == []
    assert _ask(page, "brigde")["searched"] == "bridge"
    assert any(u.endswith("/assets/search-corrections.js") for u in requested)
    assert any("/assets/search-typos/" in u for u in requested)
    assert page.console_errors == []
