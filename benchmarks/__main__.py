"""``python -m benchmarks build|breakdown|search|validate|related|preview|...``: the benchmarks, one entry point."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks import breakdown, calibrate, cli, community_bench, search_probe


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    cli.register(sub)
    search_probe.register(sub)
    validate = sub.add_parser("validate", help="time 'validate' on N synthetic pages")
    validate.add_argument("rest", nargs=argparse.REMAINDER)
    validate.set_defaults(run=lambda a: __import__("benchmarks.validate_bench").validate_bench.main(a.rest))
    related = sub.add_parser("related", help="time related papers at N papers; with --corpus, measure their quality")
    related.add_argument("sizes", type=int, nargs="+", metavar="N")
    related.add_argument("--corpus", type=Path, metavar="FILE", help="arXiv JSON Lines (.jsonl or .jsonl.gz) papers")
    related.add_argument("--no-baseline", action="store_true", help="skip the baselines' figures (TF-IDF, LSA)")
    related.add_argument(
        "--skip", type=int, default=0, metavar="K", help="with --corpus: start after its first K papers"
    )
    related.set_defaults(
        run=lambda a: __import__("benchmarks.related_bench").related_bench.bench(
            a.sizes, a.corpus, not a.no_baseline, a.skip
        )
    )
    preview = sub.add_parser("preview", help="time an edit and a new paper under 'make serve' at N papers")
    preview.add_argument("--papers", type=int, nargs="+", default=[5000], metavar="N")
    preview.add_argument("--runs", type=int, default=3, metavar="K")
    preview.add_argument("--corpus", type=Path, metavar="FILE", help="papers as JSON Lines in arXiv's shape")
    preview.set_defaults(run=lambda a: __import__("benchmarks.preview").preview.main(a.papers, a.runs, a.corpus))
    calibrate.register(sub)
    breakdown.register(sub)
    community_bench.register(sub)
    foryou = sub.add_parser("foryou", help="My shelf's For you: bytes and time at N papers, or ranking quality")
    foryou.add_argument("--papers", type=int, nargs="+", default=[50000], metavar="N")
    foryou.add_argument("--quality", type=Path, metavar="FILE", help="compare rankings on these arXiv records")
    foryou.add_argument("--workdir", type=Path, metavar="DIR")
    foryou.set_defaults(run=lambda a: __import__("benchmarks.foryou").foryou.run(a))
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
