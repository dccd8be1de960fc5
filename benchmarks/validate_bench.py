"""Benchmark of ``python -m generator validate`` on a collection of 10,000 pages.

Validation runs on every pull request against the whole collection, so its cost grows with the
site; this measures it end to end (a fresh process each run, as CI starts one) on real-shaped
synthetic pages (``benchmarks.synthetic``), each with its own slug, title and arXiv id so that the
duplicate checks see a realistic, valid collection. Prints the median and the spread; target: under 5 s.

Run: ``make bench-validate`` or ``python -m benchmarks validate [--pages N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.constants import ROOT
from benchmarks.corpus import collection
from generator.content.pages import to_front_matter


def synthesise(out: Path, count: int) -> int:
    """Write ``count`` valid, mutually distinct pages into ``out``; returns how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    for paper in collection(count):
        (out / f"{paper.slug}.md").write_text(to_front_matter(paper), encoding="utf-8")
    return count


def measure(papers: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds (user + system) of each run; CPU time barely moves when other
    work shares the machine, so it tells a slow machine from a slow validate."""
    times, cpu = [], []
    command = [sys.executable, "-m", "generator", "validate", "--papers", str(papers)]
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if result.returncode != 0:
            raise SystemExit(f"validate failed on the synthetic collection:\n{result.stdout[-2000:]}{result.stderr}")
    return times, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks validate", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000, help="size of the synthetic collection")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (the median is reported)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-") as tmp:
        papers = Path(tmp) / "papers"
        synthesise(papers, args.pages)
        measure(papers, 1)  # warm the file cache and Python's bytecode cache
        times, cpu = measure(papers, args.runs)
    median = statistics.median(times)
    spread = f"min {min(times):.2f} s, max {max(times):.2f} s"
    print(f"validate on {args.pages:,} pages: median {median:.2f} s over {args.runs} runs ({spread})")
    print(f"CPU time (user + system): median {statistics.median(cpu):.2f} s")
    print(f"per page: {median / args.pages * 1e3:.3f} ms; target under 5 s: {'met' if median < 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
