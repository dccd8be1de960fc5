"""CONTRIBUTING.md's first step is run as written, in a copy of the repository, so the guide a
new contributor follows can never drift from what the commands do (a paper already on the
shelf, an option that changed, an output line that reads differently)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)


def step(text: str, number: int) -> str:
    """The text of the numbered step under "Add a paper", up to the next step."""
    start = re.search(rf"^{number}\. \*\*", text, re.MULTILINE)
    assert start, f"CONTRIBUTING.md has no step {number}"
    end = re.search(rf"^{number + 1}\. \*\*|^## ", text[start.end() :], re.MULTILINE)
    return text[start.start() : start.end() + end.start() if end else len(text)]


def shell_blocks(section: str) -> list[str]:
    """The ``sh`` code blocks of a section, unindented (they sit inside a list item)."""
    return [textwrap.dedent(m.group(3)) for m in FENCE.finditer(section) if m.group(2) == "sh"]


def working_copy(dest: Path) -> Path:
    """The repository's files as a fresh clone holds them (every tracked file, as it is in the
    working tree now, new files included), with the test's own environment where ``make install`` would put one."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        src = ROOT / name
        if src.is_file() and not src.is_symlink():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(src.read_bytes())
    (dest / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return dest


def test_the_guide_has_one_runnable_first_step() -> None:
    blocks = shell_blocks(step(GUIDE.read_text(encoding="utf-8"), 1))
    assert len(blocks) == 1
    assert "python -m generator new" in blocks[0]
    assert re.search(r"^# wrote content/papers/[a-z0-9-]+\.md$", blocks[0], re.MULTILINE)


def test_step_one_of_the_guide_works_verbatim(tmp_path: Path) -> None:
    """Step 1's commands, then step 2's ``validate``, in a copy of the repository: the example
    paper is not on the shelf yet, every command succeeds, and the output is the one shown."""
    text = GUIDE.read_text(encoding="utf-8")
    script = "\n".join(shell_blocks(step(text, 1)))
    copy = working_copy(tmp_path / "clone")
    before = {p.name for p in (copy / "content" / "papers").iterdir()}
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=copy, capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    promised = re.findall(r"^# (wrote \S+)$", script, re.MULTILINE)
    assert promised and all(line in result.stdout.splitlines() for line in promised), result.stdout
    added = {p.name for p in (copy / "content" / "papers").iterdir()} - before
    assert {f"{line.removeprefix('wrote content/papers/')}" for line in promised} == added
    assert not (copy / "abstract.txt").exists()  # the guide cleans up after itself

    validate = re.search(r"`(\.venv/bin/python -m generator validate)`", step(text, 2))
    assert validate, "step 2 names the validate command"
    checked = subprocess.run(validate.group(1).split(), cwd=copy, capture_output=True, text=True, env=env, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[-1].endswith("pages checked, no problems")
    page = (copy / "content" / "papers" / added.pop()).read_text(encoding="utf-8")
    authors = re.findall(r'--author "([^"]+)"', script)
    assert authors and all(f"\n- {name}\n" in page for name in authors)  # one author per --author


def _owners(path: str) -> list[str]:
    """The owners CODEOWNERS gives a repository path (last matching line wins), for the anchored
    patterns this repository uses (``/file`` and ``/folder/``)."""
    owners: list[str] = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pattern, *who = line.split()
        assert pattern.startswith("/"), f"CODEOWNERS: {pattern} is not anchored at the root"
        rel = pattern.lstrip("/")
        if path == rel or (rel.endswith("/") and path.startswith(rel)):
            owners = who
    return owners


def test_maintainers_own_what_the_site_publishes_and_how_it_is_checked() -> None:
    for path in (
        "content/papers/any-paper.md",
        "content/about.md",
        "overrides/main.html",
        "mkdocs.yml",
        "site_config.yml",
        ".github/workflows/ci.yml",
        ".github/CODEOWNERS",
    ):
        assert _owners(path) == ["@papershelf/maintainers"], path
    assert _owners("generator/cli.py") == []


def test_the_licence_matches_the_package_and_the_abstracts_stay_their_authors() -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n") and "PaperShelf contributors" in licence
    assert re.search(r'^license = "MIT"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "The abstracts are not: each is the text of its paper's authors and remains theirs." in readme
    assert "can open an issue and it will be removed" in readme


def test_the_reading_list_steps_work_verbatim(tmp_path: Path) -> None:
    """ "Add a reading list in three steps": step 1's command, then ``validate``, in a copy of the
    repository; the list is written as promised and names papers on the shelf."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## Add a reading list in three steps") : text.index("## The reading list format")]
    (script,) = shell_blocks(step(section, 1))
    copy = working_copy(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=copy, capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (promised,) = re.findall(r"^# (wrote \S+ \(\d+ papers?\))$", script, re.MULTILINE)
    assert promised in result.stdout.splitlines(), result.stdout
    checked = subprocess.run(
        [".venv/bin/python", "-m", "generator", "validate"], cwd=copy, capture_output=True, text=True, env=env
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    written = (copy / promised.split()[1]).read_text(encoding="utf-8")
    assert all(f"{slug}" in written for slug in re.findall(r"--paper (\S+)", script))
