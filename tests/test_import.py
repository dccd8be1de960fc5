"""`python -m generator import`: idempotent, and never overwrites a page edited by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import FIXTURE_PAPERS
from tests.golden import SEED


def _import(out: Path, *extra: str) -> int:
    return main(["import", str(SEED), "--year", "2025", "--out", str(out), *extra])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_import_twice_is_byte_identical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "papers"
    assert _import(out) == 0
    assert capsys.readouterr().out.strip() == "91 new, 0 unchanged, 0 skipped, 0 errors"
    first = _snapshot(out)
    assert len(first) == 91
    assert _import(out) == 0
    assert capsys.readouterr().out.strip() == "0 new, 91 unchanged, 0 skipped, 0 errors"
    assert _snapshot(out) == first


def test_import_matches_committed_pages(tmp_path: Path) -> None:
    out = tmp_path / "papers"
    assert _import(out) == 0
    committed = [p for p in FIXTURE_PAPERS.glob("*.md") if "source: sources/hf-papers-listing.txt" in p.read_text()]
    assert committed  # the fixture's pages imported from the seed listing, untouched since
    for page in committed:
        assert (out / page.name).read_bytes() == page.read_bytes(), page.name


def test_hand_edited_page_survives_reimport(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "papers"
    _import(out)
    capsys.readouterr()
    page = sorted(out.iterdir())[3]
    edited = page.read_text(encoding="utf-8").replace("---\n\n", "---\n\nA note from a reader.\n\n", 1)
    page.write_text(edited, encoding="utf-8")
    assert _import(out) == 0
    captured = capsys.readouterr()
    assert (
        f"skipped {page}: edited by hand (the abstract differs from the source); use --force to update it,"
        " keeping every other field" in captured.err
    )
    assert captured.out.strip() == "0 new, 90 unchanged, 1 skipped, 0 errors"
    assert page.read_text(encoding="utf-8") == edited
    assert _import(out, "--force") == 0
    assert "1 updated" in capsys.readouterr().out
    assert "A note from a reader." not in page.read_text(encoding="utf-8")


def test_same_title_different_paper_gets_its_own_slug(tmp_path: Path) -> None:
    out = tmp_path / "papers"
    _import(out)
    page = out / "taming-visually-guided-sound-generation.md"
    other = page.read_text(encoding="utf-8").replace("Taming Visually Guided Sound Generation", "Taming Sound")
    page.write_text(other, encoding="utf-8")
    _import(out)
    assert (out / "taming-visually-guided-sound-generation-2.md").exists()
    assert page.read_text(encoding="utf-8") == other


def test_missing_year_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(SEED), "--out", str(tmp_path)]) == 2
    assert "no year" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["import", str(tmp_path / "nope.txt"), "--year", "2025", "--out", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_broken_records_reported_good_ones_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = Path(__file__).parent / "fixtures/listings/title-without-abstract.txt"
    assert main(["import", str(listing), "--year", "2025", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{listing}:11: error: title with no abstract" in captured.err
    assert captured.out.strip() == "2 new, 0 unchanged, 0 skipped, 0 errors, 1 records not read"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-good-title.md", "another-good-title.md"]


def test_title_spelled_differently_is_still_the_same_paper(tmp_path: Path) -> None:
    """Full-width letters, ligatures and spacing do not make a new paper (validate's rule too)."""
    out = tmp_path / "papers"
    _import(out)
    page = out / "taming-visually-guided-sound-generation.md"
    edited = page.read_text(encoding="utf-8").replace(
        "Taming Visually Guided Sound Generation", "Taming  Visually Guided Sound Ｇeneration"
    )
    page.write_text(edited, encoding="utf-8")
    _import(out)
    assert not (out / "taming-visually-guided-sound-generation-2.md").exists()
    assert page.read_text(encoding="utf-8") == edited  # skipped as a hand edit, not overwritten
