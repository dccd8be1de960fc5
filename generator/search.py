"""Site search: a Pagefind index written next to the built site, queried in the browser.

Material's own search ships the whole index to every visitor and rebuilds it in the browser,
which grows with the collection (tens of megabytes at 10,000 papers). Pagefind splits its
index into small fragments that the browser fetches per query, so the cost of a search stays
flat however many papers there are. Indexing runs once per build, after every page is written.

Only paper pages carry ``data-pagefind-body`` (see ``render.paper_page``), so listings, which
repeat every abstract, are not indexed twice. Filters come from ``data-pagefind-filter``
attributes on the paper page (topic links, the year); the browser side lives in
``content/assets/search.js``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

# The folder of the index inside the site; search.js fetches ``<base>/pagefind/pagefind.js``.
INDEX_DIR = "pagefind"
LANGUAGE = "en"


class SearchIndexError(RuntimeError):
    """Indexing failed; the message says why, in terms of the site folder."""


@dataclass(frozen=True, slots=True)
class IndexResult:
    """What one indexing run did, for the build log and the benchmark."""

    pages: int
    bytes: int


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the ``pagefind[extended]`` wheel (no download at build time)."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:  # pragma: no cover - only without the extended wheel
        from pagefind.service import _must_get_executable as get_executable
    return Path(get_executable())


def pagefind_command(site_dir: Path) -> list[str]:
    """The indexing command: one language for every page, so queries hit one index, not two."""
    return [
        str(pagefind_executable()),
        "--site",
        str(site_dir),
        "--output-subdir",
        INDEX_DIR,
        "--force-language",
        LANGUAGE,
        "--quiet",
    ]


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_index(site_dir: Path) -> IndexResult:
    """Index the built site in place; raises ``SearchIndexError`` with Pagefind's own words."""
    try:
        proc = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True, check=False)
    except OSError as err:
        raise SearchIndexError(f"cannot run the search indexer: {err}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip() or f"exit status {proc.returncode}"
        raise SearchIndexError(f"search indexing of {site_dir} failed: {detail}")
    out = site_dir / INDEX_DIR
    if not (out / "pagefind.js").exists():
        raise SearchIndexError(f"search indexing of {site_dir} wrote no {INDEX_DIR}/pagefind.js")
    pages = sum(1 for _ in (out / "fragment").glob("*.pf_fragment"))
    return IndexResult(pages=pages, bytes=_tree_size(out))
