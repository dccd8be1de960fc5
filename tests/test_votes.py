"""Votes: ``content/votes.json`` as the build reads it, and ``python -m generator votes`` against a
real HTTP server on 127.0.0.1 (pytest-httpserver) serving saved GraphQL answers written from
GitHub's documented schema (``tests/fixtures/github/``); never the live API."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from generator.cli import main
from generator.content.votes import Vote, dump_votes, parse_votes, votes_from_discussions
from generator.services.github import QUERY

FIXTURES = Path(__file__).parent / "fixtures" / "github"
PAGE_1 = json.loads((FIXTURES / "discussions-page-1.json").read_text(encoding="utf-8"))
PAGE_2 = json.loads((FIXTURES / "discussions-page-2.json").read_text(encoding="utf-8"))
CONFIG = """discussion:
  repository: papershelf/papershelf
  repository_id: R_kgDOexample
  category: Papers
  category_id: DIC_kwDOexample4CAAAA
"""
SLUGS = (
    "qlora-efficient-finetuning-of-quantized-llms",
    "melange-cost-efficient-large-language-model-serving-by-exploiting-gpu",
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERSHELF_HTTP_BACKOFF", "0")
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    (tmp_path / "content" / "papers").mkdir(parents=True)
    for slug in SLUGS:
        (tmp_path / "content" / "papers" / f"{slug}.md").write_text(
            "---\ntitle: T\ndate: 2025-07-08\n---\n\nA.\n", encoding="utf-8"
        )
    (tmp_path / "site_config.yml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def graphql(httpserver: HTTPServer, seen: list[dict[str, object]]) -> None:
    """Answer the discussions query as GitHub does: page 1 without a cursor, page 2 after it."""

    def answer(request: Request) -> Response:
        body = json.loads(request.get_data())
        seen.append({"auth": request.headers.get("Authorization"), **body})
        after = body["variables"]["after"]
        page = PAGE_1 if after is None else PAGE_2
        if after not in (None, PAGE_1["data"]["repository"]["discussions"]["pageInfo"]["endCursor"]):
            return Response("{}", status=400)
        return Response(json.dumps(page), content_type="application/json")

    httpserver.expect_request("/graphql", method="POST").respond_with_handler(answer)


def test_votes_reads_every_page_and_writes_votes_json(
    shelf: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAPERSHELF_GITHUB_GRAPHQL", httpserver.url_for("/graphql"))
    seen: list[dict[str, object]] = []
    graphql(httpserver, seen)
    assert main(["votes"]) == 0
    assert "3 discussions read: 2 papers, 7 votes (1 discussions name no paper" in capsys.readouterr()[0]
    assert [s["variables"]["after"] for s in seen] == [  # type: ignore[index]
        None,
        PAGE_1["data"]["repository"]["discussions"]["pageInfo"]["endCursor"],
    ]
    assert all(s["auth"] == "bearer test-token" and s["query"] == QUERY for s in seen)
    assert seen[0]["variables"] == {  # the repository and category of site_config.yml
        "owner": "papershelf",
        "name": "papershelf",
        "categoryId": "DIC_kwDOexample4CAAAA",
        "after": None,
    }
    written = (shelf / "content" / "votes.json").read_text(encoding="utf-8")
    assert json.loads(written) == {  # 4 thumbs up + 3 upvotes; rockets are not votes
        "qlora-efficient-finetuning-of-quantized-llms": {
            "up": 7,
            "discussion": "https://github.com/papershelf/papershelf/discussions/1",
        },
        "melange-cost-efficient-large-language-model-serving-by-exploiting-gpu": {
            "up": 0,
            "discussion": "https://github.com/papershelf/papershelf/discussions/3",
        },
    }
    assert written.splitlines()[1].startswith('  "melange')  # one paper a line, by slug
    assert parse_votes(written)[1] == []

    assert main(["votes"]) == 0  # the same answers: the file is left alone
    assert "content/votes.json unchanged" in capsys.readouterr()[0]


@pytest.mark.parametrize("broken", ["offline", "error", "not json", "refused"])
def test_a_failed_run_is_one_line_and_changes_nothing(
    broken: str,
    shelf: Path,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = '{\n  "qlora-efficient-finetuning-of-quantized-llms": {"up": 1}\n}\n'
    (shelf / "content" / "votes.json").write_text(before, encoding="utf-8")
    if broken == "offline":
        monkeypatch.setenv("PAPERSHELF_GITHUB_GRAPHQL", f"http://127.0.0.1:{closed_port()}/graphql")
    else:
        monkeypatch.setenv("PAPERSHELF_GITHUB_GRAPHQL", httpserver.url_for("/graphql"))
        if broken == "error":  # the first page is fine, the second an error answer
            httpserver.expect_ordered_request("/graphql", method="POST").respond_with_json(PAGE_1)
            httpserver.expect_ordered_request("/graphql", method="POST").respond_with_data(
                (FIXTURES / "error.json").read_bytes(), content_type="application/json"
            )
        elif broken == "not json":
            httpserver.expect_request("/graphql", method="POST").respond_with_data("<html>", content_type="text/html")
        else:
            httpserver.expect_request("/graphql", method="POST").respond_with_data("Bad credentials", status=401)
    assert main(["votes"]) == 1
    err = capsys.readouterr()[1]
    assert err.count("\n") == 1, err
    assert err.startswith("error: GitHub's GraphQL API") and err.rstrip().endswith("content/votes.json is unchanged")
    if broken == "offline":
        assert "could not be reached" in err and "PAPERSHELF_GITHUB_GRAPHQL" in err
    if broken == "error":
        assert "Could not resolve to a Repository" in err
    assert (shelf / "content" / "votes.json").read_text(encoding="utf-8") == before


def test_votes_needs_discussion_settings_and_a_token(
    shelf: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main(["votes"]) == 1
    assert "GITHUB_TOKEN is not set" in capsys.readouterr()[1]
    (shelf / "site_config.yml").write_text("", encoding="utf-8")
    assert main(["votes"]) == 2
    assert "discussion: is not set" in capsys.readouterr()[1]
    assert not (shelf / "content" / "votes.json").exists()


def test_votes_json_problems_name_their_line() -> None:
    text = (
        "{\n"
        '  "a-paper": {"up": 3, "discussion": "https://github.com/o/r/discussions/1"},\n'
        '  "b-paper": {"up": -1},\n'
        '  "Not A Slug": {"up": 1},\n'
        '  "c-paper": {"up": 2, "discussion": "javascript:alert(1)"},\n'
        '  "gone": {"up": 2, "extra": 1},\n'
        '  "d-paper": {"up": true}\n'
        "}\n"
    )
    votes, problems = parse_votes(text, {"a-paper": 1, "b-paper": 1, "c-paper": 1, "d-paper": 1})
    assert votes == {"a-paper": Vote(3, "https://github.com/o/r/discussions/1")}
    assert [(p.line, p.field) for p in problems] == [
        (3, "b-paper"),
        (4, "Not A Slug"),
        (5, "c-paper"),
        (6, "gone"),
        (7, "d-paper"),
    ]
    assert parse_votes('{"a-paper": {"up": 1}}', {})[1][0].level == "notice"  # a paper no longer on the shelf
    broken = parse_votes('{\n  "a": {"up": 1},\n  "a": {"up": 2}\n}')[1]
    assert (
        broken[0].format("content/votes.json")
        == "content/votes.json:3: file: names 'a' twice — keep one entry per paper"
    )
    assert parse_votes('{\n  "a": {"up": 1}\n')[1][0].format("v").startswith("v:3: file: is not valid JSON")
    assert parse_votes("[]")[1][0].message.startswith("must be one JSON object")


def test_votes_are_counted_from_thumbs_up_and_upvotes_and_dumped_in_order() -> None:
    nodes = PAGE_1["data"]["repository"]["discussions"]["nodes"] + PAGE_2["data"]["repository"]["discussions"]["nodes"]
    votes, others = votes_from_discussions(nodes, dict.fromkeys(SLUGS))
    assert others == 1 and votes[SLUGS[0]].up == 7
    assert dump_votes(votes) == dump_votes(dict(reversed(list(votes.items()))))
    assert dump_votes({}) == "{}\n"


def test_an_unreadable_settings_file_is_one_line_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "site_config.yml"
    config.write_bytes(b"title: \xff\xfe not UTF-8\n")
    content = tmp_path / "content"
    content.mkdir()
    assert main(["votes", "--config", str(config), "--content", str(content)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {config}: cannot be read"), err
    assert not (content / "votes.json").exists()
