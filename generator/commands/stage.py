"""``stage``, ``build`` and ``serve``: write the site's input, render it, preview it.

``stage`` is engine-neutral: it writes the staged folder and nothing else. ``build`` stages,
then asks the engine to render the staged folder into ``site/``. ``serve`` stages, starts the
engine's preview server on the staged folder, and restages whenever ``content/`` or
``site_config.yml`` change, so the engine rebuilds only the pages whose staged file changed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core.site_config import ConfigError

if TYPE_CHECKING:
    from generator.stage import Stager
from generator.core.site_identity import IdentityError


def _stage(
    config: Path,
    out: Path | None,
    quiet: bool = False,
    stager: Stager | None = None,
    newer_save: Callable[[], bool] | None = None,
) -> int:
    """Stage and report; 0 clean, 1 some files left out (each named), 2 unusable settings, 3 a
    file that could not be written (named).

    ``newer_save`` (``serve``) says whether another save came during the stage or just after:
    then its problems are not printed, as they may be a file read half-saved (an editor that
    truncates, then writes); the restage of that save reports what is still wrong."""
    from generator.content.writer import WriteFailed
    from generator.stage import Stager

    start = time.perf_counter()
    own = stager is None
    stager = stager or Stager(config, out, lean=True)
    try:
        report = stager.run()
    except (IdentityError, ConfigError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except WriteFailed as err:  # a full disk: nothing of this run was put in place
        print(f"error: {err}; the staged folder and the site are left as they were", file=sys.stderr)
        return 3
    finally:
        if own:
            stager.close()
    if not (report.problems and newer_save is not None and newer_save()):
        for line in report.lines():
            print(f"error: left out of the site: {line}", file=sys.stderr)
    if not quiet or report.written or report.removed:
        print(
            f"staged {report.papers} papers, {report.files} files: {len(report.written)} written, "
            f"{len(report.removed)} removed ({time.perf_counter() - start:.2f} s)",
            file=sys.stderr,
        )
    return 1 if report.problems else 0


def _stage_apart(config: Path) -> int:
    """``_stage`` in a forked child, where fork exists: the collection, every staged file and
    the search index are held in memory while staging (gigabytes at 50,000 papers), and a
    process does not give such memory back; the engine then renders beside a parent that holds
    none of it."""
    if not hasattr(os, "fork"):
        return _stage(config, None)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: stage, report, leave without the parent's clean-up
        code = 3
        try:
            code = _stage(config, None)
        except BaseException:  # os._exit below would otherwise end the child without a word
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        print(f"error: staging stopped by signal {os.WTERMSIG(status)}", file=sys.stderr)
        return 3
    return os.waitstatus_to_exitcode(status)


SETTLE_S = 0.5
"""Under ``serve``, a restage's problems are printed only if no other save comes this soon."""


def register(sub: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=Path("mkdocs.yml"),
        help="the site's mkdocs.yml (default: ./mkdocs.yml)",
    )
    p = sub.add_parser(
        "stage",
        parents=[common],
        help="write the site's input (every page rendered and escaped) into the staged folder",
        description="Render content/ into the folder the engine reads (docs_dir), rewriting only what changed.",
    )
    p.add_argument("--out", type=Path, help="the staged folder (default: docs_dir of mkdocs.yml)")
    p.set_defaults(run=lambda a: _stage(a.config_file, a.out))

    b = sub.add_parser(
        "build",
        parents=[common],
        help="stage, then render the site into site/ (strict)",
        description="Stage content/, then build the site with the engine. Fails if any file was left out.",
    )
    b.add_argument("-d", "--site-dir", type=Path, help="where the site goes (default: site_dir of mkdocs.yml)")
    b.add_argument("--engine", default="mkdocs", help="the engine that renders the staged folder (default: mkdocs)")
    b.set_defaults(run=run_build)

    s = sub.add_parser(
        "serve",
        parents=[common],
        help="preview the site, restaging and rebuilding what changed on every edit",
        description="Stage, serve the site with live reload, and restage on every change to content/.",
    )
    s.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT", help="address to serve at")
    s.set_defaults(run=run_serve)


def run_build(args: argparse.Namespace) -> int:
    from generator.engine.run import EngineError, build

    staged = _stage_apart(args.config_file)
    if staged not in (0, 1):  # 2: unusable settings; 3: staging failed (its traceback is above)
        return staged
    from generator.content.writer import publish_modes
    from generator.core.site_identity import load_identity

    try:
        site_dir = args.site_dir or load_identity(args.config_file).site_dir
        # Modes set before the new site takes the old one's place: a web server running as
        # another user can read every file of it from its first moment.
        build(args.engine, args.config_file, site_dir, finish=publish_modes)
    except EngineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # the site could not be put in place: the previous one is whole
        print(
            f"error: {err.filename or site_dir}: {err.strerror}; the previous site is left as it was", file=sys.stderr
        )
        return 1
    return staged


def run_serve(args: argparse.Namespace) -> int:
    """The engine serves the staged folder; this process keeps the folder up to date."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    from generator.stage import Stager

    changed = threading.Event()
    # The first run is a build; from then on an edit shows at once, its neighbours follow.
    stager = Stager(args.config_file, None, preview=True, on_related=changed.set)
    if _stage(args.config_file, None, stager=stager) == 2:
        return 2
    root = args.config_file.resolve().parent

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type not in ("opened", "closed_no_write"):
                changed.set()

    observer = Observer()
    observer.schedule(OnChange(), str(root / "content"), recursive=True)
    observer.schedule(OnChange(), str(root), recursive=False)  # site_config.yml, mkdocs.yml
    observer.start()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-f", str(args.config_file), "-a", args.dev_addr]
    server = subprocess.Popen(cmd)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # a terminated preview stops its server too

    signal.signal(signal.SIGTERM, stop)
    try:
        while server.poll() is None:
            if changed.wait(0.5):
                time.sleep(0.05)  # an editor's save is several events: take them as one
                changed.clear()
                _stage(args.config_file, None, quiet=True, stager=stager, newer_save=lambda: changed.wait(SETTLE_S))
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        stager.close()
        server.terminate()
        server.wait()
    return 0
