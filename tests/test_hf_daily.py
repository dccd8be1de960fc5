"""Hugging Face Daily Papers: the reader on saved responses, and ``import --hf-daily`` against a
real HTTP server on 127.0.0.1 (pytest-httpserver) serving them; never the live service."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from generator.cli import main
from generator.content.pages import read_page
from generator.readers.hf_daily import DailyError, read_hf_daily

FIXTURES = Path(__file__).parent / "fixtures" / "hf"
DAY = dt.date(2025, 7, 8)
RESPONSE = (FIXTURES / "hf-daily-2025-07-08.json").read_bytes()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERSHELF_HTTP_BACKOFF", "0")
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "content" / "sources").mkdir()
    return tmp_path


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- the reader


def test_reader_takes_every_documented_field() -> None:
    result = read_hf_daily(RESPONSE, date=DAY, source="sources/hf-daily-2025-07-08.json")
    by_rank = {p.rank: p for p in result.papers}
    assert sorted(by_rank) == [1, 2, 4]
    qlora = by_rank[1]
    assert (qlora.arxiv, qlora.title, qlora.date, qlora.published) == (
        "2305.14314",
        "QLoRA: Efficient Finetuning of Quantized LLMs",
        DAY,  # the listing date
        dt.date(2023, 5, 23),  # arXiv's first version
    )
    assert qlora.authors == ("Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer")
    assert (qlora.upvotes, qlora.hf_submitter, qlora.code) == (57, "akhaliq", "https://github.com/artidoro/qlora")
    assert [(link.label, link.url) for link in qlora.links] == [("Project page", "https://qlora.example.org/")]
    assert qlora.source == "sources/hf-daily-2025-07-08.json" and qlora.submitted_by is None
    melange = by_rank[2]
    assert melange.arxiv == "2404.14527"  # the version is dropped
    assert melange.title == "Mélange: Cost Efficient Large Language Model Serving"  # TeX accent resolved
    assert "$O(n^2)$" in melange.abstract  # math kept
    unicode = by_rank[4]
    assert unicode.arxiv == "2502.01234"  # "arXiv:" prefix dropped
    assert unicode.authors == ("José Müller", "Zoë Šťastná", "李小龙", "Søren Ærø")
    assert unicode.title == "Ünïcödé Authors and Markup in Titles"
    assert "with a <tag> in it" in unicode.abstract  # entities decoded; the page escapes it
    assert unicode.code is None and unicode.hf_submitter == "jose.muller"


def test_reader_reports_each_bad_record_and_keeps_the_others() -> None:
    result = read_hf_daily(RESPONSE, date=DAY)
    assert result.withdrawn == [(3, "item 3 (2501.00001) was withdrawn on 2025-07-08")]
    lines = [(p.line, p.skipped, p.message) for p in result.problems]
    assert lines == [
        (4, False, "item 4 (2502.01234): the title held HTML markup, which was removed"),
        (
            4,
            False,
            "item 4 (2502.01234): githubRepo 'http://insecure.example.org/repo' is not an https:// URL; left out",
        ),
        (5, True, "item 5: is not a paper record (no 'paper' object)"),
        (6, True, "item 6: 'not-an-id' is not an arXiv id"),
        (7, True, "item 7 (2305.14314): is listed twice (first as item 1); kept once"),
        (8, True, "item 8 (2503.00042): has no title"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ((FIXTURES / "hf-daily-malformed.json").read_bytes(), "the response is not valid JSON (line 1, column"),
        (b'{"error": "Invalid date"}', "the response is a Hugging Face error: 'Invalid date'"),
        (b'{"papers": []}', "expected a JSON list of papers"),
        (b"\xff\xfe", "the response is not UTF-8"),
        ((FIXTURES / "hf-daily-other-day.json").read_bytes(), "is the listing of 2025-07-07, not of 2025-07-08"),
    ],
)
def test_unreadable_responses_are_one_error(data: bytes, message: str) -> None:
    with pytest.raises(DailyError) as err:
        read_hf_daily(data, date=DAY)
    assert message in str(err.value) and "\n" not in str(err.value)


# --------------------------------------------------------------------------- the command


def serve_day(httpserver: HTTPServer, body: bytes = RESPONSE, day: str = "2025-07-08") -> None:
    httpserver.expect_request("/api/daily_papers", query_string={"date": day}).respond_with_data(
        body, content_type="application/json"
    )


def test_import_hf_daily_fetches_saves_and_imports(
    shelf: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    serve_day(httpserver)
    assert main(["import", "--hf-daily", "2025-07-08"]) == 1  # four records could not be read
    out, err = capsys.readouterr()
    assert "3 new, 0 unchanged, 0 skipped, 0 errors, 4 records not read, 1 withdrawn" in out
    assert "skipped item 3 (2501.00001) was withdrawn on 2025-07-08" in err
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("PaperShelf/")
    saved = shelf / "content" / "sources" / "hf-daily-2025-07-08.json"
    assert json.loads(saved.read_text(encoding="utf-8")) == json.loads(RESPONSE)  # the response, reviewable
    page, problems = read_page(shelf / "content" / "papers" / "qlora-efficient-finetuning-of-quantized-llms.md")
    assert problems == [] and page is not None
    assert (page.rank, page.upvotes, page.hf_submitter, page.published) == (1, 57, "akhaliq", dt.date(2023, 5, 23))
    text = (shelf / "content" / "papers" / "unicode-authors-and-markup-in-titles.md").read_text(encoding="utf-8")
    assert "José Müller" in text and "李小龙" in text  # UTF-8 intact, not \u escapes
    before = {p: p.read_bytes() for p in (shelf / "content").rglob("*") if p.is_file()}

    # The same day again: read from content/sources, nothing fetched, nothing changed.
    assert main(["import", "--hf-daily", "2025-07-08"]) == 1
    assert len(httpserver.log) == 1
    assert "0 new, 3 unchanged" in capsys.readouterr()[0]
    assert {p: p.read_bytes() for p in (shelf / "content").rglob("*") if p.is_file()} == before

    # Fetched again (--refresh), the same answer still changes nothing.
    assert main(["import", "--hf-daily", "2025-07-08", "--refresh"]) == 1
    assert len(httpserver.log) == 2
    assert {p: p.read_bytes() for p in (shelf / "content").rglob("*") if p.is_file()} == before


def test_import_of_a_saved_response_is_the_same_import(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = shelf / "content" / "sources" / "hf-daily-2025-07-08.json"
    saved.write_bytes(RESPONSE)
    assert main(["import", str(saved)]) == 1
    assert "3 new" in capsys.readouterr()[0]
    page, _ = read_page(shelf / "content" / "papers" / "melange-cost-efficient-large-language-model-serving.md")
    assert page is not None and (page.rank, page.source) == (2, "sources/hf-daily-2025-07-08.json")
    other = shelf / "listing.json"
    other.write_bytes(RESPONSE)
    assert main(["import", str(other)]) == 2  # no date in the name
    assert "pass --date YYYY-MM-DD" in capsys.readouterr()[1]
    assert main(["import", str(other), "--date", "2025-07-08"]) == 1
    # The same fields under another file's name: nothing to fill, nothing differs (the source is the page's).
    assert "0 new, 3 unchanged, 0 skipped" in capsys.readouterr()[0]
    again, _ = read_page(shelf / "content" / "papers" / "melange-cost-efficient-large-language-model-serving.md")
    assert again == page


def test_a_shared_title_is_reported_as_the_listing_import_reports_it(
    shelf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A different paper (another arXiv id) with the title of one on the shelf is written beside
    it, with the writer's warning on stderr, as ``import LISTING`` says it."""
    other = shelf / "content" / "papers" / "qlora-an-older-paper.md"
    title = "title: 'QLoRA: Efficient Finetuning of Quantized LLMs'"
    text = f"---\n{title}\ndate: 2024-01-01\narxiv: '2401.00001'\n---\n\nOld.\n"
    other.write_text(text, "utf-8")
    saved = shelf / "content" / "sources" / "hf-daily-2025-07-08.json"
    saved.write_bytes(RESPONSE)
    main(["import", str(saved)])
    err = capsys.readouterr()[1]
    assert "warning: " in err and f"shares its title with {Path('content/papers') / other.name}" in err


