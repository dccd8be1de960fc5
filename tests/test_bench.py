"""The benchmark: synthetic papers are valid and distinct, and a small run produces every figure."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks import synthetic
from benchmarks.breakdown import breakdown, format_breakdown, kind_of, page_parts
from benchmarks.calibrate import text_vocabulary
from benchmarks.corpus import load_corpus, seed_papers, synthesize, write_ours
from benchmarks.measure import SET_ASIDE, measure_build
from benchmarks.queries import KINDS, MISSPELT, known_item_queries, misspell, top3_rates
from benchmarks.report import OURS_ONLY, ROWS
from benchmarks.static_server import serve_site
from generator.content.pages import parse_page, to_front_matter
from generator.core.site_identity import load_identity
from tests.conftest import ROOT


def test_synthetic_papers_are_distinct_valid_pages() -> None:
    papers = synthesize(seed_papers(), 500)
    assert len(papers) == 500
    assert len({p.slug for p in papers}) == 500
    assert len({p.title for p in papers}) == 500
    assert len({p.arxiv for p in papers if p.arxiv}) == sum(1 for p in papers if p.arxiv)
    assert len({p.date.year for p in papers}) >= 5
    assert len({p.abstract for p in papers}) > 400
    for paper in papers[::25]:
        parsed, problems = parse_page(to_front_matter(paper), paper.slug)
        assert problems == []
        assert parsed == paper


def test_synthesis_is_deterministic() -> None:
    seeds = seed_papers()
    assert synthesize(seeds, 300) == synthesize(seeds, 300)


@pytest.mark.slow
@pytest.mark.browser
def test_small_benchmark_run_prints_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "build", "--papers", "200", "--browser", "--quality", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout
    assert "200 papers (synthetic), 1 run" in table
    for label, key, unit in ROWS:
        name = f"{label} ({unit})" if unit else label
        line = next(line for line in table.splitlines() if line.startswith(name))
        ours, stock, _ratio = line[len(name) :].split()[:3]
        if key in OURS_ONLY:  # the stock site corrects no typo
            assert ours != "—" and stock in ("—", "0.00"), line
        else:
            assert ours != "—" and stock != "—", line  # every figure measured for both sites
    [result] = json.loads(out.read_text(encoding="utf-8"))
    assert result["papers"] == 200
    for site in ("ours", "stock"):
        [run] = result[site]
        for _, key, _ in ROWS:
            if key in ("idle_search_kb", "kb_per_paper") or (site == "stock" and key in OURS_ONLY):
                continue
            assert run[key] > 0, (site, key)
        assert len(run["typed"]) == 3 and all(len(query.split()) == 4 for query, *_ in run["typed"])
    # a page view downloads no search engine; the stock theme loads its whole index with every page
    assert result["ours"][0]["idle_search_kb"] == 0
    assert result["stock"][0]["idle_search_kb"] > 0
    assert result["ours"][0]["extra"]["typo_corrected"] == 1.0  # the misspelt probe word is corrected
    assert "site size per paper (KB)" in table and "≤ 16 KB/paper" in table
    assert result["ours"][0]["largest_paper_page_kb"] < 20  # a paper page stays small
    assert Path(result["ours"][0]["largest_page"]).suffix == ".html"
    # the engines' comparison: every engine asked every query, and the report says how each did
    assert set(result["quality"]) == {"PaperShelf", "Pagefind", "Material"}
    for rates in result["quality"].values():
        assert rates["known item"][1] == 60 and rates["misspelt"][1] == 20
        assert rates["known item"][0] >= 30  # a search that finds half the titles it is given works
    assert result["pagefind"]["files"] > 0
    assert "known-item search, paper in the top 3 (synthetic, 200 papers):" in table
    # where the files go: by folder and kind, and the average paper page by part
    extra = result["ours"][0]["extra"]
    assert extra["files of paper pages"] == extra["files in papers/"] == 200
    assert "files by folder" in table and "average paper page (200 of 200 pages)" in table


@pytest.mark.slow
def test_every_measured_build_stages_from_nothing(tmp_path: Path) -> None:
    """A deploy builds a fresh clone: a run of the benchmark must not find the last run's staged
    folder, whose unchanged files a stage only compares instead of writing; and it must not
    follow that folder's deletion either, which slows the creation of files (``set_aside``)."""
    project = write_ours(synthesize(seed_papers(), 20), tmp_path / "ours")
    staged = load_identity(project / "mkdocs.yml").docs_dir
    inodes = []
    for _ in range(2):
        figures = measure_build(project, tmp_path / "site")
        assert figures.files > 20
        page = next((staged / "papers").glob("*.md"))
        inodes.append((page.name, page.stat().st_ino, page.stat().st_mtime_ns))
    assert inodes[0][0] == inodes[1][0]
    assert inodes[0][1:] != inodes[1][1:]  # written anew by the second run, not left from the first
    # The first run's outputs were moved aside, not deleted just before the second build.
    aside = tmp_path / SET_ASIDE
    assert [p.stat().st_ino for p in aside.glob(f"*/{staged.name}/papers/{inodes[0][0]}")] == [inodes[0][1]]
    assert len(list(aside.glob("*/site/index.html"))) == 1


