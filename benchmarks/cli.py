"""``bench``: build N synthetic papers as our site and as stock Material, and compare the figures."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from benchmarks.bench import run_benchmark
from benchmarks.report import extrapolate, format_table, to_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="measure build and search at N papers, against stock Material",
        description=(
            "Synthesize N papers from the committed ones into a temporary folder, build them as "
            "this site and as a stock Material site, and print build time, memory, sizes and "
            "search figures for both, with their ratio."
        ),
    )
    p.add_argument("--papers", type=int, nargs="+", default=[1000], metavar="N", help="collection sizes (default 1000)")
    p.add_argument("--runs", type=int, default=1, metavar="K", help="builds of each site per size; medians are shown")
    p.add_argument("--browser", action="store_true", help="also time search in headless Chromium")
    p.add_argument("--extrapolate", type=int, default=50000, metavar="N", help="size to extrapolate to (default 50000)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write every figure of every run to FILE")
    p.add_argument(
        "--corpus",
        type=Path,
        metavar="FILE",
        help="papers as JSON Lines in arXiv's shape (.gz read as is); without it, synthetic papers",
    )
    p.add_argument(
        "--quality",
        action="store_true",
        help="also index the stock site with Pagefind and ask the three engines known-item queries (top-3 rates)",
    )
    p.add_argument("--workdir", type=Path, metavar="DIR", help="where the temporary folder goes")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if any(n < 1 for n in args.papers) or args.runs < 1:
        print("error: --papers and --runs must be at least 1", file=sys.stderr)
        return 2
    results = []
    # One folder for every size, deleted at the end: a deletion before a measured build slows it.
    with tempfile.TemporaryDirectory(prefix="papershelf-bench-", dir=args.workdir) as tmp:
        for n in args.papers:
            try:
                (base := Path(tmp, str(n))).mkdir()
                result = run_benchmark(
                    n,
                    base,
                    runs=args.runs,
                    browser=args.browser,
                    corpus=args.corpus,
                    quality=args.quality,
                    say=lambda m: print(m, file=sys.stderr),
                )
            except (RuntimeError, ValueError, OSError) as err:  # a failed build, an unreadable corpus
                print(f"error: {err}", file=sys.stderr)
                return 1
            results.append(result)
            print(format_table(result), flush=True)
            print(flush=True)
    line = extrapolate(results, args.extrapolate)
    if line:
        print(line)
    if args.json:
        args.json.write_text(to_json(results), encoding="utf-8")
    return 0
