"""Command-line entry point: ``python -m generator COMMAND`` or ``papershelf COMMAND``.

Each command lives in its own module under ``generator.commands`` and registers itself, so
adding a command never touches the others.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from generator.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="PaperShelf: import, check and publish a community-curated list of papers.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
