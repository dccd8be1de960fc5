"""Every paper page links to its file in the repository ("Edit this page"), pages the build makes
have no such link, and every page links to the repository and its contributing guide. Built
from a small project made here, so the checks hold whatever content/ holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.core.site_identity import edit_path, load_identity
from generator.engine import mkdocs_plugin
from generator.stage import stage
from tests.conftest import ROOT, copy_project, mkdocs_build

PAPERS = {
    "edit-me.md": "---\ntitle: Edit Me\ndate: 2025-09-01\nauthors:\n- A. Author\n---\n\nAn abstract.\n",
    "edit-me-too.md": "---\ntitle: Edit Me Too\ndate: 2025-09-02\narxiv: '2501.00003'\n---\n\nAnother one.\n",
    # The slug is also part of the repository's address: such a page is rendered the long way.
    "papershelf.md": "---\ntitle: PaperShelf\ndate: 2025-09-03\n---\n\nA paper named like the site.\n",
}
EDIT = re.compile(r'<a href="([^"]*)" title="Edit this page"[^>]*rel="edit"')


def settings() -> dict[str, Any]:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("edit")
    project = copy_project(root / "project", papers=False)
    for name, text in PAPERS.items():
        (project / "content" / "papers" / name).write_text(text, encoding="utf-8")
    result = mkdocs_build(project, root / "site")
    assert result.returncode == 0, result.stderr
    return project, root / "site"


def test_edit_path_is_the_source_file_or_none(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "a-paper.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    (tmp_path / "about.md").write_text("# About\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("notes\n", encoding="utf-8")
    generated = {"index.md", "archive/index.md", "topics/index.md", "subscribe.md"}
    assert edit_path("papers/a-paper.md", tmp_path) == "papers/a-paper.md"
    assert edit_path("about.md", tmp_path) == "about.md"
    assert all(edit_path(src, tmp_path) is None for src in generated)  # staged only: no source
    assert edit_path("notes.txt", tmp_path) is None and edit_path("assets/search.js", tmp_path) is None


def test_the_repository_is_written_once() -> None:
    config = settings()
    assert config["repo_url"].startswith("https://github.com/") and not config["repo_url"].endswith("/")
    content = load_identity(ROOT / "mkdocs.yml").content_dir.relative_to(ROOT).as_posix()
    assert config["edit_uri"] == f"edit/main/{content}/"  # the sources, not the staged folder
    assert "content.action.edit" in config["theme"]["features"]
    for path in [*(ROOT / "overrides").rglob("*.html"), ROOT / "content" / "about.md"]:
        assert config["repo_url"] not in path.read_text(encoding="utf-8"), path


def test_paper_pages_link_to_their_file_and_generated_pages_do_not(built: tuple[Path, Path]) -> None:
    project, site = built
    config = settings()
    prefix = f"{config['repo_url']}/{config['edit_uri']}"
    for name in PAPERS:
        page = (site / "papers" / name.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        assert EDIT.findall(page) == [f"{prefix}papers/{name}"], name
    linked = {}
    for html_file in site.rglob("*.html"):
        for url in EDIT.findall(html_file.read_text(encoding="utf-8")):
            assert url.startswith(prefix)
            linked[html_file.relative_to(site).as_posix()] = url.removeprefix(prefix)
    # Every edit link opens a file that is in the repository; only such pages have one.
    assert all((project / config["docs_dir"] / target).is_file() for target in linked.values()), linked
    assert linked.get("about/index.html") == "about.md"
    for generated in ("index.html", "archive/index.html", "topics/index.html", "subscribe/index.html"):
        assert (site / generated).exists() and generated not in linked


def test_every_page_links_to_the_repository_and_the_guide(built: tuple[Path, Path]) -> None:
    _, site = built
    repo = settings()["repo_url"]
    guide = f'<a href="{repo}/blob/main/CONTRIBUTING.md">'
    assert (ROOT / "CONTRIBUTING.md").is_file()
    for page in ("index.html", "about/index.html", "papers/edit-me/index.html", "topics/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert f'<a href="{repo}" title="The repository' in text, page
        assert guide in text, page
        assert 'data-md-component="source"' not in text  # no request to GitHub's API from a reader
        assert 'class="md-source__icon md-icon ps-repo-icon"></div>' in text  # the logo is a shared file
    assert (site / "assets" / "icons" / "github.svg").is_file()


def test_edit_links_keep_paper_pages_on_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paper pages are filled into the template's stencil (``fastpages``) with their edit link,
    not rendered one by one; the page whose slug is also in the repository's address is."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = copy_project(tmp_path / "project", papers=False)
    for name, text in PAPERS.items():
        (project / "content" / "papers" / name).write_text(text, encoding="utf-8")
    for n in range(6):
        text = f"---\ntitle: Filler Paper {n}\ndate: 2025-08-0{n + 1}\n---\n\nFiller abstract {n}.\n"
        (project / "content" / "papers" / f"filler-paper-{n}.md").write_text(text, encoding="utf-8")
    stenciled: list[str] = []
    original = mkdocs_plugin.PaperShelfPlugin._paper_html

    def counting(self: mkdocs_plugin.PaperShelfPlugin, ctx: Any) -> Any:
        before = set(self._compacted)
        out = original(self, ctx)
        stenciled.extend(self._compacted - before)
        return out

    monkeypatch.setattr(mkdocs_plugin.PaperShelfPlugin, "_paper_html", counting)
    assert stage(project / "mkdocs.yml").problems == {}
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    # Two pages are rendered in full to check the stencil; every other plain page is filled in.
    assert len(stenciled) == len(PAPERS) + 6 - 2 - 1
    assert "papers/papershelf.md" not in stenciled
    page = (tmp_path / "site" / "papers" / "filler-paper-5" / "index.html").read_text(encoding="utf-8")
    assert EDIT.findall(page)[0].endswith("/papers/filler-paper-5.md")