def test_nothing_on_the_shelf_is_lost(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A page a person wrote for the same paper keeps every field it has (its date and abstract
    differ from the response's: kept, and reported) and gains the fields it lacked (reported)."""
    mine = shelf / "content" / "papers" / "qlora-efficient-finetuning-of-quantized-llms.md"
    text = "---\ntitle: 'QLoRA: Efficient Finetuning of Quantized LLMs'\ndate: 2025-07-01\n---\n\nMine.\n"
    mine.write_text(text, "utf-8")
    saved = shelf / "content" / "sources" / "hf-daily-2025-07-08.json"
    saved.write_bytes(RESPONSE)
    main(["import", str(saved)])
    page, _ = read_page(mine)
    assert page is not None
    assert (page.date, page.abstract, page.source) == (dt.date(2025, 7, 1), "Mine.", None)
    assert (page.arxiv, page.rank, page.authors[0]) == ("2305.14314", 1, "Tim Dettmers")
    err = capsys.readouterr()[1]
    name = Path("content/papers") / mine.name
    assert f"filled {name}: published, authors, arxiv, code, links, rank, upvotes, hf_submitter\n" in err
    assert (
        f"kept {name}: date, abstract differ from sources/hf-daily-2025-07-08.json (the page names no source):"
        " kept the page's; use --force to take them from this source\n" in err
    )
    assert "edited by hand" not in err


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [
        (503, {}, "Hugging Face answered HTTP 503 (a server error) — try again later (nothing was written)"),
        (429, {"Retry-After": "0"}, "Hugging Face is rate-limiting requests (HTTP 429) — wait a few minutes"),
        (404, {}, "Hugging Face answered HTTP 404 for http://"),
    ],
)
def test_service_errors_are_one_line_and_write_nothing(
    shelf: Path,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: int,
    headers: dict[str, str],
    message: str,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    httpserver.expect_request("/api/daily_papers").respond_with_data("busy", status=status, headers=headers)
    assert main(["import", "--hf-daily", "2025-07-08"]) == 2
    err = capsys.readouterr()[1]
    assert err.count("\n") == 1 and message in err
    assert len(httpserver.log) == (4 if status in (429, 503) else 1)  # retried, then stopped
    assert files(shelf) == []


def test_a_retry_after_a_busy_answer_succeeds(
    shelf: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    httpserver.expect_oneshot_request("/api/daily_papers").respond_with_data(
        "", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_oneshot_request("/api/daily_papers").respond_with_data("", status=502)
    serve_day(httpserver)
    start = time.monotonic()
    assert main(["import", "--hf-daily", "2025-07-08"]) == 1
    assert time.monotonic() - start >= 1.0  # Retry-After was honoured
    assert len(httpserver.log) == 3 and "3 new" in capsys.readouterr()[0]


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("hf-daily-malformed.json", "the response is not valid JSON"),
        ("hf-daily-other-day.json", "the response is the listing of 2025-07-07, not of 2025-07-08"),
    ],
)
def test_a_malformed_answer_writes_nothing(
    shelf: Path,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fixture: str,
    message: str,
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    serve_day(httpserver, (FIXTURES / fixture).read_bytes())
    assert main(["import", "--hf-daily", "2025-07-08"]) == 2
    err = capsys.readouterr()[1]
    assert err.count("\n") == 1 and message in err and "Hugging Face Daily Papers of 2025-07-08" in err
    assert files(shelf) == []


def test_offline_is_one_line_naming_the_service(
    shelf: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    assert main(["import", "--hf-daily", "2025-07-08"]) == 2
    err = capsys.readouterr()[1]
    assert err.count("\n") == 1
    assert err.startswith("error: Hugging Face could not be reached at http://127.0.0.1:")
    assert "check the network connection (and HF_ENDPOINT, if it is set)" in err and "nothing was written" in err
    assert files(shelf) == []


def test_an_empty_day_writes_nothing(
    shelf: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    serve_day(httpserver, (FIXTURES / "hf-daily-empty.json").read_bytes())
    assert main(["import", "--hf-daily", "2025-07-08"]) == 0
    assert "no papers to import" in capsys.readouterr()[0]
    assert files(shelf) == []


def test_bad_arguments(shelf: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--hf-daily", "2025-02-30"]) == 2
    assert "is not a real date" in capsys.readouterr()[1]
    assert main(["import"]) == 2
    assert "give a listing file or --hf-daily" in capsys.readouterr()[1]
    monkeypatch.setenv("HF_ENDPOINT", "file:///etc")
    assert main(["import", "--hf-daily", "2025-07-08"]) == 2
    assert "HF_ENDPOINT='file:///etc' is not an http(s) URL" in capsys.readouterr()[1]
