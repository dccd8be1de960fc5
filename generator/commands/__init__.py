"""The command modules; each has ``register(subparsers)`` which sets ``run`` on its parser."""

from __future__ import annotations

from types import ModuleType

from generator.commands import digest, enrich, import_listing, new, review, stage, tag
from generator.commands import validate as validate_command

COMMANDS: list[ModuleType] = [stage, import_listing, new, enrich, validate_command, review, digest, tag]
