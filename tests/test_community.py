"""The community's shelf as staged: trending (score, decay, fallback to the listing's order),
reading lists' pages, feeds and BibTeX, a paper page naming its lists, the opt-in discussion,
and bad input (a list naming a missing paper, a duplicate, a note with markup, a malformed
votes.json, bad settings) named in one line each while the rest of the site stages."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.content.votes import Vote
from generator.core.model import Paper, sort_key
from generator.core.site_config import ConfigError, TrendingConfig, load_site_config
from generator.site.trending import ranked, score
from generator.stage import stage
from tests.conftest import copy_project

DAY = dt.date(2025, 7, 8)
ATOM = "{http://www.w3.org/2005/Atom}"
DISCUSSION = """
discussion:
  repository: papershelf/papershelf
  repository_id: R_kgDOexample
  category: Papers
  category_id: DIC_kwDOexample4CAAAA
"""


def paper(slug: str, days_ago: int = 0, upvotes: int | None = None, rank: int | None = None) -> Paper:
    return Paper(slug=slug, title=slug.upper(), date=DAY - dt.timedelta(days=days_ago), upvotes=upvotes, rank=rank)


# --------------------------------------------------------------------------- the score


def test_score_adds_both_sources_weighted_and_halves_every_half_life() -> None:
    config = TrendingConfig(vote_weight=2, upvote_weight=1, half_life_days=7)
    assert score(3, 4, 0, config) == 10
    assert score(3, 4, 7, config) == 5
    assert score(3, 4, 14, config) == 2.5
    assert score(0, 0, 0, config) == 0


def test_trending_orders_by_score_and_falls_back_to_the_listing_order() -> None:
    papers = sorted(
        [
            paper("old-but-loved", days_ago=6, upvotes=30),  # 30 × 0.5^(6/7) ≈ 16.6
            paper("new-voted", votes := 0, rank=3),
            paper("new-upvoted", upvotes=10, rank=2),  # 10
            paper("first-of-the-day", rank=1),
            paper("second-of-the-day", rank=2),
            paper("too-old", days_ago=7, upvotes=1000),  # outside the week
        ],
        key=sort_key,
    )
    assert votes == 0
    items, total = ranked(papers, {"new-voted": Vote(12)}, 7, TrendingConfig())
    assert total == 5
    assert [i.paper.slug for i in items] == [
        "old-but-loved",
        "new-voted",
        "new-upvoted",
        "first-of-the-day",  # no votes: the day's own order (rank), as the home page shows it
        "second-of-the-day",
    ]
    assert (items[1].votes, items[1].upvotes) == (12, 0) and round(items[0].score, 1) == 16.6
    month, total = ranked(papers, {}, 30, TrendingConfig(max_papers=2))
    assert [i.paper.slug for i in month] == ["too-old", "old-but-loved"] and total == 6


def test_now_is_the_newest_listing_date_not_the_clock() -> None:
    papers = [paper("a", upvotes=5), paper("b", days_ago=3, upvotes=5)]
    shifted = [Paper(slug=p.slug, title=p.title, date=p.date - dt.timedelta(days=400), upvotes=5) for p in papers]
    assert [(i.paper.slug, i.score) for i in ranked(papers, {}, 7, TrendingConfig())[0]] == [
        (i.paper.slug, i.score) for i in ranked(shifted, {}, 7, TrendingConfig())[0]
    ]


# --------------------------------------------------------------------------- the staged site


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("community")
    project = copy_project(root / "project")
    report = stage(project / "mkdocs.yml", root / "stage")
    assert report.problems == {}, report.lines()
    return root / "stage"


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def test_trending_pages_show_the_score_its_sources_and_the_decay(staged: Path) -> None:
    week = body((staged / "trending" / "index.md").read_text(encoding="utf-8"))
    order = [week.index(f'href="../papers/{slug}') for slug in ("melange", "qlora", "aim-2024")]
    assert order == sorted(order)  # 5 votes, then 2 votes, then the listing's order
    assert "5 votes here · score 5.0" in week and "2 votes here · score 2.0" in week
    assert "halves every 7 days" in week and "newest listing date, July 8, 2025" in week
    assert 'href="month/"' in week and "sorted-sketches" not in week  # listed June 30: not this week
    month = body((staged / "trending" / "month" / "index.md").read_text(encoding="utf-8"))
    assert month.index("sorted-sketches") < month.index("melange")  # 40 votes + 12 upvotes, 8 days old
    assert "40 votes here · 12 upvotes on Hugging Face · score 23.5" in month


def test_trending_and_reading_lists_have_atom_feeds_in_their_order(staged: Path) -> None:
    feed = ET.parse(staged / "trending" / "atom.xml").getroot()
    links = [e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry")]  # type: ignore[union-attr]
    assert links[0].endswith("/papers/melange-cost-efficient-large-language-model-serving-by-exploiting-gpu/")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/trending/atom.xml")  # type: ignore[union-attr]
    assert (staged / "trending" / "month" / "atom.xml").exists()
    lst = ET.parse(staged / "collections" / "kv-cache-reading" / "atom.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in lst.iter(f"{ATOM}entry")]
    assert titles[0].startswith("ShadowKV") and titles[1].startswith("Attention in") and titles[2].startswith("Mélange")
    assert 'when memory < compute & "quotes"' in (lst.findtext(f"{ATOM}title") or "")


def test_a_reading_list_page_keeps_its_order_and_notes_escaped(staged: Path) -> None:
    page = body((staged / "collections" / "kv-cache-reading" / "index.md").read_text(encoding="utf-8"))
    assert "<h1>Serving LLMs with less KV cache: when memory &lt; compute &amp; &quot;quotes&quot;</h1>" in page
    assert page.index("shadowkv") < page.index("sorted-sketches") < page.index("melange")
    assert '<p class="ps-note">Start here: the problem &amp; one answer, in one paper.</p>' in page
    assert 'href="kv-cache-reading.bib"' in page and 'href="atom.xml"' in page
    bib = (staged / "collections" / "kv-cache-reading" / "kv-cache-reading.bib").read_text(encoding="utf-8")
    assert bib.count("\n@") == 3 and "@misc{lovelaceattention," in bib  # the key papers.bib gives it
    assert "@misc{lovelaceattention," in (staged / "papers.bib").read_text(encoding="utf-8")
    index = body((staged / "collections" / "index.md").read_text(encoding="utf-8"))
    assert 'href="kv-cache-reading/"' in index and "3 papers · kept by @octocat" in index


def test_a_paper_page_names_its_lists_and_has_no_trace_of_discussion_by_default(staged: Path) -> None:
    melange = (
        staged / "papers" / "melange-cost-efficient-large-language-model-serving-by-exploiting-gpu.md"
    ).read_text(encoding="utf-8")
    assert 'On reading lists: <a href="../../collections/kv-cache-reading/">Serving LLMs' in melange
    for path in (staged / "papers").glob("*.md"):
        text = path.read_text(encoding="utf-8").lower()
        assert "giscus" not in text and "discussion" not in text, path.name


def test_discussion_on_adds_the_button_and_the_script_only(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + DISCUSSION, encoding="utf-8")
    report = stage(project / "mkdocs.yml", tmp_path / "stage")
    assert report.problems == {}
    page = (tmp_path / "stage" / "papers" / "qlora-efficient-finetuning-of-quantized-llms.md").read_text("utf-8")
    assert '<script src="../../assets/discussion.js" defer></script>' in page.replace("\\", "")
    assert 'data-term="qlora-efficient-finetuning-of-quantized-llms"' in page
    assert 'data-repo="papershelf/papershelf"' in page and 'data-category-id="DIC_kwDOexample4CAAAA"' in page
    assert 'data-client="https://giscus.app/client.js"' in page
    assert '<script src="https://giscus.app' not in page  # nothing of a third party in the page itself
    assert page.rstrip().endswith("</section>\n</article>")
    assert "discussion" not in (tmp_path / "stage" / "index.md").read_text(encoding="utf-8")


def test_discussion_settings_are_checked_with_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "site_config.yml"
    config.write_text(DISCUSSION.replace("DIC_kwDOexample4CAAAA", '"<x>"').replace("papershelf/papershelf", "x"))
    with pytest.raises(ConfigError) as err:
        load_site_config(config)
    assert f"{config}: discussion.repository:" in str(err.value)
    assert f"{config}: discussion.category_id:" in str(err.value)


def test_bad_lists_and_votes_are_named_and_the_rest_stages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    lists = project / "content" / "collections"
    (lists / "missing.yml").write_text(
        "title: Missing and twice\ndescription: D.\ncurator: octocat\npapers:\n"
        "- 2404.99999\n- qlora-efficient-finetuning-of-quantized-llms\n"
        "- qlora-efficient-finetuning-of-quantized-llms\n",
        encoding="utf-8",
    )
    (lists / "markup.yml").write_text(
        "title: Markup\ndescription: D.\ncurator: octocat\npapers:\n- paper: 2411.01234\n  note: see <b>this</b>\n",
        encoding="utf-8",
    )
    (project / "content" / "votes.json").write_text('{\n  "qlora-efficient-finetuning-of-quantized-llms": {"up": 1},\n')
    report = stage(project / "mkdocs.yml", tmp_path / "stage")
    assert report.lines() == [
        "content/collections/markup.yml:6: papers.note: holds markup ('<b>'): write plain text",
        "content/collections/missing.yml:5: papers: 2404.99999 is not on the shelf"
        " — add its page first, or fix the name",
        "content/collections/missing.yml:7: papers: qlora-efficient-finetuning-of-quantized-llms is listed twice"
        " (first on line 6)",
        "content/votes.json:3: file: is not valid JSON: Expecting property name enclosed in double quotes"
        " — no votes are counted until it is",
    ]
    out = tmp_path / "stage"
    assert not (out / "collections" / "markup").exists()  # a bad field: the list is left out
    missing = (out / "collections" / "missing" / "index.md").read_text(encoding="utf-8")
    assert missing.count('class="ps-item"') == 1  # the entry on the shelf, once
    assert (out / "collections" / "kv-cache-reading" / "index.md").exists()  # the other lists stand
    month = (out / "trending" / "month" / "index.md").read_text(encoding="utf-8")
    assert " votes here ·" not in month  # no votes are counted
    assert "12 upvotes on Hugging Face · score 5.4" in month  # the imported upvotes still are
    assert report.papers == 14 and (out / "index.md").exists()
