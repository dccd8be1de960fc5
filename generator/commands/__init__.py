"""The command table: each command's name, the module that implements it, and its one-line help.

A command's module has ``register(subparsers)``, which adds its parser (or, for ``stage``,
the parsers of the commands it shares code with) and sets ``run`` on it. The modules are
imported only when their command runs: importing one pulls in what the command needs (the
MkDocs engine, the sanitizer, pydantic, scikit-learn…), which a ``--help`` or another command
should not pay for. The help strings are therefore kept here too, and a test checks that they
match what each module registers.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True, slots=True)
class Command:
    """One entry of ``python -m generator --help``."""

    name: str
    module: str  # imported when the command runs; its register() adds the parser
    help: str

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


COMMANDS: tuple[Command, ...] = (
    Command(
        "stage",
        "generator.commands.stage",
        "write the site's input (every page rendered and escaped) into the staged folder",
    ),
    Command("build", "generator.commands.stage", "stage, then render the site into site/ (strict)"),
    Command(
        "serve", "generator.commands.stage", "preview the site, restaging and rebuilding what changed on every edit"
    ),
    Command("import", "generator.commands.import_listing", "import a papers listing into content/papers"),
    Command("new", "generator.commands.new", "write a new paper page (asks for the fields when run without options)"),
    Command(
        "enrich", "generator.commands.enrich", "fill in arXiv ids, authors and dates by looking the titles up on arXiv"
    ),
    Command(
        "validate",
        "generator.commands.validate",
        "check every file of content/: paper pages (fields, duplicates, tags), other pages and files",
    ),
    Command(
        "review",
        "generator.commands.review",
        "summarise the paper pages and reading lists a change adds or edits, with their validation result",
    ),
    Command(
        "digest",
        "generator.commands.digest",
        "write (and optionally send) the email digest of the papers listed in a date window",
    ),
    Command("tag", "generator.commands.tag", "show topic suggestions for pages (add them with --write)"),
    Command(
        "votes", "generator.commands.votes", "count each paper's votes on its GitHub discussion into content/votes.json"
    ),
    Command("collection", "generator.commands.collection", "write a new reading list (collection new SLUG …)"),
)


def find(name: str) -> Command | None:
    """The table's entry for ``name``, or None for a name that is no command."""
    return next((c for c in COMMANDS if c.name == name), None)
