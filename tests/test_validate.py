"""`python -m generator validate`: every problem in one run, one line each, duplicates across the
collection, new tags as notes, and GitHub annotations that contributor text cannot forge."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.pages import parse_page, to_front_matter
from generator.content.paper_fields import FRONT_MATTER_KEYS
from generator.content.validate import Finding, annotation, printable, show_path, title_key
from generator.core.model import Paper
from tests.conftest import ROOT

CONFIG = """taxonomy:
  - name: LLM serving and inference
  - name: Quantisation and compression
"""
EMPTY_HINT = "paste the paper's abstract below the closing '---' line"
BASE = Paper(slug="a-paper", title="A Paper", date=dt.date(2025, 7, 8), abstract="Text.")


@pytest.fixture
def shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project: papers folder and a site_config.yml with a two-topic taxonomy."""
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "site_config.yml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path / "content" / "papers"


def put(folder: Path, paper: Paper) -> Path:
    path = folder / f"{paper.slug}.md"
    path.write_text(to_front_matter(paper), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["validate", *args])
    return code, capsys.readouterr().out.splitlines()


def test_repository_pages_are_valid(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out = run(capsys)
    assert code == 0, out
    count = len(list((ROOT / "content" / "papers").glob("*.md")))
    assert out[-1].startswith(f"{count} pages checked, no problems")


def test_all_problems_in_one_run_one_line_each(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(shelf, BASE)
    (shelf / "bad-date.md").write_text("---\ntitle: Bad\ndate: 2025-02-30\ncode: http://x.org\n---\n", "utf-8")
    (shelf / "no-title.md").write_text("---\ndate: 2025-07-08\narxiv: arXiv:2404.14527v2\n---\n", "utf-8")
    code, out = run(capsys)
    assert code == 1
    assert out[:-1] == [
        "content/papers/bad-date.md:3: date: 2025-02-30 is not a real date — check the month and the day",
        "content/papers/bad-date.md:4: code: 'http://x.org' is not an https:// URL — link the repository with https://",
        f"content/papers/bad-date.md:6: abstract: is empty — {EMPTY_HINT}",
        "content/papers/no-title.md:1: title: is required — add a line 'title: …'",
        "content/papers/no-title.md:3: arxiv: write the bare id '2404.14527' — no version, 'arXiv:' prefix or URL",
        f"content/papers/no-title.md:5: abstract: is empty — {EMPTY_HINT}",
    ]
    assert out[-1] == "3 pages checked, 6 problems in 2 pages"


@pytest.mark.parametrize(
    "spelling",
    ["2404.14527v2", "arXiv:2404.14527", "https://arxiv.org/abs/2404.14527v3", "https://arxiv.org/pdf/2404.14527.pdf"],
)
def test_same_arxiv_id_in_any_spelling_is_a_duplicate(
    shelf: Path, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    put(shelf, replace(BASE, arxiv="2404.14527"))
    (shelf / "copy.md").write_text(f"---\ntitle: Another Name\ndate: 2025-07-09\narxiv: '{spelling}'\n---\n", "utf-8")
    code, out = run(capsys)
    assert code == 1
    assert "content/papers/a-paper.md:4: arxiv: 2404.14527 is also the arXiv id of content/papers/copy.md" in out[0]
    assert any(line.startswith("content/papers/copy.md:4: arxiv: 2404.14527 is also the arXiv id of") for line in out)


def test_same_title_after_normalisation_is_a_duplicate(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(shelf, replace(BASE, title="Mélange: Cost-Efficient LLM Serving"))
    # NFKC (ﬁ ligature, full-width colon), case, doubled and non-breaking spaces
    put(shelf, replace(BASE, slug="copy", title="MÉLANGE：  Cost-Efficient\u00a0llm SERVING"))
    code, out = run(capsys, "content/papers/copy.md")
    assert code == 1
    assert out[0].startswith("content/papers/copy.md:2: title: same title as content/papers/a-paper.md — ")
    assert out[-1] == "1 page checked, 1 problem in 1 page"
    assert title_key("Eﬃcient  ＬＬＭ") == title_key("efficient llm")


def test_different_papers_may_share_a_title_with_their_arxiv_ids(
    shelf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(shelf, replace(BASE, arxiv="2404.14527"))
    put(shelf, replace(BASE, slug="a-paper-2", arxiv="2501.00001"))
    assert run(capsys) == (0, ["2 pages checked, no problems"])
    put(shelf, replace(BASE, slug="a-paper-3"))  # same title, no id: cannot be told apart
    code, out = run(capsys)
    assert code == 1
    assert sum("a-paper-3.md:2: title: same title as" in line for line in out) == 2


def test_slug_collision_across_folders(shelf: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    put(shelf, BASE)
    other = tmp_path / "incoming"
    other.mkdir()
    put(other, replace(BASE, title="Different Title", arxiv="2501.00001"))
    code, out = run(capsys, str(other / "a-paper.md"))
    assert code == 1
    assert f"{other}/a-paper.md:1: file name: the slug 'a-paper' is also used by content/papers/a-paper.md" in out[0]


def test_new_tags_are_notes_not_problems(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(shelf, replace(BASE, tags=("LLM serving and inference", "llm serving and inference", "Quantisation")))
    code, out = run(capsys)
    assert code == 0
    assert out == [
        "content/papers/a-paper.md:4: tags: note: 'Quantisation' is a new tag — fine if it is meant to be new;"
        " a maintainer may add it to taxonomy in site_config.yml",
        "content/papers/a-paper.md:4: tags: note: 'llm serving and inference' is a new tag — did you mean"
        " 'LLM serving and inference'? Tags match the taxonomy exactly",
        "1 page checked, no problems, 2 notes",
    ]


def test_file_hygiene(shelf: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    put(tmp_path, replace(BASE, slug="secret"))
    (shelf / "linked.md").symlink_to(outside)
    (shelf / "latin1.md").write_bytes("---\ntitle: Caf\xe9\ndate: 2025-07-08\n---\n".encode("latin-1"))
    (shelf / "bom.md").write_bytes(b"\xef\xbb\xbf" + to_front_matter(replace(BASE, title="Bom")).encode())
    (shelf / "no-front-matter.md").write_text("Just an abstract.\n", "utf-8")
    (shelf / "folder.md").mkdir()
    (shelf / "notes.txt").write_text("stray", "utf-8")
    (shelf / ".gitkeep").write_text("", "utf-8")
    code, out = run(capsys)
    assert code == 1
    assert out[:-1] == [
        "content/papers/bom.md:1: file: starts with a byte-order mark — save it as UTF-8 without BOM",
        "content/papers/folder.md:1: file: is not a regular file — a page is one plain text file",
        "content/papers/latin1.md:2: file: is not UTF-8 (byte 14) — save the file as UTF-8",
        "content/papers/linked.md:1: file: is a symbolic link — commit the page itself",
        "content/papers/no-front-matter.md:1: front matter: missing"
        " — start the file with '---', the fields, then '---'",
        "content/papers/notes.txt:1: file: is not a page and will not be published — pages end in .md",
    ]


def test_missing_path_and_bad_config(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "content/papers/nope.md")
    assert (code, out[0]) == (1, "content/papers/nope.md:1: file: does not exist — check the path")
    assert main(["validate", "--papers", "nowhere"]) == 2
    assert "error: nowhere: no such folder" in capsys.readouterr().err
    assert main(["validate", "--config", "content"]) == 2
    assert "error: content: cannot be read" in capsys.readouterr().err
    assert main(["validate", "--papers", "nowhere"]) == 2
    assert "error: nowhere: no such folder" in capsys.readouterr().err
    Path("site_config.yml").write_text("taxonomy: [{nam: x}]\n", "utf-8")
    assert main(["validate"]) == 2
    assert "site_config.yml: taxonomy.0.name: Field required" in capsys.readouterr().err


def test_github_annotations_escape_contributor_text(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forged = "x%0A::error file=README.md,line=1::forged"
    forge = f"---\ntitle: T\ndate: 2025-07-08\nsubmitted_by: {forged!r}\n---\n\nAn abstract.\n"
    (shelf / "forge.md").write_text(forge, "utf-8")
    (shelf / "::warning::name.md").write_text("no front matter", "utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert all(line.startswith("::error file=") for line in annotations), annotations
    assert len(annotations) == 2
    assert "::error file=content/papers/%3A%3Awarning%3A%3Aname.md,line=1,title=front matter::missing" in lines[-3]
    forge = next(a for a in annotations if "forge.md" in a)
    assert "%250A::error file=README.md" in forge  # shown as text, never decoded into a new line
    plain = [line for line in lines if not line.startswith("::")]
    assert plain[0].startswith("content/papers/%3A") is False and plain[0].startswith("./") is False
    assert all(not line.lstrip().startswith("::") for line in plain)
    # without GitHub Actions: no workflow commands at all
    env["GITHUB_ACTIONS"] = "false"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate"], capture_output=True, text=True, env=env, check=False
    )
    assert not any(line.startswith("::") for line in result.stdout.splitlines())


def test_annotation_escaping_rules() -> None:
    f = Finding("a,b:c%.md", 3, "links", "50% bad\r\nnext", "fix: it, now")
    assert annotation(f) == "::error file=a%2Cb%3Ac%25.md,line=3,title=links::50%25 bad%0D%0Anext — fix: it, now"
    assert show_path(Path("::error::x.md")) == "./::error::x.md"
    assert printable("a\nb\u202ec\x1b") == "a\\nb\\u202ec\\x1b"


def test_contributing_documents_the_format_it_shows() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"```markdown\n(.*?)```", text, re.DOTALL)
    assert example is not None
    paper, problems = parse_page(
        example.group(1), "melange-cost-efficient-large-language-model-serving-by-exploiting-gpu"
    )
    assert problems == [] and paper is not None
    assert [key for key in FRONT_MATTER_KEYS if f"| `{key}` |" not in text] == []
