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


LISTINGS = Path(__file__).parent / "fixtures" / "listings"
CHROME_WORDS = ("[PDF]", "[Code]", "BibTeX", "(Oral)", "(Spotlight)", "Read more", "Show less", "Previous", "©")
LABELS = ("Title:", "Authors:", "arXiv:", "Comments:", "Categories:", "Subjects:", "Journal-ref:", "Venue:", "Code:")


def test_page_chrome_is_dropped_and_reported_by_line() -> None:
    """A listing copied with its page's furniture: every piece is reported where it was, none
    ends up in a title or an abstract, and the three records are read whole."""
    text = (LISTINGS / "foreign-chrome.txt").read_text(encoding="utf-8")
    result = read_listing(text, year=2025)
    assert [p.title for p in result.papers] == [
        "Sparse Mixtures of Experts at Small Scale",
        "Quantized Attention Kernels Revisited",
        "Retrieval Heads in Long-Context Models",
    ]
    for paper in result.papers:
        for word in CHROME_WORDS:
            assert word not in paper.title and word not in paper.abstract, (paper.slug, word)
    reported = {p.line for p in result.problems}
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        if any(word in line for word in (*CHROME_WORDS, "Sign in", "Home |", "Privacy")):
            assert number in reported, (number, line)
    assert all(not p.skipped and "chrome" in p.message for p in result.problems)


def test_labelled_fields_are_read_or_reported_never_left_in_the_abstract() -> None:
    text = (LISTINGS / "arxiv-labelled.txt").read_text(encoding="utf-8")
    result = read_listing(text, year=2025)
    # Three records follow each other without a blank line: each Title: starts one.
    assert [p.title.split(":")[0] for p in result.papers] == ["QLoRA", "GPTQ", "SmoothQuant", "AWQ"]
    qlora, gptq, smooth, awq = result.papers
    assert (qlora.arxiv, qlora.category, qlora.authors[-1]) == ("2305.14314", "cs.LG", "Luke Zettlemoyer")
    assert (gptq.arxiv, gptq.category, len(gptq.authors)) == ("2210.17323", "cs.LG", 4)
    assert awq.code == "https://github.com/mit-han-lab/llm-awq" and smooth.arxiv is None
    for paper in result.papers:
        assert not any(label.casefold() in (paper.title + paper.abstract).casefold() for label in LABELS)
    ignored = {(p.line, p.message.split(":")[0]) for p in result.problems}
    assert ignored == {(7, "Comments"), (8, "Journal-ref"), (11, "Venue"), (21, "Venue")}


def test_a_repeated_id_in_other_spellings_is_imported_once_with_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2305.14314v2, arXiv:2305.14314 and an abs URL are one paper: imported once from its first
    record (the rule is said), with what the repeats add, and each repeat names both lines."""
    from generator.cli import main
    from generator.content.pages import read_page

    listing = LISTINGS / "duplicate-ids.txt"
    out = tmp_path / "papers"
    assert main(["import", str(listing), "--year", "2025", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "2 new, 0 unchanged, 0 skipped, 0 errors"
    for line, filled in ((8, "authors"), (19, "code")):
        assert (
            f"{listing}:{line}: warning: the same paper as line 3 (arXiv 2305.14314): imported once, from line 3"
            f" — the first one listed is kept; filled {filled} from this one\n" in captured.err
        )
    page, problems = read_page(out / "qlora-efficient-finetuning-of-quantized-llms.md")
    assert page is not None and problems == []
    assert (page.arxiv, page.rank, page.code) == ("2305.14314", 1, "https://github.com/artidoro/qlora")
    assert page.authors[0] == "Tim Dettmers"
    assert sorted(p.name for p in out.iterdir()) == [
        "efficient-memory-management-for-large-language-model-serving-with-pagedattention.md",
        "qlora-efficient-finetuning-of-quantized-llms.md",
    ]
