"""`python -m generator review`: the pull-request summary, on a real git repository made here,
with an added, a changed, a renamed, a removed, a broken and a hostile page. The summary is
rendered with GitHub's own Markdown library (raw HTML allowed, so nothing hides a mistake)."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from generator.commands.review import Change, Reviewed, md_text, parse_name_status, summary_markdown
from generator.content.validate import Finding
from tests.conftest import ROOT

CONFIG = (
    "taxonomy:\n"
    "  - name: Fine-tuning and adaptation\n"
    "    description: Adapting models.\n"
    "    keywords: [fine-tuning, low-rank]\n"
)
HOSTILE_TITLE = "<img src=x onerror=alert(1)> ](javascript:alert(1)) *bold* @octocat &amp; | `tick`"


def page(title: str, date: str = "2025-07-08", extra: str = "", abstract: str = "An abstract.") -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    return f"---\ntitle: {quoted}\ndate: {date}\n{extra}---\n\n{abstract}\n"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A shelf with three papers on ``main``, and a branch that changes it in every way."""
    root = tmp_path / "shelf"
    papers = root / "content" / "papers"
    papers.mkdir(parents=True)
    (root / "site_config.yml").write_text(CONFIG, encoding="utf-8")
    (papers / "kept.md").write_text(page("Kept Paper", extra="authors:\n- A. Author\n"), encoding="utf-8")
    (papers / "moved-away.md").write_text(page("Moved Paper"), encoding="utf-8")
    (papers / "removed.md").write_text(page("Removed Paper"), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "switch", "-q", "-c", "pr")
    added = page(
        "LoRA: Low-Rank Adaptation of Large Language Models",
        extra=(
            "authors:\n- Edward J. Hu\n- Yelong Shen\narxiv: '2106.09685'\ncode: https://github.com/microsoft/LoRA\n"
            "links:\n- label: Project page\n  url: https://example.org/lora\ntags:\n- Fine-tuning and adaptation\n"
            "submitted_by: octocat\n"
        ),
        abstract="We propose low-rank adaptation.\n\nA second paragraph.",
    )
    (papers / "lora.md").write_text(added, encoding="utf-8")
    (papers / "kept.md").write_text(page("Kept Paper", extra="authors:\n- B. Author\n"), encoding="utf-8")
    git(root, "mv", "content/papers/moved-away.md", "content/papers/moved-here.md")
    git(root, "rm", "-q", "content/papers/removed.md")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "pr")
    # Not committed: a broken page (staged) and two untracked ones, as on a contributor's machine.
    (papers / "broken.md").write_text(page("Broken Paper", date="2025-02-30"), encoding="utf-8")
    git(root, "add", "content/papers/broken.md")
    hostile = page(
        HOSTILE_TITLE,
        extra=(
            "authors:\n- '[x](javascript:alert(1))'\n- <script>alert(1)</script>\n"
            "links:\n- label: <b>bold</b> [y](javascript:alert(2))\n  url: https://example.org/a_(b)*c*\n"
            "tags:\n- '<i>new</i>'\n"
        ),
    )
    (papers / "hostile.md").write_text(hostile, encoding="utf-8")
    (papers / "spaced name.md").write_text(page("Spaced %0A::error::Name", extra="nonsense%0A: 1\n"), "utf-8")
    return root


