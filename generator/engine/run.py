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

A config whose ``docs_dir`` was not written by the stage step is refused: that folder would be
contributor sources, and publishing them as they are would put unescaped front matter and
Markdown on the site. The stage step marks its folder with ``STAGED_MARKER``, and takes the
mark away while it changes the folder, so a folder a killed stage left half-written is refused
too. The engine writes beside the site, which is replaced only by a finished build.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generator.core.routes import STAGED_MARKER

ENGINES: tuple[str, ...] = ("mkdocs", "properdocs", "zensical")


class EngineError(RuntimeError):
    """A build failed; the message is one line and starts with the engine's name."""


def build(engine: str, config_file: Path, site_dir: Path, finish: Callable[[Path], object] | None = None) -> None:
    """Build the site of ``config_file`` into ``site_dir`` with ``engine``.

    The engine writes into a folder beside ``site_dir`` (``building_dir``), and ``site_dir`` is
    replaced by it only once the engine succeeded and ``finish`` (given the new folder) returned:
    a build that fails or is killed leaves the previous site whole. The replacement is one
    atomic exchange where the system has it (Linux ``renameat2``), two renames elsewhere."""
    if engine not in ENGINES:
        raise EngineError(f"{engine}: not an engine PaperShelf builds with (choose {', '.join(ENGINES)})")
    config_file, site_dir = Path(config_file).resolve(), Path(site_dir).resolve()
    config = _read_config(engine, config_file)
    check_staged(engine, config_file, config)
    if importlib.util.find_spec(engine) is None:
        raise EngineError(f"{engine}: not installed (pip install 'papershelf[engines]')")
    building = building_dir(site_dir)
    shutil.rmtree(building, ignore_errors=True)  # what a killed build left
    try:
        if engine == "zensical":
            _zensical(config_file, building)
        else:
            _run(engine, engine_command(engine, config_file, building))
        if finish is not None:
            finish(building)
        replace_dir(building, site_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def building_dir(site_dir: Path) -> Path:
    """``site`` -> ``.site.building``: beside the site (the same disk, so the swap is a rename)."""
    return site_dir.with_name(f".{site_dir.name}.building")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system
    or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder ``new`` in the place of ``target``; what ``target`` held ends up at ``new``
    (to be removed). At no moment does ``target`` hold a mix of the two."""
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    new.rename(target)
    old.rename(new)


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


def check_staged(engine: str, config_file: Path, config: dict[str, Any]) -> None:
    """Refuse a ``docs_dir`` the stage step did not finish writing: contributor sources (which
    would be published unescaped), or a staged folder whose stage was killed or failed midway
    (the stage step removes ``STAGED_MARKER`` before its first change and writes it after its
    last), whatever the engine and plugins."""
    docs = config_file.parent / str(config.get("docs_dir") or "docs")
    if not (docs / STAGED_MARKER).is_file():
        raise EngineError(
            f"{engine}: {docs} is not a staged folder, or its staging did not finish (no {STAGED_MARKER}); "
            "publishing it could put contributor pages unescaped or half-written on the site "
            "(run `python -m generator stage`, and set docs_dir to its folder)"
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
