"""The search indexer in service mode (``generator.search.IndexService``), outside a build:
pages in, a canonical index out, and a clear error, not a hang, when the indexer fails."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from generator.search import pagefind as search
from generator.search.pagefind import IndexService, SearchIndexError

BODY = (
    "<article data-pagefind-body><h1>{title}</h1><p data-pagefind-ignore>not indexed</p>"
    '<span data-pagefind-filter="year:{year}" data-pagefind-meta="date:{year}-01-02" hidden></span>'
    "<p>{text}</p></article>"
)


def _fragments(index: Path) -> dict[str, dict]:
    out = {}
    for path in (index / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{") :])
        out[fragment["url"]] = fragment
    return out


def test_pages_added_one_by_one_make_an_index(tmp_path: Path) -> None:
    service = IndexService()
    service.add_page("/papers/quokka/", BODY.format(title="Quokka habits", year=2024, text="Quokkas smile."))
    service.add_page("/papers/wombat/", BODY.format(title="Wombat burrows", year=2025, text="Wombats dig & rest."))
    service.write(tmp_path / "pagefind")
    result = service.finish()

    assert result.pages == 2
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()
    fragments = _fragments(tmp_path / "pagefind")
    assert sorted(fragments) == ["/papers/quokka/", "/papers/wombat/"]
    wombat = fragments["/papers/wombat/"]
    assert wombat["meta"]["title"] == "Wombat burrows"
    assert wombat["meta"]["date"] == "2025-01-02"
    assert wombat["filters"]["year"] == ["2025"]
    assert "not indexed" not in wombat["content"]
    assert "Wombats dig & rest." in wombat["content"]


def test_same_pages_give_the_same_index_bytes(tmp_path: Path) -> None:
    trees = []
    for run in ("a", "b"):
        service = IndexService()
        for n in range(5):
            service.add_page(f"/papers/p{n}/", BODY.format(title=f"Paper {n}", year=2020 + n, text=f"word{n} common"))
        service.write(tmp_path / run)
        service.finish()
        trees.append(
            {
                p.relative_to(tmp_path / run).as_posix(): p.read_bytes()
                for p in (tmp_path / run).rglob("*")
                if p.is_file()
            }
        )
    assert trees[0].keys() == trees[1].keys()
    assert [name for name in trees[0] if trees[0][name] != trees[1][name]] == []


def test_an_indexer_that_dies_gives_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    script = "import sys; sys.stderr.write('indexer broke\\n'); sys.exit(3)"
    monkeypatch.setattr(search, "service_command", lambda: [sys.executable, "-c", script])
    with pytest.raises(SearchIndexError, match="indexer broke"):
        IndexService()


def test_a_missing_indexer_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(search, "service_command", lambda: [str(tmp_path / "no-such-pagefind"), "--service"])
    with pytest.raises(SearchIndexError, match="cannot run the search indexer"):
        IndexService()


def test_cancel_stops_the_indexer(tmp_path: Path) -> None:
    service = IndexService()
    service.add_page("/papers/x/", BODY.format(title="X", year=2024, text="x"))
    service.cancel()
    assert service._proc.poll() is not None
    assert not (tmp_path / "pagefind").exists()


def test_an_indexer_that_answers_nonsense_gives_an_error_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    script = "import sys, time; sys.stdout.write('%%% not the protocol,'); sys.stdout.flush(); time.sleep(60)"
    monkeypatch.setattr(search, "service_command", lambda: [sys.executable, "-c", script])
    with pytest.raises(SearchIndexError, match="could not be read"):
        IndexService()
