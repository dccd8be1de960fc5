"""Render a staged site with one of the engines that read ``mkdocs.yml``.

The staged folder (``docs_dir``) already holds every page rendered and escaped, so the engine
only lays the theme around each page; which engine does it is a choice, not a dependency:

- ``mkdocs``: MkDocs 1.6, the reference, with PaperShelf's plugin when ``mkdocs.yml`` lists it;
- ``properdocs``: the maintained MkDocs 1.x, same command line, same plugins (entry points in
  ``mkdocs.plugins``), same output but for its ``<meta name="generator">``;
- ``zensical``: Material's successor; reads ``mkdocs.yml`` and the theme's settings and
  overrides, but runs no MkDocs plugin and has no option for the output folder.

Each engine runs as a subprocess of this Python, so the one installed beside PaperShelf is the
one used, and a crash in it cannot leave this process half-way. The search index is a set of
staged files (``generator.search.index``), so every engine publishes the same one.

A config whose ``docs_dir`` was not written by the stage step is refused for an engine that
runs without the plugin: that folder would be contributor sources, and publishing them as
they are would put unescaped front matter and Markdown on the site. The stage step marks its
folder with ``STAGED_MARKER``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.core.routes import STAGED_MARKER
from generator.core.site_identity import PLUGIN

ENGINES: tuple[str, ...] = ("mkdocs", "properdocs", "zensical")
_ENGINES_WITH_PLUGINS = ("mkdocs", "properdocs")


class EngineError(RuntimeError):
    """A build failed; the message is one line and starts with the engine's name."""


def build(engine: str, config_file: Path, site_dir: Path) -> None:
    """Build the site of ``config_file`` into ``site_dir`` with ``engine``."""
    if engine not in ENGINES:
        raise EngineError(f"{engine}: not an engine PaperShelf builds with (choose {', '.join(ENGINES)})")
    config_file, site_dir = Path(config_file).resolve(), Path(site_dir).resolve()
    config = _read_config(engine, config_file)
    with_plugin = engine in _ENGINES_WITH_PLUGINS and PLUGIN in plugin_names(config)
    if not with_plugin:
        _check_staged(engine, config_file, config)
    if importlib.util.find_spec(engine) is None:
        raise EngineError(f"{engine}: not installed (pip install 'papershelf[engines]')")
    if engine == "zensical":
        _zensical(config_file, site_dir)
    else:
        _run(engine, engine_command(engine, config_file, site_dir))


def engine_command(engine: str, config_file: Path, site_dir: Path | None = None) -> list[str]:
    """The engine's build command (run as ``python -m``), always strict: a warning, such as a
    link to a page that does not exist, fails the build. Zensical takes no output folder
    (``_zensical`` puts it in the config it is given)."""
    command = [engine, "build", "--strict", "--config-file", str(config_file)]
    if engine != "zensical" and site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    return command


def _zensical(config_file: Path, site_dir: Path) -> None:
    """Zensical takes the output folder only from the config, and only inside the config's
    folder: a config beside the real one inherits everything from it and sets ``site_dir``."""
    root = config_file.parent
    if not site_dir.is_relative_to(root):
        raise EngineError(f"zensical: the site folder {site_dir} must be inside {root}, beside {config_file.name}")
    fd, name = tempfile.mkstemp(prefix=".papershelf-zensical-", suffix=".yml", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(f"INHERIT: {_yaml_string(config_file.name)}\nsite_dir: {_yaml_string(str(site_dir))}\n")
        _run("zensical", engine_command("zensical", Path(name)))
    finally:
        Path(name).unlink(missing_ok=True)


def plugin_names(config: dict[str, Any]) -> list[str]:
    """The plugins a config lists, as names (``plugins`` is a list of names or one-key maps,
    or a map); a plugin switched off with ``enabled: false`` is left out."""
    plugins = config.get("plugins")
    items = plugins.items() if isinstance(plugins, dict) else [_plugin_item(p) for p in plugins or ()]
    return [name for name, options in items if not (isinstance(options, dict) and options.get("enabled") is False)]


def _plugin_item(item: Any) -> tuple[str, Any]:
    if isinstance(item, dict) and len(item) == 1:
        name, options = next(iter(item.items()))
        return str(name), options
    return str(item), None


def _read_config(engine: str, config_file: Path) -> dict[str, Any]:
    """The config as MkDocs' own loader reads it (``!ENV``, ``INHERIT``, Python tags), which is
    the format all three engines share."""
    from mkdocs.utils import yaml_load

    try:
        with config_file.open(encoding="utf-8") as fd:
            config = yaml_load(fd)
    except OSError as err:
        raise EngineError(f"{engine}: cannot read {config_file}: {err.strerror}") from None
    except Exception as err:  # yaml's errors and MkDocs' config errors have no common base
        raise EngineError(f"{engine}: {config_file} is not a valid config: {_one_line(str(err))}") from None
    if not isinstance(config, dict):
        raise EngineError(f"{engine}: {config_file} is not a valid config: not a mapping")
    return config


def _check_staged(engine: str, config_file: Path, config: dict[str, Any]) -> None:
    docs = config_file.parent / str(config.get("docs_dir") or "docs")
    if not (docs / STAGED_MARKER).is_file():
        raise EngineError(
            f"{engine}: {docs} is not a staged folder (no {STAGED_MARKER}); without PaperShelf's plugin "
            "it would publish contributor pages unescaped (run `python -m generator stage`, set docs_dir to its folder)"
        )


def _run(engine: str, command: Sequence[str], what: str = "build") -> None:
    """Run ``command`` (an engine's command line, run as ``python -m``, or a program), showing
    its output as it comes; a failure becomes one line naming the engine and the last thing it
    said, rather than its traceback."""
    argv = list(command)
    if argv[0] in ENGINES:
        argv = [sys.executable, "-m", *argv]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    except OSError as err:
        raise EngineError(f"{engine}: cannot run {what}: {err}") from None
    assert proc.stdout is not None
    tail: deque[str] = deque(maxlen=40)
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace")
        sys.stderr.write(line)
        tail.append(line.rstrip())
    if proc.wait() != 0:
        raise EngineError(f"{engine}: {what} failed (exit status {proc.returncode}): {_cause(tail)}")


def _cause(lines: Sequence[str]) -> str:
    """The line of an engine's output that says why it stopped: its last error, else its last line."""
    text = [_one_line(line) for line in lines if line.strip() and not line.startswith((" ", "Traceback"))]
    errors = [line for line in text if "error" in line.lower() or "abort" in line.lower() or "warning" in line.lower()]
    return (errors or text or ["no output"])[-1]


def _one_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return " ".join(text.split())


def _yaml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML string


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.engine.run",
        description="Build a staged site with an engine that reads mkdocs.yml.",
    )
    parser.add_argument("--engine", choices=ENGINES, default="mkdocs", help="the engine (default: mkdocs)")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="default: mkdocs.yml")
    parser.add_argument("-d", "--site-dir", type=Path, default=Path("site"), help="output folder (default: site)")
    args = parser.parse_args(argv)
    try:
        build(args.engine, args.config_file, args.site_dir)
    except EngineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
