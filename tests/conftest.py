"""Shared fixtures: a real MkDocs build of the repository's content, served on localhost, and a
real headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.constants import CHROMIUM_ARGS  # one list of flags for the tests and the benchmark

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
OUTPUT = ROOT / "test-output"
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "site" / "content"
"""A fixed collection for builds and browser tests: math, authors, arXiv ids, code links,
hostile text. The live ``content/`` is the community's, so tests only check invariants on it."""
FIXTURE_PAPERS = FIXTURE_CONTENT / "papers"
SEED_LISTING = FIXTURE_CONTENT / "sources" / "hf-papers-listing.txt"


def read_export(site: Path) -> dict:  # type: ignore[type-arg]
    """The JSON export of a built or staged site (published compressed)."""
    import gzip
    import json

    return json.loads(gzip.decompress((site / "papers.json.gz").read_bytes()))  # type: ignore[no-any-return]


def listing_papers() -> list:  # type: ignore[type-arg]
    """The seed listing's 91 papers: a fixed input of realistic size for topic and related checks."""
    from generator.readers.hf_listing import read_listing

    text = SEED_LISTING.read_text(encoding="utf-8")
    return read_listing(text, year=2025, source="sources/hf-papers-listing.txt").papers


def mkdocs_build(
    project: Path, site_dir: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Stage ``project`` and build it into ``site_dir``, strict, as CI does (``generator build``)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(site_dir),
            *extra,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def copy_project(dest: Path, papers: bool = True, content: Path = FIXTURE_CONTENT) -> Path:
    """A throw-away project: the site's own settings and theme, with ``content`` (the fixture
    collection unless told otherwise) as its content folder."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "site_config.yml"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    # Without the fixture's papers, its reading lists and votes (which name them) stay out too.
    ignore = None if papers else shutil.ignore_patterns("papers", "collections", "votes.json")
    shutil.copytree(content, dest / "content", ignore=ignore)
    (dest / "content" / "papers").mkdir(exist_ok=True)
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture collection (``tests/fixtures/site``) built as the site, once per test run."""
    root = tmp_path_factory.mktemp("fixture-site")
    site = root / "site"
    result = mkdocs_build(copy_project(root / "project"), site)
    assert result.returncode == 0, result.stderr
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    server, url = serve(built_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run 'make browser' (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context per test; console errors and page errors are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))
    yield pg
    context.close()


def screenshot(pg: object, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    pg.screenshot(path=str(path), full_page=False)  # type: ignore[attr-defined]
    return path


@pytest.fixture(scope="session")
def pages_url(built_site: Path) -> Iterator[str]:
    """The built site served like GitHub Pages: a missing path gets ``404.html``, status 404."""
    from benchmarks.static_server import serve_site

    server, url = serve_site(built_site)
    yield url
    server.shutdown()
