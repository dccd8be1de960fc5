"""Run an engine on the staged folder: the one place that knows each engine's command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class EngineError(RuntimeError):
    """The engine is unknown, missing or failed; the message names it."""


ENGINES = ("mkdocs",)


def engine_command(engine: str, config_file: Path, site_dir: Path | None) -> list[str]:
    """The engine's own build command, strict: a warning fails the build."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file)]
    return cmd + (["-d", str(site_dir)] if site_dir is not None else [])


def build(engine: str, config_file: Path, site_dir: Path | None = None) -> None:
    """Render the staged folder that ``config_file`` names into ``site_dir`` (strict)."""
    if subprocess.run(engine_command(engine, config_file, site_dir), check=False).returncode != 0:
        raise EngineError(f"{engine} build failed (its messages are above)")