def review(repo: Path, *args: str, github: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS")}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "generator", "review", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def rendered(markdown: str) -> str:
    """The summary as GitHub renders it, with raw HTML let through so an escaping mistake shows."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def text_of(page_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def test_summary_lists_every_changed_page_with_its_fields_and_result(repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = review(repo, "--base", "main", "--summary", str(summary))
    assert result.returncode == 1, result.stderr  # the broken pages fail the review
    markdown = summary.read_text(encoding="utf-8")
    out = rendered(markdown)
    text = text_of(out)
    assert "7 pages (4 added, 1 changed, 1 renamed, 1 removed): 2 with problems." in text

    assert "✅ Added: LoRA: Low-Rank Adaptation of Large Language Models" in text
    lora = text.split("✅ Added: LoRA")[1].split("####")[0]
    assert "Authors: Edward J. Hu; Yelong Shen" in lora
    assert "Listing date: 2025-07-08" in lora
    assert "Topics: Fine-tuning and adaptation" in lora
    assert "arXiv 2106.09685" in lora and "code https://github.com/microsoft/LoRA" in lora
    assert "Project page https://example.org/lora" in lora and "Submitted by: octocat" in lora
    assert "Validation: passes" in lora
    assert '<a href="https://arxiv.org/abs/2106.09685">' in out
    assert "✅ Changed: Kept Paper" in text and "Authors: B. Author" in text
    assert "✅ Renamed: Moved Paper" in text
    assert "File: content/papers/moved-here.md (from content/papers/moved-away.md)" in text
    assert "Removed: content/papers/removed.md" in text

    assert "❌ Added: Broken Paper" in text
    broken = text.split("❌ Added: Broken Paper")[1].split("####")[0]
    assert "Validation: 1 problem" in broken and "line 3: date: 2025-02-30 is not a real date" in broken
    assert "File: content/papers/spaced name.md" in text

    # The hostile page: every value shows as the text it is; nothing is a tag or a live link.
    assert f"✅ Added: {HOSTILE_TITLE}" in text
    assert "Authors: [x](javascript:alert(1)); <script>alert(1)</script>" in text
    assert "<b>bold</b> [y](javascript:alert(2)) https://example.org/a_(b)*c*" in text
    assert "note: '<i>new</i>' is a new tag" in text
    assert not re.search(r"<(img|script|b|i)\b", out)
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', out))
    assert re.findall(r'href="([^"]*)"', out) == ["https://arxiv.org/abs/2106.09685"]
    assert "<em>" not in out and "<code>tick</code>" not in out  # no emphasis or code span from a title


def test_problems_are_annotations_on_file_and_line(repo: Path, tmp_path: Path) -> None:
    result = review(repo, "--base", "main", "--summary", str(tmp_path / "s.md"))
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert "::error file=content/papers/broken.md,line=3,title=date::2025-02-30 is not a real date" in "\n".join(
        annotations
    )
    spaced = [a for a in annotations if a.startswith("::error file=content/papers/spaced name.md,")]
    assert spaced, result.stdout
    # Contributor text cannot end the command early or start another one.
    assert all("%0A::error::" not in a and "\n" not in a for a in annotations)
    assert any("%250A" in a for a in spaced)
    assert not any(line.startswith("::error::") for line in result.stdout.splitlines())
    assert result.stdout.count("::error ") == sum(1 for a in annotations if a.startswith("::error "))
    assert not any(a.startswith("::error file=content/papers/lora.md") for a in annotations)


def test_without_github_actions_no_annotations_and_markdown_on_stdout(repo: Path) -> None:
    result = review(repo, "--base", "main", github=False)
    assert result.returncode == 1
    assert "::error" not in result.stdout
    assert "### Paper pages in this change" in result.stdout
    assert "added content/papers/broken.md: 1 problem(s)" in result.stdout


def test_the_summary_goes_to_the_step_summary_file(repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    for name in ("broken.md", "hostile.md", "spaced name.md"):
        (repo / "content" / "papers" / name).unlink()
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "review", "--base", "main"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n### Paper pages in this change")  # appended, not replaced
    assert "all pass validation" in written


def test_no_change_and_a_bad_base(repo: Path) -> None:
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rest")
    result = review(repo, "--base", "HEAD", github=False)
    assert result.returncode == 0 and "No paper page is added, changed or removed" in result.stdout
    result = review(repo, "--base", "no-such-branch", github=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --base no-such-branch: not a commit here")
    assert review(repo, "--base", "--output=x", github=False).returncode == 2
    assert not (repo / "x").exists()


def test_name_status_keeps_odd_paths_whole() -> None:
    out = b"M\0content/papers/a b.md\0R087\0content/papers/old.md\0content/papers/new\nline.md\0D\0gone.md\0"
    assert parse_name_status(out) == [
        Change("M", "content/papers/a b.md"),
        Change("R", "content/papers/new\nline.md", "content/papers/old.md"),
        Change("D", "gone.md"),
    ]
    assert parse_name_status(b"") == []


def test_md_text_escapes_everything_markdown_or_html_would_read() -> None:
    value = "a<b>*c*_d_ [e](f) `g` | h \\ i &amp; @j #k\n\u202el"
    shown = text_of(rendered(md_text(value)))
    assert shown.strip() == "a<b>*c*_d_ [e](f) `g` | h \\ i &amp; @j #k \\u202el"


def test_a_large_change_keeps_the_summary_under_githubs_limit() -> None:
    items = [Reviewed(Change("A", f"content/papers/p-{n:04d}.md"), f"content/papers/p-{n:04d}.md") for n in range(3000)]
    items[2999].findings = [Finding("content/papers/p-2999.md", 3, "date", "2025-02-30 is not a real date")]
    markdown = summary_markdown(items, "main", budget=20_000)
    assert len(markdown.encode("utf-8")) < 20_000
    assert "3000 pages (3000 added): **1 with problems**." in markdown
    assert markdown.index("p-2999.md`") < markdown.index("p-0000.md`")  # problems first
    assert re.search(r"… and \d+ more pages \(0 with problems\), too many to show here", markdown)


def test_the_summary_shows_added_and_changed_reading_lists(tmp_path: Path) -> None:
    root = tmp_path / "shelf"
    papers, lists = root / "content" / "papers", root / "content" / "collections"
    papers.mkdir(parents=True)
    lists.mkdir()
    (root / "site_config.yml").write_text(CONFIG, encoding="utf-8")
    for slug, title in (("one", "Paper One"), ("two", "Paper *Two*"), ("three", "Paper Three")):
        (papers / f"{slug}.md").write_text(page(title), encoding="utf-8")
    (lists / "kept.yml").write_text(
        "title: Kept list\ndescription: A list.\ncurator: octocat\npapers:\n- one\n- two\n", encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "switch", "-q", "-c", "pr")
    (lists / "kept.yml").write_text(
        "title: Kept list\ndescription: A list.\ncurator: octocat\npapers:\n- one\n- paper: three\n  note: Now too.\n",
        encoding="utf-8",
    )
    (lists / "new.yml").write_text(
        "title: 'New [list](javascript:x)'\ndescription: Bad title.\ncurator: octocat\npapers:\n- nowhere\n",
        encoding="utf-8",
    )
    (lists / "good.yml").write_text(
        "title: A good new list\ndescription: One.\ncurator: octocat\npapers:\n- paper: two\n  note: Read it.\n",
        encoding="utf-8",
    )
    result = review(root, "--base", "main", github=False)
    assert result.returncode == 1, result.stderr  # new.yml has a problem
    assert "changed content/collections/kept.yml: ok" in result.stdout
    assert "added content/collections/good.yml: ok" in result.stdout
    assert "added content/collections/new.yml: 1 problem(s)" in result.stdout
    assert "content/collections/new.yml:1: title: holds markup" in result.stdout
    summary = result.stdout[result.stdout.index("### Reading lists in this change") :]
    shown = text_of(rendered(summary))
    assert "✅ Changed list: Kept list" in shown and "Since the base: 1 added, 1 removed (two removed)" in shown
    assert "Paper Three three (new) — Now too." in shown
    assert "✅ Added list: A good new list" in shown and "Paper *Two* two — Read it." in shown
    assert "❌ Added list: (a list that cannot be read)" in shown
    assert "<a" not in rendered(summary)  # contributor text makes no link
