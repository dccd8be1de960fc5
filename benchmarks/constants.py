"""What the benchmarks and the tests share: the repository's root and how Chromium is started.

Kept apart from the benchmark's modules so that the tests can import the flags without pulling
in the corpus, the build measurements or Playwright.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium (``make browser``); another build can be named in PAPERSHELF_CHROMIUM."""

# Chromium's flags for the benchmark and the browser tests: headless, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
