"""The staged build: golden files, determinism, write-if-changed, and failing closed.

Failing closed means an engine that runs without PaperShelf's code (no plugin, or another
engine) only ever sees pages PaperShelf rendered and escaped, and a build that skips staging
publishes nothing at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.core.words import search_words as words
from generator.search.index import INDEX_DIR, file_of
from generator.shelf.data import SHELF_DIR
from generator.stage import stage
from tests.conftest import FIXTURE_PAPERS, ROOT, copy_project, mkdocs_build
from tests.golden import STAGED_FILES, STAGED_GOLDEN, staged_fixture

HOSTILE = "script-alert-1-script-and-ampersands-in-titles"


def plain_mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` alone, with none of PaperShelf's steps before it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


class _Elements(HTMLParser):
    """Every attribute and every inline script of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += attrs
        self._in_script = tag == "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_staged_files_match_their_golden_copies(tmp_path: Path) -> None:
    """Regenerate with ``make golden`` after an intended change, and review the diff."""
    for name, text in staged_fixture(tmp_path).items():
        assert text == (STAGED_GOLDEN / name).read_text(encoding="utf-8"), f"{name}: run 'make golden' and review"
    assert len(STAGED_FILES) >= 5


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_staging_is_deterministic_and_rewrites_only_what_changed(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config, out = project / "mkdocs.yml", tmp_path / "stage"
    first = stage(config, out)
    assert first.problems == {} and len(first.written) == first.files
    before = _tree(out)
    assert stage(config, tmp_path / "other").files == first.files
    assert _tree(tmp_path / "other") == before  # same input, same bytes
    again = stage(config, out)
    assert again.written == [] and again.removed == []
    page = project / "content" / "papers" / f"{HOSTILE}.md"
    old_text = page.read_text(encoding="utf-8")
    page.write_text(old_text.replace("A second paragraph", "Another paragraph"), "utf-8")
    edited = stage(config, out)
    assert f"papers/{HOSTILE}.md" in edited.written
    search = ("assets/search-typos/", "assets/search-index/")  # a new vocabulary, a new index
    shelf = [name for name in edited.written if name.startswith(f"{SHELF_DIR}/")]
    pages = [name for name in edited.written if not name.startswith((*search, f"{SHELF_DIR}/"))]
    assert len(pages) < 10, pages  # the page, and the pages that quote its abstract
    # My shelf's data: its version and the records of the paper (its top terms) and of the papers
    # whose nearest it is; never the authors
    assert f"{SHELF_DIR}/meta.json" in shelf, shelf
    assert all(re.fullmatch(rf"{SHELF_DIR}/(meta\.json|r\d+\.bin)", name) for name in shelf), shelf
    index = [name for name in edited.written if name.startswith(search[1])]
    # the table of contents, the paper's record, and the terms files of its words (its length
    # changed, so each of its words weighs a little differently), nothing else
    meta = json.loads((out / INDEX_DIR / "meta.json").read_text(encoding="utf-8"))
    held = set(words(old_text)) | set(words(page.read_text(encoding="utf-8")))
    terms = {f"{INDEX_DIR}/t{file_of(meta['terms'], w)}.bin" for w in held}
    assert f"{INDEX_DIR}/meta.json" in index and any(name.startswith(f"{INDEX_DIR}/d") for name in index)
    rest = [n for n in index if n not in terms and not n.startswith((f"{INDEX_DIR}/d", f"{INDEX_DIR}/x"))]
    assert rest == [f"{INDEX_DIR}/meta.json"], index
    assert sum(n.startswith(f"{INDEX_DIR}/d") for n in index) == 1, index
    page.unlink()
    removed = stage(config, out)
    assert f"papers/{HOSTILE}.md" in removed.removed and not (out / "papers" / f"{HOSTILE}.md").exists()


def test_no_contributor_source_is_inside_the_staged_folder(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "content" / "notes.markdown").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (project / "content" / "raw.html").write_text("<script>alert(2)</script>\n", encoding="utf-8")
    (project / "content" / "papers" / "sub").mkdir()
    (project / "content" / "papers" / "sub" / "nested.md").write_text("---\ntitle: X\n---\n", encoding="utf-8")
    report = stage(project / "mkdocs.yml", tmp_path / "stage")
    shown = set(report.problems)
    assert {"content/notes.markdown", "content/raw.html", "content/papers/sub/nested.md"} <= shown
    assert all("not publish" in line or "refused by the build" in line for line in report.lines())
    staged = _tree(tmp_path / "stage")
    assert not [name for name in staged if name.endswith((".markdown", ".html")) or "/sub/" in name]
    for name, data in staged.items():
        if name.endswith(".md"):
            assert b"<script>alert" not in data, name


@pytest.mark.slow
def test_a_build_without_the_plugin_publishes_only_escaped_pages(tmp_path: Path) -> None:
    """MkDocs with PaperShelf's plugin removed renders the staged folder as it is: every paper
    page is there and contributor markup stays text."""
    project = copy_project(tmp_path / "project")
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "x"))
    config["plugins"] = []
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    report = stage(project / "mkdocs.yml")
    assert report.problems == {}
    site = tmp_path / "site"
    result = plain_mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert sorted(p.parent.name for p in (site / "papers").glob("*/index.html")) == sorted(
        p.stem for p in FIXTURE_PAPERS.glob("*.md")
    )
    html = (site / "papers" / HOSTILE / "index.html").read_text(encoding="utf-8")
    elements = _Elements()
    elements.feed(html)
    assert not [name for name, _ in elements.attributes if name.startswith("on")]
    links = [value or "" for name, value in elements.attributes if name in ("href", "src", "srcset", "formaction")]
    assert not [url for url in links if url.strip().lower().startswith(("javascript:", "data:"))]
    assert not [text for text in elements.scripts if "alert(" in text and "\\u003c" not in text]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (site / "feeds" / "atom.xml").is_file() and (site / "papers.json.gz").is_file()


def test_an_engine_that_skips_staging_publishes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "build", ignore_errors=True)
    site = tmp_path / "site"
    result = plain_mkdocs_build(project, site)
    assert result.returncode != 0
    assert not (site / "papers").exists()


def test_the_build_command_stages_then_renders(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "staged " in result.stderr
    assert (project / "build" / "stage" / "papers" / f"{HOSTILE}.md").is_file()
    assert (tmp_path / "site" / "papers" / HOSTILE / "index.html").is_file()


def test_a_body_made_before_its_related_papers_gives_the_same_page() -> None:
    """A build makes paper bodies while the related papers are computed, then fills them in:
    the page is byte for byte the one made with the related papers known, math in a related
    title (which adds the math renderer's head tags) included."""
    from generator.content.collection import load_collection, page_paths
    from generator.core.model import sort_key
    from generator.outputs.citations import citation_keys
    from generator.plan import paper_body, paper_file, with_related
    from generator.stage import load_site

    _, site = load_site(ROOT / "mkdocs.yml")
    papers = sorted(load_collection(page_paths(FIXTURE_PAPERS)).papers, key=sort_key)
    keys = citation_keys(papers)
    with_math = [p for p in papers if "$" in p.title]
    assert with_math and len(papers) > 3
    for i, paper in enumerate(papers):
        related = tuple(with_math + [p for p in papers if p is not paper][: i % 4])
        topics = ("Topic A",) if i % 2 else ()
        body = paper_body(paper, topics, keys.get(paper.slug))
        made = with_related(paper, site, topics, related, body)
        assert made == paper_file(paper, site, topics, related, keys.get(paper.slug)), paper.slug