def test_static_server_gzips_text_like_github_pages(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>" + "hello " * 500, encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>not here", encoding="utf-8")
    (tmp_path / "font.woff2").write_bytes(b"\0" * 100)
    server, url = serve_site(tmp_path)
    try:

        def get(path: str, gz: bool = True) -> tuple[int, dict[str, str], bytes]:
            headers = {"Accept-Encoding": "gzip"} if gz else {}
            try:
                with urllib.request.urlopen(urllib.request.Request(url + path, headers=headers)) as r:
                    return r.status, dict(r.headers), r.read()
            except urllib.error.HTTPError as err:
                return err.code, dict(err.headers), err.read()

        status, headers, body = get("")
        assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == (tmp_path / "index.html").read_bytes()
        status, headers, body = get("", gz=False)  # a client that does not accept gzip gets the file
        assert "Content-Encoding" not in headers and body == (tmp_path / "index.html").read_bytes()
        status, headers, body = get("font.woff2")  # compressed already: sent as it is
        assert "Content-Encoding" not in headers and body == b"\0" * 100
        status, _, body = get("missing/")
        assert status == 404 and body == b"<p>not here"
    finally:
        server.shutdown()


def _record(ident: str, title: str, summary: str, **extra: object) -> str:
    fields = {"id": ident, "day": "2025-03-18", "title": title, "authors": ["A. One", "B. Two"]}
    return json.dumps({**fields, "categories": ["cs.CL", "cs.AI"], "summary": summary, **extra})


