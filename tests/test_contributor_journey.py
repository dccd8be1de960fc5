"""What a contributor does, in a clean clone: ``new`` for a paper not yet listed plus 40 more
pages, a commit, then the checks CI runs on content (``review``, ``validate``, the Makefile's
strict build) and the invariants every build keeps. Then one broken page: the same checks fail
and name its file and line.

Nothing here depends on how many papers ``content/`` holds: the test reads the clone's own
collection and checks relations (every page built once, the data export agreeing with the
pages), never a count of today's papers. The clone's tests are never run, so the test cannot
recurse into itself.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.content.pages import read_page
from generator.content.validate import title_key
from generator.core.values import normalize_arxiv
from tests.conftest import ROOT, read_export

pytestmark = pytest.mark.slow

VENV_MARK = "/no-such-venv"  # only replaced in the commands, never run
FIRST_NAMES = ["Ada", "Alan", "Grace", "Émilie", "Srinivasa", "Sofia", "Chen", "Olu", "Marie", "Kurt"]
LAST_NAMES = ["Lovelace", "Turing", "Hopper", "du Châtelet", "Ramanujan", "Kovalevskaya", "Ning", "Adeyemi"]
MATH = ["", " We bound the loss by $O(n^2)$.", " The rate is $$\\sum_{i=1}^{n} i^{-2} < 2$$ in total.", ""]


def env() -> dict[str, str]:
    """The test's own interpreter and packages, nothing pointing back at this checkout."""
    drop = ("PYTHONPATH", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")
    return {k: v for k, v in os.environ.items() if k not in drop} | {"PYTHONDONTWRITEBYTECODE": "1"}


def run(clone: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=clone, capture_output=True, text=True, env=env(), check=False)


def git(clone: Path, *args: str) -> str:
    result = run(
        clone,
        "git",
        "-c",
        "user.name=Contributor",
        "-c",
        "user.email=c@example.org",
        "-c",
        "commit.gpgsign=false",
        *args,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def make_build_commands(clone: Path) -> list[str]:
    """The commands ``make build`` runs, as the Makefile says, with the test's interpreter in
    place of the virtual environment (``-o install``: it is already installed)."""
    listed = run(clone, "make", "-n", "-s", "-o", "install", "build", f"VENV={VENV_MARK}")
    assert listed.returncode == 0, listed.stderr
    commands = [line for line in listed.stdout.splitlines() if line.strip()]
    assert commands and any("-m generator build" in c for c in commands), commands  # strict: test_workflows
    py = shlex.quote(sys.executable)
    return [
        c.replace(f"{VENV_MARK}/bin/python", py).replace(f"{VENV_MARK}/bin/mkdocs", f"{py} -m mkdocs") for c in commands
    ]


def build(clone: Path) -> subprocess.CompletedProcess[str]:
    script = " && ".join(make_build_commands(clone))
    return run(clone, "bash", "-euo", "pipefail", "-c", script)


def collection(clone: Path) -> tuple[set[str], set[str]]:
    """(title keys, arXiv ids) of the clone's pages."""
    titles, ids = set(), set()
    for path in (clone / "content" / "papers").glob("*.md"):
        paper, _ = read_page(path)
        if paper is not None:
            titles.add(title_key(paper.title))
            if paper.arxiv and (parsed := normalize_arxiv(paper.arxiv)):
                ids.add(parsed[0])
    return titles, ids


def free_ids(taken: set[str], count: int) -> list[str]:
    """arXiv ids, new and old style, that no page of the collection uses."""
    candidates = (f"2511.{n:05d}" if n % 3 else f"hep-th/99{n:05d}" for n in range(1, 100000))
    return [c for c in candidates if c not in taken][:count]


def synthetic_page(n: int, arxiv: str) -> str:
    """A page as a contributor writes it by hand: varied authors (a comma, accents), math, links."""
    authors = [
        f"{FIRST_NAMES[(n + i) % len(FIRST_NAMES)]} {LAST_NAMES[(n * 3 + i) % len(LAST_NAMES)]}"
        for i in range(n % 4 + 1)
    ]
    if n % 5 == 0:
        authors.append("Smith, John")
    lines = [
        "---",
        f"title: 'Journey Study {n:02d}: Sparse Probes of Synthetic Benchmarks, Part {n}'",
        f"date: 2025-1{n % 3}-{n % 28 + 1:02d}",
    ]
    lines += ["authors:", *(f"- {a}" for a in authors)]
    lines.append(f"arxiv: '{arxiv}'")
    if n % 2:
        lines.append(f"code: https://github.com/example/journey-{n}")
    if n % 7 == 0:
        lines += ["links:", "- label: Project page", f"  url: https://example.org/journey/{n}/"]
    if n % 4 == 0:
        lines += ["tags:", "- Fine-tuning and adaptation"]
    lines += ["submitted_by: octocat", "---", ""]
    abstract = (
        f"We study synthetic benchmark {n} with sparse probes.{MATH[n % len(MATH)]}\n\nA second paragraph for {n}."
    )
    return "\n".join(lines) + "\n" + abstract + "\n"


def check_invariants(clone: Path, site: Path) -> None:
    """What every build keeps, at any size: each page built exactly once, and the data export,
    the feed and the home page agreeing with the pages."""
    pages = {p.stem: read_page(p)[0] for p in (clone / "content" / "papers").glob("*.md")}
    assert all(paper is not None for paper in pages.values())
    built = {p.parent.name for p in (site / "papers").glob("*/index.html")}
    assert built == set(pages)
    data = read_export(site)
    slugs = [p["slug"] for p in data["papers"]]
    assert len(slugs) == len(set(slugs)) == data["count"] == len(pages)
    assert set(slugs) == set(pages)
    newest = max(pages.values(), key=lambda p: (p.date, p.slug))  # type: ignore[union-attr]
    assert data["papers"][0]["date"] == newest.date.isoformat()  # type: ignore[union-attr]
    assert f"/papers/{data['papers'][0]['slug']}/" in (site / "feeds" / "atom.xml").read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"papers/{data['papers'][0]['slug']}/" in home


def test_a_contributor_adds_papers_in_a_clean_clone(tmp_path: Path) -> None:
    started = time.monotonic()
    clone = tmp_path / "clone"
    result = subprocess.run(
        ["git", "clone", "-q", "--no-local", str(ROOT), str(clone)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    where = run(clone, sys.executable, "-c", "import generator; print(generator.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(clone), "the clone's own code must run, not this checkout's"

    titles, ids = collection(clone)
    new_ids = free_ids(ids, 41)
    title = "Journey Check: Adding One Paper the Shelf Does Not List Yet"
    assert title_key(title) not in titles
    abstract = tmp_path / "abstract.txt"
    abstract.write_text("We add one paper.\n\nIts second paragraph has $x^2$ in it.\n", encoding="utf-8")
    added = run(
        clone,
        *(sys.executable, "-m", "generator", "new", "--title", title, "--date", "2025-12-31"),
        *("--arxiv", new_ids[0], "--author", "Ada Lovelace", "--author", "Hopper, Grace"),
        *("--tag", "Fine-tuning and adaptation", "--submitted-by", "octocat", "--abstract-file", str(abstract)),
    )
    assert added.returncode == 0, added.stdout + added.stderr
    assert "wrote content/papers/journey-check-adding-one-paper-the-shelf-does-not-list-yet.md" in added.stdout
    papers = clone / "content" / "papers"
    for n, arxiv in enumerate(new_ids[1:], 1):
        (papers / f"journey-study-{n:02d}.md").write_text(synthetic_page(n, arxiv), encoding="utf-8")
    base = git(clone, "rev-parse", "HEAD").strip()
    git(clone, "add", "content/papers")
    git(clone, "commit", "-q", "-m", "Add 41 papers")

    review = run(clone, sys.executable, "-m", "generator", "review", "--base", base)
    assert review.returncode == 0, review.stdout + review.stderr
    assert "41 pages (41 added): all pass validation." in review.stdout
    validate = run(clone, sys.executable, "-m", "generator", "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert re.search(r"^\d+ pages checked, no problems$", validate.stdout, re.MULTILINE)
    built = build(clone)
    assert built.returncode == 0, built.stderr
    check_invariants(clone, clone / "site")

    # One broken page: every check fails, naming the file and the line; the others still build.
    broken = papers / "journey-broken.md"
    broken.write_text("---\ntitle: Journey Broken Page\ndate: 2025-02-30\n---\n\nAn abstract.\n", encoding="utf-8")
    git(clone, "add", "content/papers")
    git(clone, "commit", "-q", "-m", "Add a broken paper")
    where_line = "content/papers/journey-broken.md:3: date: 2025-02-30 is not a real date"
    validate = run(clone, sys.executable, "-m", "generator", "validate")
    assert validate.returncode == 1 and where_line in validate.stdout, validate.stdout
    review = run(clone, sys.executable, "-m", "generator", "review", "--base", base)
    assert review.returncode == 1 and where_line in review.stdout, review.stdout
    built = build(clone)
    assert built.returncode != 0
    assert where_line in built.stderr, built.stderr
    assert not (clone / "site" / "papers" / "journey-broken").exists()
    print(f"contributor journey: {time.monotonic() - started:.1f} s")
