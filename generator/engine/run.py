"""Run an engine on the staged folder: the one place that knows each engine's command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class EngineError(RuntimeError):
    """The engine is unknown, missing or failed; the message names it."""


ENGINES = ("mkdocs",)


def build(engine: str, config_file: Path, site_dir: Path | None = None) -> None:
    """Render the staged folder that ``config_file`` names into ``site_dir`` (strict)."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file)]
    if site_dir is not None:
        cmd += ["-d", str(site_dir)]
    if subprocess.run(cmd, check=False).returncode != 0:
        raise EngineError(f"{engine} build failed (its messages are above)")