def test_corpus_reads_arxiv_records_and_names_the_lines_it_skips(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl.gz"
    lines = [
        _record("2503.00001", "Bridge:  A\n  Title", "First line\nwrapped here.\n  A second\nparagraph."),
        _record("2503.00002", "", "An abstract without a title."),
        "{not json",
        _record("2503.00003", "No Abstract", "   "),
        _record("2503.00004", "Mirror of $x^2$ Things", "Text with $O(n)$ math."),
    ]
    corpus.write_bytes(gzip.compress("\n".join(lines).encode()))
    said: list[str] = []
    papers = load_corpus(corpus, say=said.append)
    assert [p.arxiv for p in papers] == ["2503.00001", "2503.00004"]
    first = papers[0]
    assert first.title == "Bridge: A Title" and first.slug == "bridge-a-title"
    assert first.abstract == "First line wrapped here.\n\nA second paragraph."
    assert first.authors == ("A. One", "B. Two") and first.category == "cs.CL"
    assert said == [
        "corpus.jsonl.gz:2: skipped: no title",
        "corpus.jsonl.gz:3: skipped: not JSON (Expecting property name enclosed in double quotes)",
        "corpus.jsonl.gz:4: skipped: no abstract",
    ]
    for paper in papers:  # every paper is a valid page
        parsed, problems = parse_page(to_front_matter(paper), paper.slug)
        assert problems == [] and parsed == paper


def test_corpus_repeats_papers_with_their_own_ids_when_asked_for_more(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = [_record(f"2503.0000{i}", f"Paper {i}", f"Abstract {i}.") for i in range(1, 4)]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said: list[str] = []
    papers = load_corpus(corpus, 7, say=said.append)
    assert len(papers) == 7
    assert len({p.slug for p in papers}) == len({p.title for p in papers}) == len({p.arxiv for p in papers}) == 7
    assert papers[3].abstract == papers[0].abstract and papers[3].arxiv == "2403.00001"
    assert said == ["corpus.jsonl: 3 papers in the file, 7 asked for: repeating them with new titles and ids"]
    assert load_corpus(corpus, 2, say=said.append) == papers[:2]
    assert len(said) == 1  # nothing to say when the file holds enough


def test_real_shaped_papers_are_distinct_valid_pages() -> None:
    papers = synthetic.synthesize(1500)
    assert len({p.slug for p in papers}) == len({p.title.lower() for p in papers}) == 1500
    assert len({p.arxiv for p in papers}) == 1500
    counts = sorted(len(p.authors) for p in papers)
    assert 3 <= counts[len(counts) // 2] <= 8 and counts[-1] >= 20  # real lists: mostly a few names, some dozens
    assert 0.3 < sum(":" in p.title for p in papers) / 1500 < 0.7  # a name and a colon start half the titles
    text = " ".join(p.abstract for p in papers)
    assert "$" in text and "-" in text and any(c.isdigit() for c in text) and "\n\n" in text
    assert all(p.category for p in papers) and len({p.date for p in papers}) > 3
    for paper in papers[::15] + [p for p in papers if "$" in p.abstract][:20]:
        parsed, problems = parse_page(to_front_matter(paper), paper.slug)
        assert problems == [] and parsed == paper


def test_real_shaped_vocabulary_grows_as_real_text_does() -> None:
    """Heaps' law: four times the papers have far fewer than four times the words, but many more."""
    small, large = (text_vocabulary(synthetic.synthesize(n, seed=3)) for n in (500, 2000))
    assert 4**0.4 < large / small < 4**0.8


def test_real_shaped_synthesis_is_deterministic() -> None:
    assert synthetic.synthesize(200, seed=5) == synthetic.synthesize(200, seed=5)
    assert synthetic.synthesize(200, seed=5) != synthetic.synthesize(200, seed=6)


def test_known_item_queries_are_made_by_rule_one_paper_each() -> None:
    papers = synthetic.synthesize(800, seed=2)
    queries = known_item_queries(papers, per_kind=10, misspelt=10)
    assert queries == known_item_queries(papers, per_kind=10, misspelt=10)  # seeded: the same every run
    assert [q.kind for q in queries] == [k for k in (*KINDS, MISSPELT) for _ in range(10)]
    assert len({q.slug for q in queries}) == 40  # a different paper for each query
    by_slug = {p.slug: p for p in papers}
    known = {w for p in papers for w in re.findall(r"[a-z]+", f"{p.title} {p.abstract}".lower())}
    for q in queries:
        title = by_slug[q.slug].title
        if q.kind == "title start":
            assert title.startswith(q.text) and 3 <= len(q.text.split()) <= 5
        elif q.kind == "name":
            assert title.startswith(q.text + ":")
        elif q.kind == "two words":
            assert len(q.text.split()) == 2 and all(w.lower() in title.lower() for w in q.text.split())
        else:  # one word is no word of the collection, the others are the title's
            unknown = [w for w in q.text.lower().split() if w not in known and w.isalpha()]
            assert len(unknown) == 1, q
    hits = [[q.slug] if i % 2 else [] for i, q in enumerate(queries)]
    rates = top3_rates(queries, hits)
    assert rates["known item"] == (15, 30) and rates["misspelt"] == (5, 10)


def test_misspell_makes_one_edit() -> None:
    import random

    rng = random.Random(1)
    for word in ("transformer", "diffusion", "segmentation"):
        for _ in range(20):
            wrong = misspell(word, rng)
            assert wrong != word and wrong[0] == word[0] and abs(len(wrong) - len(word)) <= 1


def test_breakdown_accounts_for_every_file_byte_and_part_of_a_page(built_site: Path) -> None:
    files = [p for p in built_site.rglob("*") if p.is_file()]
    b = breakdown(built_site)
    assert b.files == len(files) == sum(b.folders.values()) == sum(b.kinds.values())
    assert b.bytes == sum(p.stat().st_size for p in files) == sum(b.kind_bytes.values())
    assert "other" not in b.kinds, [p for p in files if kind_of(p.relative_to(built_site).as_posix()) == "other"]
    pages = sorted((built_site / "papers").glob("*/index.html"))
    assert b.kinds["paper pages"] == b.paper_pages == b.sampled == len(pages) > 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parts = page_parts(html)
        assert sum(parts.values()) == len(html.encode()), page
        for part in ("head: citation tags", "head: OpenGraph/Twitter", "header", "tabs", "paper: abstract"):
            assert parts[part] > 0, (page, part)
    assert kind_of("assets/search-index/2/stems/ab.bin") == "search index"
    assert kind_of("topics/llm/atom.xml") == "feeds" and kind_of("topics/llm/index.html") == "listing pages"
    text = format_breakdown(b)
    assert f"average paper page ({len(pages)} of {len(pages)} pages)" in text and "papers/" in text


def test_a_synthetic_title_left_empty_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A title whose words were all left out (function words) would be a page without a title,
    which the build refuses: at 50,000 papers one was, and the benchmark's build failed."""
    drawn = iter(["", "  ", "First Title", "first title", "Second Title"])
    monkeypatch.setattr(synthetic.Generator, "title", lambda self: next(drawn))
    papers = synthetic.synthesize(2)
    assert [p.title for p in papers] == ["First Title", "Second Title"]
    for paper in papers:
        assert parse_page(to_front_matter(paper), paper.slug)[1] == []
