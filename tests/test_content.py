"""Invariants of the live collection: what must hold for ``content/`` at any size.

The papers are the community's, so nothing here names a paper or counts them: each page is
valid, each becomes exactly one staged page, and the home listing, the feeds and
``papers.json`` agree with each other and with the pages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.content.collection import load_collection, page_paths
from generator.stage import stage
from tests.conftest import ROOT, read_export

PAGES = sorted(p.stem for p in page_paths(ROOT / "content" / "papers"))


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("live") / "stage"
    report = stage(ROOT / "mkdocs.yml", out)
    assert report.problems == {}, report.lines()
    assert report.papers == len(PAGES)
    return out


def test_every_page_reads_and_is_staged_exactly_once(staged: Path) -> None:
    collection = load_collection(page_paths(ROOT / "content" / "papers"))
    assert collection.broken == {}
    assert sorted(p.stem for p in (staged / "papers").glob("*.md")) == PAGES


def test_home_feeds_and_export_agree(staged: Path) -> None:
    data = read_export(staged)
    slugs = [p["slug"] for p in data["papers"]]
    assert data["count"] == len(slugs) == len(PAGES) and sorted(slugs) == PAGES
    home = [staged / "index.md", *sorted((staged / "page").glob("*.md"), key=lambda p: int(p.stem))]
    listed = [
        s for page in home for s in re.findall(r'class="ps-item-title" href="[./]*papers/([^/"]+)/"', page.read_text())
    ]
    assert listed == slugs  # every paper once, in the site-wide order
    feed = json.loads((staged / "feeds" / "feed.json").read_text(encoding="utf-8"))
    assert [item["url"] for item in feed["items"]] == [p["url"] for p in data["papers"]][: len(feed["items"])]


def test_a_papers_cached_hash_stays_in_its_process() -> None:
    """Papers cache their hash; pickled to a process that hashes strings differently (the
    related papers' child), a paper must hash as an equal paper made there."""
    import datetime as dt
    import pickle
    import subprocess
    import sys

    from generator.core.model import Paper

    paper = Paper(slug="a-b", title="A title", date=dt.date(2025, 7, 8), authors=("Ada",), tags=("x",))
    assert hash(paper) == hash(
        Paper(slug="a-b", title="A title", date=dt.date(2025, 7, 8), authors=("Ada",), tags=("x",))
    )
    check = (
        "import pickle, sys, datetime as dt; from generator.core.model import Paper; "
        "p = pickle.loads(sys.stdin.buffer.read()); "
        "q = Paper(slug='a-b', title='A title', date=dt.date(2025, 7, 8), authors=('Ada',), tags=('x',)); "
        "assert p == q and hash(p) == hash(q) and {q: 1}[p] == 1"
    )
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", check],
            input=pickle.dumps(paper),
            env={"PYTHONHASHSEED": seed, **_env()},
            check=False,
        )
        assert run.returncode == 0


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
