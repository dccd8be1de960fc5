"""Measuring one build: a child process, its CPU time and the peak memory of its process tree
(sampled from ``/proc``), and the size of the site it wrote.

CPU time and the largest resident set come from ``wait4`` (they include the child's own
children, such as the related papers' process); the peak of the whole process tree is also
sampled from ``/proc``, because two processes alive at once use the sum of their memory, which
``ru_maxrss`` cannot show. Two sums are kept: the proportional one (each shared page split
between the processes sharing it: what the machine must have, the figure the target is about)
and the resident sizes added up, which count twice every page a forked child shares with its
parent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.breakdown import as_figures, breakdown, format_breakdown
from generator.core.site_identity import load_identity
from generator.search.typos import TYPOS_DIR


@dataclass(slots=True)
class BuildFigures:
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0
    peak_pss_mb: float = 0.0
    site_mb: float = 0.0
    files: int = 0
    largest_page_kb: float = 0.0
    largest_page: str = ""
    largest_paper_page_kb: float = 0.0
    cold_first_result_ms: float | None = None
    cold_kb: float | None = None
    page_load_kb: float | None = None
    warm_query_ms: float | None = None
    typed_query_ms: float | None = None
    typed_kb: float | None = None
    typed_files: float | None = None
    typed: list[list[object]] = field(default_factory=list)  # each typed query, its KB, files and ms
    typo_cold_ms: float | None = None
    typo_cold_kb: float | None = None
    typo_warm_ms: float | None = None
    idle_search_kb: float | None = None
    typo_files: int = 0
    typo_kb: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)
    breakdown: str = ""  # files and bytes by folder and kind, the average paper page by part


def _tree(root_pid: int) -> dict[int, int]:
    """A process and all its descendants, each with its resident memory in KB, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    tree, stack = {}, [root_pid]
    while stack:
        pid = stack.pop()
        tree[pid] = rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return tree


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and its descendants, added up: a page a forked child
    shares with its parent counts twice."""
    return sum(_tree(root_pid).values())


def _tree_pss_kb(root_pid: int) -> int:
    """Proportional memory of a process and its descendants (Linux ``smaps_rollup``): each
    shared page is split between the processes sharing it, so a forked child that only reads
    its parent's memory adds what it allocates, as the machine sees it. Slower to read than the
    resident size, so it is sampled less often."""
    total = 0
    for pid in _tree(root_pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


SET_ASIDE = ".set-aside"  # the folder, beside the projects, that a measured build's old outputs are moved to


def set_aside(path: Path, base: Path) -> None:
    """Move ``path`` (a last run's site or staged folder) into ``base``'s ``SET_ASIDE``, to be
    deleted with ``base`` once every build is measured, where deleting it would slow the next build.

    A file system may put off reusing the inodes of deleted files: ext4 without a journal (the
    benchmark machine's) makes each new file step past every inode freed in the last minute or
    more (its ``recently_deleted`` check). Measured there, creating 12,733 files took 0.3 s
    after a quiet minute and 5 s right after 12,733 others were deleted; a build that followed
    the deletion of the last run's site timed the deletion, more for the build that writes more
    files. A deploy builds on a fresh machine, where nothing was just deleted."""
    if not path.exists():
        return
    (base / SET_ASIDE).mkdir(exist_ok=True)
    path.rename(Path(tempfile.mkdtemp(dir=base / SET_ASIDE)) / path.name)


def measure_build(project: Path, site: Path, code: Path | None = None) -> BuildFigures:
    """Build in a child process; raise with MkDocs' own output if the build fails. A site or
    staged folder left at ``site`` or in ``project`` by a last run is first set aside (``set_aside``).

    ``code`` is a folder holding a copy of the ``generator`` package to build with, so that every
    build of a run measures the same code even while the working tree changes.
    """
    config = ["-f", str(project / "mkdocs.yml"), "-d", str(site)]
    staged = (project / "content").is_dir()  # ours: stage content/, then render; stock: render docs/
    set_aside(site, project.parent)  # every build writes its site anew
    if staged:  # every run stages from nothing, as a deploy from a fresh clone does
        set_aside(load_identity(project / "mkdocs.yml").docs_dir, project.parent)
    cmd = [sys.executable, "-m", *(["generator", "build"] if staged else ["mkdocs", "build", "-q"]), *config]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH", "")]))
    figures = run_measured(cmd, env, f"build of {project}")
    site_figures(site, figures)
    return figures


def run_measured(cmd: Sequence[str], env: Mapping[str, str] | None = None, what: str = "") -> BuildFigures:
    """Run a command to its end: its wall and CPU time and the peak memory of its process tree.
    Raises with the end of its error output if it fails."""
    peak = peak_pss = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        ticks = 0
        while not done.wait(0.05):
            peak = max(peak, _tree_rss_kb(proc.pid))
            ticks += 1
            if ticks % 5 == 0:
                peak_pss = max(peak_pss, _tree_pss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{what or cmd[0]} failed:\n{err.decode(errors='replace')[-4000:]}")
    return BuildFigures(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mb=max(peak, usage.ru_maxrss) / 1024,
        peak_pss_mb=peak_pss / 1024 or max(peak, usage.ru_maxrss) / 1024,
    )


def site_figures(site: Path, figures: BuildFigures) -> None:
    """Size of the site, of its largest page and paper page, and of one query's search files;
    where its files and bytes go (``breakdown``)."""
    total = files = 0
    largest: tuple[int, str] = (0, "")
    largest_paper = 0
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        files += 1
        if path.suffix == ".html":
            rel = path.relative_to(site).as_posix()
            largest = max(largest, (size, rel))
            if rel.startswith("papers/"):
                largest_paper = max(largest_paper, size)
    figures.site_mb = total / 1e6
    figures.files = files
    figures.largest_page_kb = largest[0] / 1000
    figures.largest_page = largest[1]
    figures.largest_paper_page_kb = largest_paper / 1000
    typos = site / TYPOS_DIR
    if typos.is_dir():
        sizes = [p.stat().st_size for p in typos.rglob("*") if p.is_file()]
        figures.typo_files, figures.typo_kb = len(sizes), sum(sizes) / 1000
    parts = breakdown(site)
    figures.extra.update(as_figures(parts))
    figures.breakdown = format_breakdown(parts)


@dataclass(slots=True)
class Result:
    """Every run of both sites at one collection size, and how well each engine finds papers."""

    papers: int
    ours: list[BuildFigures]
    stock: list[BuildFigures]
    corpus: str = "synthetic"
    pagefind: BuildFigures | None = None  # its indexing of the stock site
    quality: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # engine: kind: (found, asked)
    misses: dict[str, list[str]] = field(default_factory=dict)  # engine: the queries it missed
