"""Import never loses data: a page and a record are one paper by arXiv id or, without ids, by
title (validate's rule); ``--force`` updates only what the source carries; a record repeated in
a listing is imported once, and different papers sharing a title are kept apart, both reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.merge import FIELDS, duplicates_in, match_pages, merge, same_record
from generator.content.pages import read_page, to_front_matter
from generator.content.validate import title_key
from generator.content.writer import write_papers
from generator.core.model import Link, Paper
from generator.readers.hf_listing import CARRIED_FIELDS

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
REPEATS = FIXTURES / "repeats.txt"
D8, D9 = dt.date(2025, 7, 8), dt.date(2025, 7, 9)
PAGE = Paper(
    slug="sparse-attention-for-everyone",
    title="Sparse Attention for Everyone",
    date=D8,
    abstract="A person's corrected abstract.",
    authors=("Ada Lovelace", "Alan Turing"),
    arxiv="2501.01234",
    code="https://github.com/example/sparse",
    links=(Link("Project", "https://example.org/sparse"),),
    tags=("Attention",),
    submitted_by="octocat",
    source="sources/repeats.txt",
)


def run_import(out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["import", str(REPEATS), "--year", "2025", "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err


def test_repeats_are_imported_once_and_shared_titles_kept_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "papers"
    code, summary, err = run_import(out, capsys)
    assert code == 0
    assert summary == "3 new, 0 unchanged, 0 skipped, 0 errors"
    assert (
        f"{REPEATS}:11: warning: the same paper as line 3 (the same title and date): imported once, from line 3"
        " — the first one listed is kept\n" in err
    )
    assert f"{REPEATS}:17: warning: shares its title with line 7, but is another paper" in err
    assert err.count("warning:") == 2
    assert sorted(p.name for p in out.iterdir()) == [
        "dense-kernels-revisited-2.md",
        "dense-kernels-revisited.md",
        "sparse-attention-for-everyone.md",
    ]
    first, _ = read_page(out / "dense-kernels-revisited.md")
    second, _ = read_page(out / "dense-kernels-revisited-2.md")
    assert first is not None and second is not None
    assert (first.date, second.date) == (D8, D9)
    assert second.code == "https://github.com/example/graph-kernels" and first.code is None
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, summary, _ = run_import(out, capsys)
    assert (code, summary) == (0, "0 new, 3 unchanged, 0 skipped, 0 errors")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_force_updates_only_what_the_listing_carries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "papers"
    run_import(out, capsys)
    page = out / "sparse-attention-for-everyone.md"
    imported, _ = read_page(page)
    assert imported is not None
    page.write_text(to_front_matter(replace(PAGE, source=imported.source, rank=imported.rank)), encoding="utf-8")
    edited = page.read_bytes()

    code, summary, err = run_import(out, capsys)
    assert (code, summary) == (0, "0 new, 2 unchanged, 1 skipped, 0 errors")
    assert f"skipped {page}: edited by hand (the abstract differs from the source)" in err
    assert page.read_bytes() == edited

    code, summary, _ = run_import(out, capsys, "--force")
    assert (code, summary) == (0, "0 new, 1 updated, 2 unchanged, 0 skipped, 0 errors")
    updated, problems = read_page(page)
    assert problems == [] and updated is not None
    assert updated.abstract == imported.abstract  # the listing's abstract, which it carries
    for name in ("arxiv", "authors", "code", "links", "tags", "submitted_by", "title", "date"):
        assert getattr(updated, name) == getattr(PAGE, name), name  # kept (or the same in the listing)
    assert run_import(out, capsys)[1] == "0 new, 3 unchanged, 0 skipped, 0 errors"


def test_a_person_adding_fields_the_source_lacks_is_not_an_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "papers"
    run_import(out, capsys)
    page = out / "dense-kernels-revisited.md"
    imported, _ = read_page(page)
    assert imported is not None
    enriched = replace(imported, arxiv="2502.00002", authors=("Grace Hopper",), tags=("Kernels",))
    page.write_text(to_front_matter(enriched), encoding="utf-8")
    code, summary, _ = run_import(out, capsys, "--force")
    assert (code, summary) == (0, "0 new, 3 unchanged, 0 skipped, 0 errors")
    assert read_page(page)[0] == enriched


def test_same_arxiv_id_is_the_same_paper_whatever_the_title(tmp_path: Path) -> None:
    out = tmp_path / "papers"
    out.mkdir()
    (out / f"{PAGE.slug}.md").write_text(to_front_matter(PAGE), encoding="utf-8")
    renamed = replace(PAGE, slug="sparse-attention-v2", title="Sparse Attention, Version Two", abstract="New.")
    summary = write_papers([renamed], out, force=True)
    assert (summary.updated, summary.new) == ([out / f"{PAGE.slug}.md"], [])
    assert read_page(out / f"{PAGE.slug}.md")[0] == replace(PAGE, title=renamed.title, abstract="New.")
    assert not (out / "sparse-attention-v2.md").exists()


def test_different_arxiv_ids_are_different_papers_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "papers"
    out.mkdir()
    (out / f"{PAGE.slug}.md").write_text(to_front_matter(PAGE), encoding="utf-8")
    other = replace(PAGE, arxiv="2503.05555", abstract="Another paper with the same title.", authors=())
    summary = write_papers([other], out, force=True)
    assert summary.new == [out / f"{PAGE.slug}-2.md"] and summary.updated == []
    assert [(p.name, "a different paper" in m) for p, m in summary.warnings] == [(f"{PAGE.slug}-2.md", True)]
    assert read_page(out / f"{PAGE.slug}.md")[0] == PAGE


def test_a_broken_page_of_the_same_paper_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "papers"
    out.mkdir()
    broken = out / "elsewhere.md"
    broken.write_text("---\ntitle: Sparse Attention for Everyone\ndate: 2025-02-30\n---\n\nText.\n", "utf-8")
    summary = write_papers([PAGE], out)
    assert summary.new == [] and [p for p, _ in summary.errors] == [broken]
    assert "is not a real date" in summary.errors[0][1] and summary.errors[0][1].endswith("(left as it is)")
    assert sorted(p.name for p in out.iterdir()) == ["elsewhere.md"]


# --------------------------------------------------------------------------- the pure rules


def test_merge_takes_carried_fields_and_keeps_the_rest() -> None:
    incoming = Paper(
        slug="other-slug",
        title="Sparse Attention For Everyone",
        date=D9,
        abstract="The listing's abstract.",
        links=(Link("Project", "https://example.org/sparse"), Link("Demo", "https://example.org/demo")),
        source="sources/new.txt",
    )
    merged = merge(PAGE, incoming, CARRIED_FIELDS)
    assert merged == replace(
        PAGE,
        title="Sparse Attention For Everyone",
        date=D9,
        abstract="The listing's abstract.",
        links=(*PAGE.links, Link("Demo", "https://example.org/demo")),
        source="sources/new.txt",
    )
    assert merge(PAGE, incoming, frozenset()) is PAGE
    assert merge(PAGE, replace(incoming, tags=("New", "Attention")), frozenset({"tags"})).tags == ("Attention", "New")
    assert merge(PAGE, replace(PAGE, code=None, abstract=""), frozenset(FIELDS)) == PAGE  # absence is not an edit


def test_records_in_one_listing() -> None:
    a = Paper(slug="a", title="One Title", date=D8, abstract="x")
    assert same_record(a, replace(a, title="ONE  title", abstract="y"))
    assert not same_record(a, replace(a, date=D9))
    assert not same_record(replace(a, arxiv="2501.00001"), replace(a, arxiv="2501.00002"))
    assert same_record(replace(a, arxiv="2501.00001"), replace(a, arxiv="2501.00001", date=D9, title="Renamed"))
    keep, notes = duplicates_in([a, replace(a, date=D9), replace(a, title="one title"), replace(a, title="Two")])
    assert keep == [0, 1, 3]
    assert notes == [(1, 0, "title"), (2, 0, "repeat")]


def test_matching_does_not_depend_on_the_listing_order() -> None:
    t = title_key("One Title")
    pages = [(None, t, D8), (None, t, D9)]
    later, earlier = Paper(slug="a", title="One Title", date=D9), Paper(slug="a", title="One Title", date=D8)
    assert match_pages([later, earlier], pages) == {0: 1, 1: 0}
    assert match_pages([earlier, later], pages) == {0: 0, 1: 1}
    assert match_pages([later], [(None, t, D8)]) == {0: 0}  # a corrected date: still the same paper
    assert match_pages([replace(later, arxiv="2501.00009")], [("2501.00001", t, D9)]) == {}


def test_a_richer_source_fills_what_the_listing_lacked_and_the_listing_again_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed listing, then a saved Daily Papers day that holds one of its papers (QLoRA),
    then the seed listing again: the day fills the fields the page lacked and keeps the ones it
    gives differently (reported, never as an edit by hand); the listing then changes nothing."""
    from tests.golden import SEED

    out = tmp_path / "papers"
    (tmp_path / "sources").mkdir()
    daily = tmp_path / "sources" / "hf-daily-2025-07-08.json"
    daily.write_bytes((Path(__file__).parent / "fixtures" / "hf" / "hf-daily-2025-07-08.json").read_bytes())
    seed = ["import", str(SEED), "--year", "2025", "--out", str(out)]
    assert main(seed) == 0
    page = out / "qlora-efficient-finetuning-of-quantized-llms.md"
    listed, _ = read_page(page)
    assert listed is not None and listed.arxiv is None and listed.authors == ()
    capsys.readouterr()

    main(["import", str(daily), "--out", str(out)])
    out_text, err = capsys.readouterr()
    assert "1 updated" in out_text
    assert f"filled {page}: published, authors, arxiv, code, links, upvotes, hf_submitter\n" in err
    assert (
        f"kept {page}: rank, abstract differ from sources/hf-daily-2025-07-08.json"
        " (the page's source is sources/hf-papers-listing.txt): kept the page's" in err
    )
    assert "edited by hand" not in err
    filled, _ = read_page(page)
    assert filled is not None
    assert (filled.arxiv, filled.code, filled.upvotes) == ("2305.14314", "https://github.com/artidoro/qlora", 57)
    assert filled.authors[0] == "Tim Dettmers"
    assert (filled.title, filled.abstract, filled.rank, filled.source) == (
        listed.title,
        listed.abstract,
        listed.rank,
        listed.source,
    )

    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(seed) == 0
    out_text, err = capsys.readouterr()
    assert out_text.strip().startswith("0 new, ") and "updated" not in out_text
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert "edited by hand" not in err


def test_reconcile_fills_keeps_and_forces() -> None:
    """The rule on its own: empty fields filled, differing ones kept unless forced, the
    abstract too; ``source`` only taken by force and never reported."""
    from generator.content.merge import reconcile

    bare = Paper(slug="s", title=PAGE.title, date=D8, abstract="The page's abstract.", source="sources/a.txt")
    rich = replace(PAGE, abstract="Another abstract.", source="sources/b.json", rank=4)
    result = reconcile(bare, rich, frozenset(FIELDS))
    assert result.filled == ("authors", "arxiv", "code", "links", "tags", "rank", "submitted_by")
    assert result.differ == ("abstract",)
    assert (result.paper.abstract, result.paper.source, result.paper.authors) == (
        "The page's abstract.",
        "sources/a.txt",
        PAGE.authors,
    )
    forced = reconcile(bare, rich, frozenset(FIELDS), force=True)
    assert (forced.paper.abstract, forced.paper.source, forced.replaced) == (
        "Another abstract.",
        "sources/b.json",
        True,
    )
    assert reconcile(rich, rich, frozenset(FIELDS)) == reconcile(rich, replace(rich, code=None), frozenset(FIELDS))
