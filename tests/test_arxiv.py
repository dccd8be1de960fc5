"""The arXiv API: ``new --arxiv ID`` and ``enrich``, against a real HTTP server on 127.0.0.1
(pytest-httpserver) serving saved Atom answers written from arXiv's documented format."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from generator.cli import main
from generator.content.enrichment import Found, best_match, fill, match_key
from generator.content.pages import read_page, to_front_matter
from generator.core.model import Paper
from generator.readers.arxiv_atom import read_arxiv_atom
from generator.services.arxiv import DEFAULT_INTERVAL, arxiv_client

ARXIV = Path(__file__).parent / "fixtures" / "arxiv"
RECORDS = Path(__file__).parent / "fixtures" / "records"
DAY = dt.date(2025, 7, 8)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", httpserver.url_for("/api/query"))
    monkeypatch.setenv("PAPERSHELF_ARXIV_INTERVAL", "0")
    monkeypatch.setenv("PAPERSHELF_HTTP_BACKOFF", "0")
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "site_config.yml").write_text("taxonomy:\n  - name: Fine-tuning and adaptation\n", "utf-8")
    return tmp_path / "content" / "papers"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --------------------------------------------------------------------------- matching, pure


def test_only_an_exact_normalised_title_matches() -> None:
    records, _ = read_arxiv_atom((ARXIV / "search-qlora.atom.xml").read_bytes())
    match = best_match("qlora:  efficient finetuning of quantized llms", records)  # case and spacing
    assert match.found is not None and match.found.arxiv == "2305.14314"  # not the "… and Beyond" paper
    melange, _ = read_arxiv_atom((ARXIV / "search-melange.atom.xml").read_bytes())
    title = "Mélange: Cost Efficient Large Language Model Serving by Exploiting GPU Heterogeneity"
    assert best_match(title, melange).found is not None  # arXiv wrote M\'elange
    assert best_match(
        "Ｍélange: Cost Efficient Large Language Model Serving by Exploiting GPU Heterogeneity", melange
    ).found
    lookalikes, _ = read_arxiv_atom((ARXIV / "search-lookalike.atom.xml").read_bytes())
    miss = best_match("Attention Is All You Need", lookalikes)
    assert miss.found is None and "Attention Is Not All You Need" in miss.note
    two, _ = read_arxiv_atom((ARXIV / "search-ambiguous.atom.xml").read_bytes())
    assert (
        "several arXiv papers have this exact title (1501.00002, 2101.00001)" in best_match("Deep Learning", two).note
    )
    assert match_key("M\\'elange") == match_key("mélange")


def test_fill_never_replaces_what_a_person_wrote() -> None:
    found = Found("2305.14314", "QLoRA", ("Tim Dettmers",), dt.date(2023, 5, 23), "cs.LG", None)
    mine = Paper(slug="q", title="QLoRA", date=DAY, authors=("T. Dettmers",), published=dt.date(2023, 6, 1))
    filled, fields = fill(mine, found)
    assert fields == ["arxiv", "category"]
    assert (filled.authors, filled.published, filled.arxiv) == (("T. Dettmers",), dt.date(2023, 6, 1), "2305.14314")
    with_pdf = Paper(slug="q", title="QLoRA", date=DAY, pdf="https://example.org/q.pdf")
    filled, fields = fill(with_pdf, found)
    assert filled.arxiv is None and "category" not in fields and fields == ["authors", "published"]


# --------------------------------------------------------------------------- new --arxiv


def test_new_fetches_the_record(shelf: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
    query = {"id_list": "2305.14314", "max_results": "1"}
    httpserver.expect_request("/api/query", query_string=query).respond_with_data(
        (RECORDS / "arxiv-2305.14314.atom.xml").read_bytes(), content_type="application/atom+xml"
    )
    assert main(["new", "--arxiv", "arXiv:2305.14314v2", "--date", "2025-07-08"]) == 0
    assert "wrote content/papers/qlora-efficient-finetuning-of-quantized-llms.md" in capsys.readouterr()[0]
    page, problems = read_page(shelf / "qlora-efficient-finetuning-of-quantized-llms.md")
    assert problems == [] and page is not None
    assert (page.arxiv, page.date, page.published, page.category) == ("2305.14314", DAY, dt.date(2023, 5, 23), "cs.LG")
    assert page.authors == ("Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer")
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("PaperShelf/")


def test_new_without_a_date_lists_the_paper_today(shelf: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data((RECORDS / "arxiv-2305.14314.atom.xml").read_bytes())
    assert main(["new", "--arxiv", "2305.14314"]) == 0
    page, _ = read_page(shelf / "qlora-efficient-finetuning-of-quantized-llms.md")
    assert page is not None and page.date == dt.date.today() and page.published == dt.date(2023, 5, 23)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (503, b"down", "error: arXiv answered HTTP 503 (a server error) — try again later (nothing was written)"),
        (429, b"slow down", "error: arXiv is rate-limiting requests (HTTP 429) — wait a few minutes"),
        (200, b"<feed", "error: arXiv sent an answer that cannot be read: not well-formed XML"),
        (200, (RECORDS / "arxiv-error.atom.xml").read_bytes(), "error: arXiv has no paper 2305.14314 (the response is"),
        (200, (ARXIV / "search-empty.atom.xml").read_bytes(), "error: arXiv has no paper 2305.14314 — check the id"),
    ],
)
def test_new_stops_in_one_line_and_writes_nothing(
    shelf: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], status: int, body: bytes, message: str
) -> None:
    httpserver.expect_request("/api/query").respond_with_data(body, status=status)
    assert main(["new", "--arxiv", "2305.14314"]) == 2
    err = capsys.readouterr()[1]
    assert err.startswith(message) and err.count("\n") == 1
    assert list(shelf.iterdir()) == []
    assert len(httpserver.log) == (4 if status != 200 else 1)  # 429 and 5xx are retried, then given up


def test_new_offline(shelf: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"http://127.0.0.1:{closed_port()}/api/query")
    assert main(["new", "--arxiv", "2305.14314"]) == 2
    err = capsys.readouterr()[1]
    assert err.startswith("error: arXiv could not be reached at http://127.0.0.1:") and err.count("\n") == 1
    assert "PAPERSHELF_ARXIV_API" in err and list(shelf.iterdir()) == []


def test_the_interval_between_calls(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> None:
    monkeypatch.delenv("PAPERSHELF_ARXIV_INTERVAL", raising=False)
    assert arxiv_client().interval == DEFAULT_INTERVAL == 3.0  # arXiv's terms
    monkeypatch.setenv("PAPERSHELF_ARXIV_INTERVAL", "0.4")
    httpserver.expect_request("/x").respond_with_data("ok")
    client = arxiv_client()
    start = time.monotonic()
    for _ in range(3):
        assert client.get(httpserver.url_for("/x")) == b"ok"
    assert time.monotonic() - start >= 0.8  # two waits of 0.4 s between three calls


# --------------------------------------------------------------------------- enrich


def page(folder: Path, slug: str, title: str, **fields: object) -> Path:
    fields.setdefault("abstract", f"The abstract of {title}.")  # a page without one is refused
    path = folder / f"{slug}.md"
    path.write_text(to_front_matter(Paper(slug=slug, title=title, date=DAY, **fields)), encoding="utf-8")  # type: ignore[arg-type]
    return path


def serve_searches(httpserver: HTTPServer) -> None:
    for phrase, fixture in (
        ("QLoRA Efficient Finetuning of Quantized LLMs", "search-qlora.atom.xml"),
        (
            "Mélange Cost Efficient Large Language Model Serving by Exploiting GPU Heterogeneity",
            "search-melange.atom.xml",
        ),
        ("Attention Is All You Need", "search-lookalike.atom.xml"),
        ("Deep Learning", "search-ambiguous.atom.xml"),
    ):
        httpserver.expect_request(
            "/api/query", query_string={"search_query": f'ti:"{phrase}"', "max_results": "10"}
        ).respond_with_data((ARXIV / fixture).read_bytes(), content_type="application/atom+xml")


def make_shelf(shelf: Path) -> None:
    page(shelf, "qlora", "QLoRA: Efficient Finetuning of Quantized LLMs", authors=("Someone Wrote This",))
    page(shelf, "melange", "Mélange: Cost Efficient Large Language Model Serving by Exploiting GPU Heterogeneity")
    page(shelf, "attention", "Attention Is All You Need")
    page(shelf, "deep", "Deep Learning")
    page(shelf, "known", "Already Known", arxiv="2101.00003")


def test_enrich_fills_exact_matches_and_only_empty_fields(
    shelf: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    make_shelf(shelf)
    serve_searches(httpserver)
    known = (shelf / "known.md").read_bytes()
    assert main(["enrich"]) == 0
    out = capsys.readouterr()[0]
    assert "4 pages looked up (4 asked arXiv, 0 from the cache): filled 2, 2 without an exact match" in out
    assert "no exact match for content/papers/attention.md: closest arXiv title was 'Attention Is Not" in out
    assert "several arXiv papers have this exact title" in out
    qlora, _ = read_page(shelf / "qlora.md")
    assert qlora is not None
    assert (qlora.arxiv, qlora.published, qlora.category) == ("2305.14314", dt.date(2023, 5, 23), "cs.LG")
    assert qlora.authors == ("Someone Wrote This",)  # a person wrote them: kept
    melange, _ = read_page(shelf / "melange.md")
    assert melange is not None and melange.arxiv == "2404.14527" and melange.doi == "10.1234/melange.2024"
    assert melange.authors == ("Tyler Griggs", "Xiaoxuan Liu", "Ion Stoica") and melange.date == DAY
    attention, _ = read_page(shelf / "attention.md")
    assert attention is not None and attention.arxiv is None  # a look-alike is never taken
    assert (shelf / "known.md").read_bytes() == known
    assert main(["validate"]) == 0

    # A rerun asks arXiv nothing: every title is in the cache.
    before, calls = snapshot(shelf), len(httpserver.log)
    assert main(["enrich"]) == 0
    assert "2 pages looked up (0 asked arXiv, 2 from the cache): filled 0" in capsys.readouterr()[0]
    assert len(httpserver.log) == calls and snapshot(shelf) == before
    cache = json.loads((shelf.parent.parent / ".cache" / "papershelf" / "arxiv-titles.json").read_text("utf-8"))
    assert cache["titles"][match_key("Attention Is All You Need")]["found"] is None


def test_enrich_dry_run_prints_a_diff_and_writes_no_page(
    shelf: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    make_shelf(shelf)
    serve_searches(httpserver)
    before = snapshot(shelf)
    assert main(["enrich", "--dry-run", "content/papers/qlora.md"]) == 0
    out = capsys.readouterr()[0]
    assert "--- a/content/papers/qlora.md\n+++ b/content/papers/qlora.md\n" in out
    assert "+published: 2023-05-23\n" in out and "+arxiv: '2305.14314'\n" in out and "+category: cs.LG\n" in out
    assert "would fill 1" in out and snapshot(shelf) == before
    assert len(httpserver.log) == 1  # only the page named


def test_enrich_unreachable_or_rate_limited_writes_no_page(
    shelf: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_shelf(shelf)
    before = snapshot(shelf)
    httpserver.expect_request("/api/query").respond_with_data("", status=429, headers={"Retry-After": "0"})
    assert main(["enrich"]) == 2
    err = capsys.readouterr()[1]
    assert err.count("\n") == 1 and err.startswith("error: arXiv is rate-limiting requests (HTTP 429) — wait a few")
    assert err.endswith("(no page was written)\n")
    monkeypatch.setenv("PAPERSHELF_ARXIV_API", f"http://127.0.0.1:{closed_port()}/api/query")
    assert main(["enrich"]) == 2
    err = capsys.readouterr()[1]
    assert err.startswith("error: arXiv could not be reached") and err.count("\n") == 1
    assert snapshot(shelf) == before


def test_enrich_does_not_give_one_paper_two_pages(
    shelf: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page(shelf, "qlora", "QLoRA: Efficient Finetuning of Quantized LLMs")
    page(shelf, "qlora-imported", "QLoRA (imported)", arxiv="2305.14314")
    serve_searches(httpserver)
    assert main(["enrich"]) == 0
    out = capsys.readouterr()[0]
    assert "not filled content/papers/qlora.md: arXiv 2305.14314 is already on content/papers/qlora-imported.md" in out
