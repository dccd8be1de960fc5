"""Command-line entry point: ``python -m generator COMMAND`` or ``papershelf COMMAND``.

Each command lives in its own module under ``generator.commands``; the table there names the
module and holds the one-line help. Only the module of the command being run is imported (and
registers its full parser); every other command gets a parser with just its help, enough for
``--help`` to list it and for argparse to accept or refuse the name.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from generator.commands import COMMANDS, find


def _command_name(argv: Sequence[str]) -> str | None:
    """The command named on the line: the first word that is not an option (the top-level
    parser has no option that takes a value, so nothing else can come first)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with ``command``'s module imported and registered in full (None: none is)."""
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="PaperShelf: import, check and publish a community-curated list of papers.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = find(command) if command is not None else None
    registered = False
    for entry in COMMANDS:
        if chosen is not None and entry.module == chosen.module:
            if not registered:  # the module adds every command it implements, in the table's order
                entry.load().register(sub)
                registered = True
            continue
        sub.add_parser(entry.name, help=entry.help)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_name(args_list))
    args = parser.parse_args(args_list)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
