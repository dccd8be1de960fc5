"""The listing reader on the seed listing and on malformed listings (golden files beside them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.readers.hf_listing import ListingError, read_listing
from tests.golden import SEED, cases, render, snapshot


@pytest.mark.parametrize(("listing", "expected"), cases(), ids=lambda p: p.name)
def test_reader_matches_golden(listing: Path, expected: Path) -> None:
    assert render(snapshot(listing)) == expected.read_text(encoding="utf-8"), (
        f"{listing.name} no longer reads as {expected.name}; if intended, run 'make golden' and review the diff"
    )


def test_seed_has_91_papers_on_july_8_2025() -> None:
    result = read_listing(SEED.read_text(encoding="utf-8"), year=2025)
    assert len(result.papers) == 91
    assert result.problems == []
    assert {p.date.isoformat() for p in result.papers} == {"2025-07-08"}
    assert len({p.slug for p in result.papers}) == 91
    # Titles and abstracts are exactly the listing's lines (after cleanup) — checked line by line.
    lines = [line for line in SEED.read_text(encoding="utf-8").split("\n")[10:] if line.strip()]
    assert len(lines) == 182
    first = result.papers[0]
    assert first.title == "Mélange: Cost Efficient Large Language Model Serving by Exploiting GPU Heterogeneity"
    assert first.abstract.startswith("Large language models (LLMs) are increasingly integrated")
    assert "We then present Mélange, a framework" in first.abstract
    assert first.code == "https://github.com/tyler-griggs/melange-release"
    for paper, (title, abstract) in zip(result.papers, zip(lines[0::2], lines[1::2], strict=True), strict=True):
        assert paper.title == title.strip() or "\\" in title
        assert len(paper.abstract) > 0.9 * len(abstract)


def test_seed_cleanup_on_real_records() -> None:
    papers = {p.slug: p for p in read_listing(SEED.read_text(encoding="utf-8"), year=2025).papers}
    by_title = {p.title.split(":")[0]: p for p in papers.values()}
    assert "up to a 10× reduction" in by_title["ProNeRF"].abstract
    scatter = next(p for p in papers.values() if p.code and "ScatterFormer" in p.code)
    assert scatter.code == "https://github.com/skyhehe123/ScatterFormer"
    assert "ScatterFormer{" not in scatter.abstract
    medsam = next(p for p in papers.values() if p.code and "MCP-MedSAM" in p.code)
    assert medsam.code == "https://github.com/dong845/MCP-MedSAM"
    assert all("\\" not in p.abstract and "{" not in p.abstract for p in papers.values())
    spare = next(p for p in papers.values() if any("sparebenchmark" in link.url for link in p.links))
    assert spare.links[0].label == "Project page"


def test_missing_year_is_an_error_not_a_guess() -> None:
    with pytest.raises(ListingError, match=r"line 9: .*no year.*--year"):
        read_listing(SEED.read_text(encoding="utf-8"), year=None)


def test_year_in_the_date_line_is_used() -> None:
    text = "Dec 31, 2024\n\nA Title\n\n" + "An abstract sentence that is long enough. " * 8
    result = read_listing(text, year=None)
    assert [p.date.isoformat() for p in result.papers] == ["2024-12-31"]


def test_malformed_records_keep_good_ones() -> None:
    expected = json.loads(
        (Path(__file__).parent / "fixtures/listings/two-abstracts-in-a-row.expected.json").read_text()
    )
    assert [p["title"] for p in expected["papers"]] == ["First Paper", "Third Paper"]
    assert expected["problems"][0]["line"] == 7


def test_rank_is_the_place_in_its_day() -> None:
    """Each record's rank counts from 1 on every listing date, in the listing's order."""
    abstract = "An abstract sentence that is long enough to be one. " * 6
    text = "".join(
        f"{day}\n\n" + "".join(f"Paper {day} {n}\n\n{abstract}\n\n" for n in range(1, count + 1))
        for day, count in (("Jul 8", 3), ("Jul 7", 2))
    )
    result = read_listing(text, year=2025)
    assert [(p.date.day, p.rank) for p in result.papers] == [(8, 1), (8, 2), (8, 3), (7, 1), (7, 2)]
