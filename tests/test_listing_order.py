"""A day is shown in its listing's order (``rank``), on the home page, the day's archive page and
the feed; papers without a rank follow the ranked ones (``model.sort_key``)."""

from __future__ import annotations

import re
from pathlib import Path

from generator.content.collection import load_collection, page_paths
from generator.stage import stage
from tests.conftest import copy_project


def _slugs(text: str) -> list[str]:
    """Paper slugs in the order a staged file links them, each once."""
    return list(dict.fromkeys(re.findall(r"papers/([a-z0-9-]+)/", text)))


def test_a_day_reads_in_the_listings_order(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    papers = load_collection(page_paths(project / "content" / "papers")).papers
    newest = max(p.date for p in papers)
    day = [p for p in papers if p.date == newest]
    assert any(p.rank is not None for p in day)
    ranked = sorted(day, key=lambda p: (p.rank is None, p.rank or 0))
    # An unranked paper of the day, to see it follow the ranked ones.
    (project / "content" / "papers" / "an-unranked-paper.md").write_text(
        f"---\ntitle: Aardvarks First in the Alphabet\ndate: {newest.isoformat()}\n---\n\nNo rank.\n", "utf-8"
    )
    expected = [p.slug for p in ranked if p.rank is not None] + ["an-unranked-paper"]
    out = tmp_path / "stage"
    assert stage(project / "mkdocs.yml", out).problems == {}
    for name in ("index.md", f"archive/{newest.isoformat()}.md", "feeds/atom.xml"):
        shown = [s for s in _slugs((out / name).read_text(encoding="utf-8")) if s in set(expected)]
        assert shown == expected, name
