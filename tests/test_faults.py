"""Faults a build meets in the wild: killed midway (a cancelled CI runner, a closed laptop) and a
full disk. A build may fail; it never leaves a half-written staged folder for an engine to
publish, never replaces ``site/`` with anything but a finished build, and the next build makes
the same site, byte for byte, as a clean one."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import BinaryIO

import pytest

from benchmarks.corpus import seed_papers, synthesize
from generator.cli import main
from generator.content import writer
from generator.content.pages import to_front_matter
from generator.core.routes import STAGED_MARKER
from generator.engine.run import building_dir
from tests.conftest import FIXTURE_PAPERS, copy_project, mkdocs_build

KILLS = 20
KILL_PAPERS = 5000
KILL_SEED = 20261207


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (dot-files too) by path, as the SHA-256 of its bytes."""
    out: dict[str, str] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _build_command(project: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]


def _synthetic_project(root: Path, papers: int) -> Path:
    """The fixture's settings and pages, with ``papers`` synthetic papers made from the fixture's."""
    project = copy_project(root / "project", papers=False)
    for paper in synthesize(seed_papers(FIXTURE_PAPERS), papers):
        (project / "content" / "papers" / f"{paper.slug}.md").write_text(to_front_matter(paper), encoding="utf-8")
    return project


@pytest.mark.slow
def test_a_build_killed_at_random_points_never_publishes_half_a_site(tmp_path: Path) -> None:
    """SIGKILL a 5,000-paper ``generator build`` (its whole process group, as a cancelled runner
    is) at seeded random points, 20 times, each build starting from what the kill before left.

    After every kill ``site/`` is the clean build's, byte for byte (never a mix: the engine writes
    beside it and a finished build swaps it in), and the staged folder is either the clean
    build's or not marked as staged (so no engine publishes it). Every build that is not killed
    (the points are spread over a clean build's duration, and a build after a kill may be
    quicker) and the build after the last kill succeed, with the clean build's site."""
    project = _synthetic_project(tmp_path, KILL_PAPERS)
    site, stage = tmp_path / "site", project / "build" / "stage"
    start = time.monotonic()
    clean = subprocess.run(_build_command(project, site), capture_output=True, text=True, check=False)
    duration = time.monotonic() - start
    assert clean.returncode == 0, clean.stderr[-3000:]
    reference_site, reference_stage = tree(site), tree(stage)
    assert len(reference_site) > KILL_PAPERS

    rng = random.Random(KILL_SEED)
    kills, completed, began = 0, 0, time.monotonic()
    while kills < KILLS:
        assert kills + completed < 3 * KILLS, "the builds finish before the kill points: a clean build took too long"
        point = rng.uniform(0.0, duration)
        proc = subprocess.Popen(
            _build_command(project, site), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            proc.wait(timeout=point)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
        else:
            assert proc.returncode == 0, f"a build failed on its own: {proc.stderr.read().decode()[-2000:]}"
            completed += 1
        finally:
            assert proc.stderr is not None
            proc.stderr.close()
        assert tree(site) == reference_site, f"site/ changed by a build killed after {point:.1f} s"
        if (stage / STAGED_MARKER).exists():
            assert tree(stage) == reference_stage, f"a marked staged folder differs (killed after {point:.1f} s)"
    assert kills == KILLS
    last = subprocess.run(_build_command(project, site), capture_output=True, text=True, check=False)
    assert last.returncode == 0, last.stderr[-3000:]
    assert tree(site) == reference_site and tree(stage) == reference_stage
    assert not building_dir(site).exists() and not (project / "build" / ".stage.pending").exists()
    print(
        f"\n{kills} kills and {completed} uninterrupted builds of {KILL_PAPERS} papers in"
        f" {time.monotonic() - began:.0f} s (a clean build: {duration:.0f} s)"
    )


def _failing_writer(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """The disk fills up after ``after`` files of a batch: the next write fails with ENOSPC."""
    calls = {"n": 0}
    real = writer.write_data

    def write_data(handle: BinaryIO, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(handle, data)

    monkeypatch.setattr(writer, "write_data", write_data)


@pytest.mark.slow
def test_a_full_disk_ends_the_build_with_one_line_and_keeps_the_stage_and_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    site, stage = tmp_path / "site", project / "build" / "stage"
    assert mkdocs_build(project, site).returncode == 0
    before_site, before_stage = tree(site), tree(stage)
    page = sorted((project / "content" / "papers").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added after the first build.\n", "utf-8")

    _failing_writer(monkeypatch, after=3)  # the build's staging runs in a forked child: it inherits this
    code = main(["build", "-f", str(project / "mkdocs.yml"), "-d", str(site)])
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code != 0
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: could not write {stage}/") and "No space left on device" in lines[0]
    assert Path(lines[0].split("could not write ", 1)[1].split(":", 1)[0]).is_relative_to(stage)
    assert tree(stage) == before_stage and tree(site) == before_site
    assert not (project / "build" / ".stage.pending").exists()

    monkeypatch.undo()
    assert main(["build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]) == 0
    assert tree(site) != before_site
    assert (stage / STAGED_MARKER).exists()


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    except OSError:
        return False
    return done.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_really_full_disk_keeps_the_stage_and_the_site(tmp_path: Path) -> None:
    """The same on a real full disk: the project on a small tmpfs, filled up after a first build."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "256m"):
        pytest.skip("this machine does not let tests mount a tmpfs (the injected ENOSPC test still runs)")
    try:
        project = copy_project(disk / "project")
        site, stage = disk / "site", project / "build" / "stage"
        assert mkdocs_build(project, site).returncode == 0
        before_site, before_stage = tree(site), tree(stage)
        for n in range(3):  # three new papers: listings, feeds and the search index change with them
            text = (FIXTURE_PAPERS / "qlora-efficient-finetuning-of-quantized-llms.md").read_text(encoding="utf-8")
            (project / "content" / "papers" / f"a-new-paper-{n}.md").write_text(
                text.replace("title: 'QLoRA", f"title: 'New {n} QLoRA"), encoding="utf-8"
            )
        filler = disk / "filler"
        with filler.open("wb", buffering=0) as fh:  # fill the disk (unbuffered: closing writes nothing)
            try:
                while fh.write(b"\0" * 4096):
                    pass
            except OSError:
                pass
        result = mkdocs_build(project, site)
        lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert result.returncode != 0
        assert len(lines) == 1 and "No space left on device" in lines[0], result.stderr[-2000:]
        assert tree(stage) == before_stage and tree(site) == before_site
        filler.unlink()
        assert mkdocs_build(project, site).returncode == 0
        assert any("a-new-paper-0" in path for path in tree(site))
    finally:
        subprocess.run(["umount", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)
