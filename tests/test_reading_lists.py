"""Reading lists (``content/collections/<slug>.yml``): the format, its problems with their lines,
the writer, and how entries resolve against the shelf."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.content.reading_lists import (
    ListEntry,
    ReadingList,
    dump_list,
    parse_list,
    read_list_file,
    shelf_lists,
)
from generator.core.model import Paper

GOOD = """title: Ten papers to read on KV-cache compression
description: >
  Where to start on making the KV cache smaller,
  in reading order.
curator: octocat
papers:
  - 2401.10020
  - paper: a-paper
    note: 'Start here: the problem in one paper.'
"""

PAPERS = [
    Paper(slug="a-paper", title="A Paper", date=dt.date(2025, 7, 8), abstract="A."),
    Paper(slug="b-paper", title="B Paper", date=dt.date(2025, 7, 8), abstract="B.", arxiv="2401.10020"),
]


def lines_of(text: str) -> list[str]:
    return [p.format("content/collections/x.yml") for p in parse_list(text)[1]]


def test_a_good_list_reads_every_value_as_the_text_written() -> None:
    rl, problems, lines = parse_list(GOOD)
    assert problems == []
    assert rl is not None
    assert rl.papers[0].paper == "2401.10020"  # not the number 2401.1002
    assert rl.description == "Where to start on making the KV cache smaller, in reading order."
    assert rl.papers[1] == ListEntry(paper="a-paper", note="Start here: the problem in one paper.")
    assert lines == {0: 7, 1: 8}


def test_the_writer_and_the_reader_are_inverses() -> None:
    rl = ReadingList(
        title="Papers: a list",
        description="Why; and how.",
        curator="octocat",
        papers=(ListEntry(paper="2401.10020"), ListEntry(paper="a-paper", note="Yes: this one — 'quoted'.")),
    )
    text = dump_list(rl)
    assert text.startswith("title: ")
    assert parse_list(text)[0] == rl


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("note: 'Start", "note: '<b>Start"), ":9: papers.note: holds markup ('<b>')"),
        (GOOD.replace("note: 'Start", "note: '[Start](https://x.org)"), ":9: papers.note: holds markup"),
        (GOOD.replace("note: 'Start", "note: '**Start**"), ":9: papers.note: holds markup"),
        (GOOD.replace("note: 'Start", "note: '{{ Start"), ":9: papers.note: holds markup"),
        (GOOD.replace("note: 'Start", "note: '&lt;Start"), ":9: papers.note: holds markup"),
        (GOOD.replace("title: Ten", "title: <script>Ten"), ":1: title: holds markup"),
        (GOOD.replace("curator: octocat", "curator: '@octocat'"), ":5: curator: '@octocat' is not a GitHub login"),
        (GOOD.replace("  - 2401.10020", "  - arXiv:2401.10020v2"), ":7: papers.paper: write the bare arXiv id"),
        (GOOD.replace("  - 2401.10020", "  - Not A Slug"), ":7: papers.paper: 'Not A Slug' is neither"),
        (GOOD + "    extra: 1\n", ":10: papers.extra: is not a field of a reading list — allowed: paper, note"),
        (GOOD + "owner: me\n", ":10: owner: is not a field of a reading list"),
        (GOOD.replace("curator: octocat\n", ""), ":1: curator: is required"),
        (GOOD + "title: again\n", ":10: title: appears twice"),
        (GOOD.split("papers:")[0] + "papers: []\n", ":6: papers: lists no paper"),
        ("title: &t A\ndescription: *t\n", ":1: file: uses YAML anchors or aliases"),
        ("title: [\n", ":2: file: is not valid YAML"),
        ("- a\n", ":1: file: must be a mapping"),
        ("title: !!binary aGk=\n", ":1: title: uses the YAML tag"),
        (GOOD.replace("note: 'Start here: the problem in one paper.'", "note: |\n      two\n      lines"), ":9:"),
    ],
)
def test_each_problem_names_its_line(text: str, expected: str) -> None:
    found = lines_of(text)
    assert any(expected in line for line in found), found
    assert parse_list(text)[0] is None


def test_a_note_with_a_less_than_sign_is_plain_text() -> None:
    rl, problems, _ = parse_list(GOOD.replace("note: 'Start", "note: 'When n < 4, start"))
    assert problems == [] and rl is not None


def test_entries_resolve_by_slug_or_arxiv_id_and_bad_ones_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "collections"
    folder.mkdir()
    path = folder / "kv.yml"
    path.write_text(GOOD + "  - 2404.99999\n  - b-paper\n", encoding="utf-8")
    found = read_list_file(path)
    lists, problems = shelf_lists([found], PAPERS)
    assert [paper.slug for paper in lists[0].papers] == ["b-paper", "a-paper"]
    assert lists[0].entries[1][1] == "Start here: the problem in one paper."
    shown = [p.format(src) for src, items in problems.items() for p in items]
    assert shown == [
        "collections/kv.yml:10: papers: 2404.99999 is not on the shelf — add its page first, or fix the name",
        "collections/kv.yml:11: papers: b-paper is listed twice (first on line 7)",
    ]


def test_a_list_with_a_bad_field_is_left_out_and_a_bad_name_is_named(tmp_path: Path) -> None:
    path = tmp_path / "Bad_Name.yml"
    path.write_text(GOOD.replace("curator: octocat", "curator: '@x'"), encoding="utf-8")
    lists, problems = shelf_lists([read_list_file(path)], PAPERS)
    assert lists == []
    messages = [p.format() for p in problems["collections/Bad_Name.yml"]]
    assert any("file name: 'Bad_Name' is not a valid slug" in m for m in messages)
    assert any(":5: curator:" in m for m in messages)


# --------------------------------------------------------------------------- collection new


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    papers = tmp_path / "content" / "papers"
    papers.mkdir(parents=True)
    (papers / "a-paper.md").write_text("---\ntitle: A Paper\ndate: 2025-07-08\n---\n\nA.\n", encoding="utf-8")
    (papers / "b-paper.md").write_text(
        "---\ntitle: B Paper\ndate: 2025-07-08\narxiv: '2401.10020'\n---\n\nB.\n", encoding="utf-8"
    )
    return tmp_path


NEW = ["collection", "new", "kv", "--title", "KV: a list", "--description", "Why.", "--curator", "octocat"]


def test_collection_new_writes_a_list_that_reads_back(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    assert main([*NEW, "--paper", "2401.10020", "--note", "First: this.", "--paper", "a-paper"]) == 0
    assert capsys.readouterr().out == "wrote content/collections/kv.yml (2 papers)\n"
    found = read_list_file(project / "content" / "collections" / "kv.yml")
    assert found.problems == ()
    assert found.reading_list == ReadingList(
        title="KV: a list",
        description="Why.",
        curator="octocat",
        papers=(ListEntry(paper="2401.10020", note="First: this."), ListEntry(paper="a-paper")),
    )
    before = (project / "content" / "collections" / "kv.yml").read_bytes()
    assert main([*NEW, "--paper", "b-paper"]) == 2  # never replaced
    assert "exists already" in capsys.readouterr().err
    assert (project / "content" / "collections" / "kv.yml").read_bytes() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--paper", "nowhere"], "error: --paper nowhere is not on the shelf"),
        (["--paper", "a-paper", "--note", "see <b>this</b>"], "error: --note of paper 1: holds markup"),
        (["--paper", "a-paper", "--paper", "a-paper"], "error: --paper a-paper is listed twice"),
        (["--paper", "arXiv:2401.10020"], "error: --paper 1: write the bare arXiv id"),
    ],
)
def test_collection_new_refuses_what_validate_would(
    project: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    from generator.cli import main

    assert main([*NEW, *extra]) == 2
    assert message in capsys.readouterr().err
    assert not (project / "content" / "collections").exists()


def test_a_symbolic_link_is_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.yml"
    target.write_text(GOOD, encoding="utf-8")
    (tmp_path / "collections").mkdir()
    link = tmp_path / "collections" / "linked.yml"
    link.symlink_to(target)
    found = read_list_file(link)
    assert found.reading_list is None
    assert [p.format("x") for p in found.problems] == ["x:1: file: is not a regular file — commit the file itself"]
