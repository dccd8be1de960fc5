"""Reproducible builds: the same tree with SOURCE_DATE_EPOCH set gives a byte-identical site,
whatever the hash seed, the time zone, the folder, or the order and times of the source files."""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_project, mkdocs_build

pytestmark = pytest.mark.slow

EPOCH = "1751932800"  # 2025-07-08T00:00:00Z


def _shuffle_sources(project: Path) -> None:
    """Recreate the papers in reverse order (a different directory order on disk) and give every
    source file a different modification time."""
    papers = project / "content" / "papers"
    pages = sorted(papers.iterdir(), reverse=True)
    saved = [(p.name, p.read_bytes()) for p in pages]
    shutil.rmtree(papers)
    papers.mkdir()
    for i, (name, data) in enumerate(saved):
        (papers / name).write_bytes(data)
        os.utime(papers / name, (1_000_000_000 + i * 7919, 1_000_000_000 + i * 7919))
    for path in project.rglob("*"):
        if path.is_file() and path.parent != papers:
            os.utime(path, (1_500_000_000, 1_500_000_000))


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _first_difference(a: bytes, b: bytes) -> str:
    lines = difflib.unified_diff(
        a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines(), lineterm="", n=0
    )
    return "\n".join(line[:300] for line in list(lines)[:12])


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = copy_project(tmp_path / "one" / "project")
    second = copy_project(tmp_path / "two" / "elsewhere")
    _shuffle_sources(second)
    a = mkdocs_build(
        first, tmp_path / "one" / "site", env={"SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "1", "TZ": "UTC"}
    )
    b = mkdocs_build(
        second,
        tmp_path / "two" / "out",
        env={"SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati"},
    )
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    one, two = _files(tmp_path / "one" / "site"), _files(tmp_path / "two" / "out")
    assert sorted(one) == sorted(two)
    assert len(one) > 100
    different = [name for name in one if one[name] != two[name]]
    assert different == [], "\n\n".join(f"{n}:\n{_first_difference(one[n], two[n])}" for n in different[:5])
