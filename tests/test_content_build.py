"""A real strict build of a site whose content/ holds, besides papers, hostile maintainer pages
and files PaperShelf does not publish: each is refused by name, nothing of it reaches the site,
and the safe pages are published sanitized."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
from pathlib import Path

import pytest

from generator.content.pages import to_front_matter
from generator.core.model import Paper
from tests.conftest import copy_project, mkdocs_build

PAPER = Paper(slug="a-paper", title="A Paper", date=dt.date(2025, 7, 8), abstract="An abstract about GPUs.")
TITLE = "<img src=x onerror=alert(1)> & friends"
HOSTILE = {
    "notes.md": "---\ntitle: Notes\n---\n\nText.\n\n<script>window.__pwned = 1</script>\n",
    "handler.md": '# Handler {onclick="alert(1)"}\n',
    "papers/raw.markdown": "---\ntitle: Raw\ndate: 2025-07-08\n---\n\n<script>alert(1)</script>\n",
    "papers/sub/nested.md": "---\ntitle: Nested\ndate: 2025-07-08\n---\n\n<script>alert(1)</script>\n",
    "page.html": "<script>alert(1)</script>",
    "tool.js": "alert(1)",
}
EXPECTED = {
    "notes.md": "content/notes.md:7: body: <script> is not allowed",
    "handler.md": "content/handler.md:1: body: the onclick= attribute (on <h1>) is not allowed",
    "papers/raw.markdown": "content/papers/raw.markdown:1: file: is not published",
    "papers/sub/nested.md": "content/papers/sub/nested.md:1: file: is in a subfolder of papers/",
    "page.html": "content/page.html:1: file: is an HTML file, which would be refused by the build",
    "tool.js": "content/tool.js:1: file: is a JavaScript file, which would be refused by the build",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("content-build")
    project = copy_project(root / "project", papers=False)
    content = project / "content"
    (content / "papers" / "a-paper.md").write_text(to_front_matter(PAPER), encoding="utf-8")
    for rel, text in HOSTILE.items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    (content / "guide.md").write_text(
        f"---\ntitle: '{TITLE}'\n---\n\n# Guide\n\nSee [the paper](papers/a-paper.md) and $x^2$.\n", "utf-8"
    )
    site = root / "site"
    return site, mkdocs_build(project, site)


@pytest.mark.slow
def test_unsafe_files_are_refused_by_name(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    site, result = built
    assert result.returncode != 0, "strict mode must fail"
    assert "Traceback" not in result.stderr
    for rel, message in EXPECTED.items():
        assert f"left out of the site: {message}" in result.stderr, rel
    assert not (site / "notes").exists() and not (site / "handler").exists()
    assert not (site / "page.html").exists() and not (site / "tool.js").exists()
    assert not (site / "papers" / "raw").exists() and not (site / "papers" / "sub").exists()
    assert (site / "papers" / "a-paper" / "index.html").exists()
    leaked = [p for p in site.rglob("*") if p.is_file() and b"__pwned" in p.read_bytes()]
    assert leaked == []


@pytest.mark.slow
def test_safe_pages_are_published_sanitized(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    site, _ = built
    guide = (site / "guide" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{html.escape(TITLE, quote=False)} - PaperShelf</title>" in guide
    assert "<img src=x" not in guide
    assert '<span class="arithmatex">\\(x^2\\)</span>' in guide
    assert 'href="../papers/a-paper/"' in guide
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert 'id="add-a-paper"' in about  # its headings, and the table of contents that lists them
    toc = about[about.index('data-md-type="toc"') :]
    assert re.search(r'<a href="#add-a-paper" class="md-nav__link">', toc[: toc.index("</nav>")])
