"""Everything PaperShelf writes is readable by everyone (files 0644, folders 0755), whatever the
umask: a web server usually runs as another user, and a private file is a 404 for every reader."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.pages import to_front_matter
from generator.content.writer import publish_modes, write_if_changed, write_new_file
from generator.core.model import Paper
from tests.conftest import ROOT, copy_project

PRIVATE = 0o077


@pytest.fixture
def private_umask() -> Iterator[None]:
    old = os.umask(PRIVATE)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, int]:
    """Mode of every file and folder under ``root`` (the root included), symlinks left out."""
    out = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        if not path.is_symlink():
            out[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return out


def wrong_modes(root: Path) -> dict[str, str]:
    found = {}
    for rel, mode in modes(root).items():
        want = 0o755 if (root / rel).is_dir() else 0o644
        if mode != want:
            found[rel] = oct(mode)
    return found


def test_write_if_changed_is_world_readable_under_a_private_umask(tmp_path: Path, private_umask: None) -> None:
    target = tmp_path / "out" / "deep" / "feed.xml"
    assert write_if_changed(target, "<feed/>")
    assert wrong_modes(tmp_path / "out") == {}
    os.chmod(target, 0o600)  # left private by an older build: fixed even when the bytes are the same
    assert not write_if_changed(target, "<feed/>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    write_new_file(tmp_path / "new" / "page.md", "text\n")
    assert wrong_modes(tmp_path / "new") == {}
    with pytest.raises(FileExistsError):
        write_new_file(tmp_path / "new" / "page.md", "other\n")
    assert (tmp_path / "new" / "page.md").read_text(encoding="utf-8") == "text\n"


def test_publish_modes_fixes_files_and_folders_and_leaves_links(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "b" / "x.html").write_text("x", encoding="utf-8")
    os.chmod(site / "a" / "b" / "x.html", 0o600)
    os.chmod(site / "a" / "b", 0o700)
    outside = tmp_path / "private.txt"
    outside.write_text("secret", encoding="utf-8")
    os.chmod(outside, 0o600)
    (site / "link").symlink_to(outside)
    assert publish_modes(site) == 2
    assert wrong_modes(site) == {}
    assert stat.S_IMODE(outside.stat().st_mode) == 0o600  # a link is never followed
    assert publish_modes(site) == 0


def test_import_writes_world_readable_pages(
    tmp_path: Path, private_umask: None, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = ROOT / "tests" / "fixtures" / "listings" / "title-without-abstract.txt"
    out = tmp_path / "papers"
    main(["import", str(listing), "--year", "2025", "--out", str(out)])
    capsys.readouterr()
    assert len(list(out.iterdir())) == 2
    assert wrong_modes(out) == {}


@pytest.mark.slow
def test_site_built_under_a_private_umask_is_world_readable(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", papers=False)
    papers = project / "content" / "papers"
    for n in range(3):
        paper = Paper(
            slug=f"paper-{n}",
            title=f"Paper number {n}",
            date=dt.date(2025, 7, 8 - n),
            abstract=f"An abstract about GPU inference, number {n}, with $x^{n}$.",
            authors=("Ada Lovelace",),
            arxiv=f"2501.0000{n}",
        )
        (papers / f"{paper.slug}.md").write_text(to_front_matter(paper), encoding="utf-8")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(PRIVATE),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    files = [p for p in site.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"index.html", "papers.json.gz", "papers.bib", "atom.xml", "feed.json"} <= names, sorted(names)[:40]
    assert any(p.parent.name == "search-index" for p in files)
    assert wrong_modes(site) == {}
