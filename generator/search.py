"""Site search: a Pagefind index written next to the built site, queried in the browser.

Material's own search ships the whole index to every visitor and rebuilds it in the browser,
which grows with the collection (tens of megabytes at 10,000 papers). Pagefind splits its
index into small fragments that the browser fetches per query, so the cost of a search stays
flat however many papers there are.

Indexing runs beside the build rather than after it: MkDocs writes the paper pages before the
generated listings, so the plugin starts ``IndexJob`` on the paper pages as soon as the last one
is written, and Pagefind (a separate, multi-threaded process) indexes them on the second core
while MkDocs, single-threaded, renders the listings. The build then only waits for what is left.

Only paper pages carry ``data-pagefind-body`` (see ``render.paper_page``), so listings, which
repeat every abstract, are not indexed twice. Filters come from ``data-pagefind-filter``
attributes on the paper page (topic links, the year); the browser side lives in
``content/assets/search.js``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.pagefind_files import FormatError, canonicalize

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


def pagefind_command(site_dir: Path, glob: str | None = None) -> list[str]:
    """The indexing command: one language for every page, so queries hit one index, not two;
    ``glob`` (relative to the site) limits which pages are read at all."""
    command = [
        str(pagefind_executable()),
        "--site",
        str(site_dir),
        "--output-subdir",
        INDEX_DIR,
        "--force-language",
        LANGUAGE,
        "--quiet",
    ]
    if glob:
        command += ["--glob", glob]
    return command


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class IndexJob:
    """One Pagefind run over the written site, started now and waited for later."""

    def __init__(self, site_dir: Path, glob: str | None = None) -> None:
        self.site_dir = site_dir
        try:
            self._proc = subprocess.Popen(
                pagefind_command(site_dir, glob), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        except OSError as err:
            raise SearchIndexError(f"cannot run the search indexer: {err}") from None

    def wait(self) -> IndexResult:
        """Wait for the index; raises ``SearchIndexError`` with Pagefind's own words."""
        output, _ = self._proc.communicate()
        if self._proc.returncode != 0:
            detail = output.strip() or f"exit status {self._proc.returncode}"
            raise SearchIndexError(f"search indexing of {self.site_dir} failed: {detail}")
        out = self.site_dir / INDEX_DIR
        if not (out / "pagefind.js").exists():
            raise SearchIndexError(f"search indexing of {self.site_dir} wrote no {INDEX_DIR}/pagefind.js")
        try:
            canonicalize(out)  # the same papers give the same index files, byte for byte
        except (FormatError, OSError, KeyError, ValueError) as err:
            raise SearchIndexError(f"search index in {out} is not in the expected format: {err}") from None
        pages = sum(1 for _ in (out / "fragment").glob("*.pf_fragment"))
        return IndexResult(pages=pages, bytes=_tree_size(out))

    def cancel(self) -> None:
        """Stop the run (the build failed); its partial output is left to the next build."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.communicate()


def build_index(site_dir: Path, glob: str | None = None) -> IndexResult:
    """Index a finished site in one go."""
    return IndexJob(site_dir, glob).wait()
