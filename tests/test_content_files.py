"""Every file of content/ has a verdict, the same in ``validate`` and the build
(``content_files.content_problems``): published through PaperShelf, or an error that says what
happens to it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.files import content_problems
from generator.content.pages import to_front_matter
from generator.core.model import Paper
from tests.conftest import ROOT

GOOD_PAPER = Paper(slug="a-paper", title="A Paper", date=dt.date(2025, 7, 8), abstract="An abstract.")
ABOUT = "---\ntitle: About\n---\n\n# About\n\nA [link](https://example.org) and a list:\n\n- one\n- two\n"

PUBLISHED = [
    "about.md",
    "guide/maintainers.md",
    "images/figure.png",
    "images/photo.JPG",
    "images/a.jpeg",
    "images/b.gif",
    "images/c.webp",
    "images/d.avif",
    "papers/diagram.png",
    "sources/listing.txt",
    "sources/records.json",
    "sources/refs.bib",
    "sources/feed.xml",
    "sources/2025/older-listing.txt",
    ".hidden.html",
    ".github-notes/x.js",
]

REFUSED = {
    "assets/site.js": "file: is a JavaScript file, which would be refused by the build",
    "notes.markdown": "file: is not published: PaperShelf reads only pages whose name ends in .md, not .markdown"
    " — rename it to notes.md",
    "papers/x.markdown": "file: is not published: PaperShelf reads only pages whose name ends in .md, not .markdown",
    "guide.mdown": "file: is not published: PaperShelf reads only pages whose name ends in .md, not .mdown",
    "guide.mkd": "file: is not published: PaperShelf reads only pages whose name ends in .md, not .mkd",
    "guide.mkdn": "file: is not published: PaperShelf reads only pages whose name ends in .md, not .mkdn",
    "README.MD": "file: is not published: PaperShelf reads only pages whose name ends in .md, not .MD"
    " — rename it to README.md",
    "papers/2025/a-paper.md": "file: is in a subfolder of papers/, which the build does not publish"
    " — move it to content/papers/",
    "papers/old/figure.png": "file: is in a subfolder of papers/, which the build does not publish",
    "page.html": "file: is an HTML file, which would be refused by the build — pages are written in Markdown (.md)",
    "page.htm": "file: is an HTML file, which would be refused by the build",
    "app.js": "file: is a JavaScript file, which would be refused by the build",
    "style.css": "file: is a CSS file, which would be refused by the build",
    "logo.svg": "file: is an SVG file, which would be refused by the build",
    "guide/assets/x.js": "file: is a JavaScript file, which would be refused by the build",
    "papers/notes.txt": "file: is not a page and will not be published — pages end in .md",
    "sources/tool.py": "file: is not published — content/ holds .md pages, images",
    "data.json": "file: is not published — content/ holds .md pages, images",
    "archive.zip": "file: is not published",
    "notes.md": "7: body: <script> is not allowed — pages are text and links;"
    " ask a maintainer for interactive features",
    "hooks.md": "2: template: is not a known field",
    "latin1.md": "file: is not UTF-8",
    "index.md": "file: is not published: the build makes the page at this place itself",
    "subscribe.md": "file: is not published: the build makes the page at this place itself",
    "topics/my-topic.md": "file: is not published: the build makes the page at this place itself",
    "archive/2025.png": "file: is not published: the build makes the page at this place itself",
}


def make_content(root: Path) -> Path:
    content = root / "content"
    for rel in PUBLISHED + list(REFUSED):
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x89PNG\r\n" if path.suffix.lower() in {".png", ".jpg"} else b"text\n")
    for rel in ("about.md", "guide/maintainers.md"):
        (content / rel).write_text(ABOUT, encoding="utf-8")
    (content / "papers" / "2025" / "a-paper.md").write_text(to_front_matter(GOOD_PAPER), encoding="utf-8")
    (content / "papers" / "a-paper.md").write_text(to_front_matter(GOOD_PAPER), encoding="utf-8")
    (content / "notes.md").write_text("---\ntitle: N\n---\n\nText.\n\n<script>alert(1)</script>\n", "utf-8")
    (content / "hooks.md").write_text("---\ntemplate: main.html\n---\n\nText.\n", encoding="utf-8")
    (content / "latin1.md").write_bytes("Caf\xe9\n".encode("latin-1"))
    (root / "site_config.yml").write_text("taxonomy:\n  - name: Anything\n", encoding="utf-8")
    return content


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_content(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def test_validate_checks_every_file_of_content(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = project / "secret.md"
    secret.write_text(ABOUT, encoding="utf-8")
    (project / "content" / "linked.md").symlink_to(secret)
    (project / "content" / "linked-folder").symlink_to(project, target_is_directory=True)
    os.mkfifo(project / "content" / "pipe.md")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    for rel, message in REFUSED.items():
        mine = [line for line in out if line.startswith(f"content/{rel}:")]
        assert len(mine) == 1 and message in mine[0], (rel, mine)
    assert "content/linked.md:1: file: is a symbolic link — commit the file itself" in out
    assert "content/linked-folder:1: file: is a symbolic link — commit the file itself" in out
    assert "content/pipe.md:1: file: is not a regular file — content/ holds plain files" in out
    for rel in PUBLISHED:
        assert not [line for line in out if line.startswith(f"content/{rel}:")], rel
    assert out[-1].startswith("1 page checked, ")


def test_build_and_validate_give_the_same_verdict(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = content_problems(project / "content")
    assert {p.relative_to(project / "content").as_posix() for p in found} == set(REFUSED)
    assert main(["validate"]) == 1
    flagged = {line.split(":", 1)[0] for line in capsys.readouterr().out.splitlines()[:-1]}
    assert flagged == {f"content/{rel}" for rel in REFUSED}
    for path, problems in found.items():
        shown = f"content/{path.relative_to(project / 'content').as_posix()}"
        assert all(p.format(shown).startswith(shown + ":") for p in problems)


def test_a_clean_content_folder_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for rel in REFUSED:
        (project / "content" / rel).unlink()
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.splitlines() == ["1 page checked, no problems"]


def test_validate_names_one_content_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "content/notes.md", "content/about.md"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" — ")[0] for line in out[:-1]] == ["content/notes.md:7: body: <script> is not allowed"]
    assert main(["validate", "content/page.html"]) == 1
    assert "content/page.html:1: file: is an HTML file" in capsys.readouterr().out


def test_the_repository_content_is_published_whole() -> None:
    """An invariant of the live content, whatever it holds: nothing in it is refused."""
    assert content_problems(ROOT / "content") == {}
