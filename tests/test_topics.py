"""Topics: keyword rules, explicit tags, topic pages in a real build, and the ``tag`` command."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from generator.content.collection import load_collection, page_paths
from generator.content.pages import read_page
from generator.core.html import e
from generator.core.model import Paper
from generator.core.site_config import TopicConfig, load_site_config
from generator.site.listings import LISTING_BYTES, topic_pages
from generator.taxonomy.topics import Topic, assign_topics, collect_topics, suggest_topics, topics_of
from tests.conftest import FIXTURE_PAPERS, ROOT, listing_papers

TAXONOMY = (
    TopicConfig(name="Mixture of experts", description="Sparse expert models.", keywords=("mixture of experts", "moe")),
    TopicConfig(name="LLM serving", description="Serving systems.", keywords=("kv cache", "serving")),
    TopicConfig(name="Empty topic", description="Nothing matches.", keywords=("zzzz unmatched phrase",)),
)
LISTING_PAPERS = listing_papers()
SEED_PAPERS = load_collection(page_paths(FIXTURE_PAPERS)).papers
SITE_TAXONOMY = load_site_config(ROOT / "site_config.yml").taxonomy


def paper(slug: str, title: str, abstract: str = "", tags: tuple[str, ...] = (), day: int = 1) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2025, 7, day), abstract=abstract, tags=tags)


# --------------------------------------------------------------------------- rules


def test_a_title_mention_suggests_the_topic() -> None:
    assert suggest_topics(paper("a", "A Mixture-of-Experts Router"), TAXONOMY) == ("Mixture of experts",)


def test_one_passing_mention_in_the_abstract_is_not_enough_but_two_are() -> None:
    once = paper("a", "Sparse models", "Unlike a mixture of experts, our model is dense.")
    twice = paper("b", "Sparse models", "Our MoE layer is a Mixture of Experts with eight experts.")
    assert suggest_topics(once, TAXONOMY) == ()
    assert suggest_topics(twice, TAXONOMY) == ("Mixture of experts",)


def test_keywords_match_whole_words_in_any_case_and_hyphenation() -> None:
    assert suggest_topics(paper("a", "KV-Cache Compression for Serving"), TAXONOMY) == ("LLM serving",)
    assert suggest_topics(paper("b", "Moebius Strips"), TAXONOMY) == ()  # "moe" is not a prefix match


def test_explicit_tags_come_first_and_absorb_spelling_variants() -> None:
    p = paper("a", "Serving a Mixture of Experts", tags=("llm SERVING", "Robotics"))
    assert topics_of(p, TAXONOMY) == ("LLM serving", "Robotics", "Mixture of experts")


def test_unknown_tags_in_different_spellings_share_one_topic() -> None:
    papers = [paper("a", "One", tags=("Quokka Studies",)), paper("b", "Two", tags=("quokka-studies",))]
    assigned = assign_topics(papers, TAXONOMY)
    assert assigned == {"a": ("Quokka Studies",), "b": ("Quokka Studies",)}
    topics = {t.slug: t for t in collect_topics(papers, assigned, TAXONOMY)}
    assert [p.slug for p in topics["quokka-studies"].papers] == ["a", "b"]


def test_every_taxonomy_topic_is_collected_in_order_even_when_empty() -> None:
    papers = [paper("a", "Serving", tags=("Zebra",)), paper("b", "MoE serving")]
    topics = collect_topics(papers, assign_topics(papers, TAXONOMY), TAXONOMY)
    assert [t.slug for t in topics] == ["mixture-of-experts", "llm-serving", "empty-topic", "zebra"]
    assert [len(t.papers) for t in topics] == [1, 2, 0, 1]


def test_topic_names_are_escaped_in_generated_pages() -> None:
    hostile = '<script>alert(1)</script> "quoted": yes'
    papers = [paper("a", "Paper", tags=(hostile,))]
    pages = topic_pages(collect_topics(papers, assign_topics(papers, ()), ()), 10, None)
    slug = "script-alert-1-script-quoted-yes"
    text = pages[f"topics/{slug}/index.md"] + pages["topics/index.md"]
    assert "<script>" not in text
    front = yaml.safe_load(pages[f"topics/{slug}/index.md"].split("---")[1])
    assert front["title"] == "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;: yes"


def test_topic_pages_are_paginated() -> None:
    papers = [paper(f"p{i:03d}", f"Serving paper {i}", day=1 + i % 28) for i in range(25)]
    papers.sort(key=lambda p: (-p.date.toordinal(), p.slug))
    topics = collect_topics(papers, assign_topics(papers, TAXONOMY), TAXONOMY)
    pages = topic_pages(topics, 10, papers[0].date)
    assert {"topics/llm-serving/index.md", "topics/llm-serving/page/2.md", "topics/llm-serving/page/3.md"} <= set(pages)
    assert "topics/llm-serving/page/4.md" not in pages
    listed = [re.findall(r'href="[./]*papers/([^/]+)/"', pages[src]) for src in sorted(pages) if "llm-serving" in src]
    assert sorted(s for page in listed for s in page) == sorted(p.slug for p in papers)
    assert 'rel="next"' in pages["topics/llm-serving/index.md"]
    assert len(pages["topics/llm-serving/index.md"].encode()) < LISTING_BYTES + 8 * 1024


def test_seed_taxonomy_covers_the_seed_papers() -> None:
    """Each declared topic fits some papers of the seed listing (a fixed input), and nearly
    every paper gets a topic."""
    assigned = assign_topics(LISTING_PAPERS, SITE_TAXONOMY)
    counts = Counter(t for topics in assigned.values() for t in topics)
    assert len(SITE_TAXONOMY) >= 12
    assert all(counts[t.name] >= 2 for t in SITE_TAXONOMY), counts
    untagged = [slug for slug, topics in assigned.items() if not topics]
    assert len(untagged) <= len(LISTING_PAPERS) // 20, untagged
    assert all(t.description and t.keywords for t in SITE_TAXONOMY)


# --------------------------------------------------------------------------- the built site


def _listed(html: str) -> list[str]:
    return re.findall(r'class="ps-item-title" href="(?:\.\./)+papers/([^/"]+)/"', html)


def test_every_topic_has_a_page_listing_exactly_its_papers(built_site: Path) -> None:
    assigned = assign_topics(SEED_PAPERS, SITE_TAXONOMY)
    for topic in collect_topics(SEED_PAPERS, assigned, SITE_TAXONOMY):
        html = (built_site / "topics" / topic.slug / "index.html").read_text(encoding="utf-8")
        expected = sorted(p.slug for p in SEED_PAPERS if topic.name in assigned[p.slug])
        assert sorted(_listed(html)) == expected, topic.name
        assert f"{len(expected)} paper" in html


def test_topics_index_shows_counts_and_is_in_the_navigation(built_site: Path) -> None:
    assigned = assign_topics(SEED_PAPERS, SITE_TAXONOMY)
    counts = Counter(t for topics in assigned.values() for t in topics)
    html = (built_site / "topics" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<a class="ps-topic-name" href="([^"]+)">([^<]+)</a> <span class="ps-count">(\d+) paper', html)
    shown = collect_topics(SEED_PAPERS, assigned, SITE_TAXONOMY)  # the taxonomy's topics, then other tags
    assert [(name, int(n)) for _, name, n in rows] == [(e(t.name), counts[t.name]) for t in shown]
    assert all((built_site / "topics" / href / "index.html").is_file() for href, _, _ in rows)
    home = (built_site / "index.html").read_text(encoding="utf-8")
    tabs = home[home.index('class="md-tabs') :]
    assert re.search(r'href="topics/"[^>]*>\s*Topics', tabs[: tabs.index("</nav>")])


def test_paper_pages_link_their_topics_for_the_search_filters(built_site: Path) -> None:
    assigned = assign_topics(SEED_PAPERS, SITE_TAXONOMY)
    for p in SEED_PAPERS:
        html = (built_site / "papers" / p.slug / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a class="ps-topic" href="\.\./\.\./topics/([^/]+)/">', html)
        assert len(links) == len(assigned[p.slug]), p.slug
        assert all((built_site / "topics" / slug / "index.html").is_file() for slug in links)


# --------------------------------------------------------------------------- the tag command


def _tag(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "tag", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tag_project(tmp_path: Path) -> Path:
    (tmp_path / "papers").mkdir()
    config = {"taxonomy": [t.model_dump(mode="json") for t in TAXONOMY]}
    (tmp_path / "site_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path


def _write(project: Path, slug: str, text: str) -> Path:
    path = project / "papers" / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_tag_shows_suggestions_and_writes_them_keeping_everything_else(tag_project: Path) -> None:
    page = _write(
        tag_project,
        "moe-serving",
        "---\ntitle: 'MoE Serving: Fast'\ndate: 2025-07-08\nauthors:\n- Ada Lovelace\narxiv: '2404.14527'\n"
        "tags:\n- Robotics\nsubmitted_by: octocat\n---\n\nWe serve a *mixture* of experts with $x_1^2$.\n\n"
        "Second paragraph.\n",
    )
    before, _ = read_page(page)
    args = ("--papers", "papers", "--config", "site_config.yml")
    shown = _tag(*args, cwd=tag_project)
    assert shown.returncode == 0, shown.stderr
    assert "papers/moe-serving.md: Mixture of experts, LLM serving" in shown.stdout
    assert page.read_text(encoding="utf-8").count("Robotics") == 1  # showing writes nothing
    written = _tag(*args, "--write", cwd=tag_project)
    assert written.returncode == 0, written.stderr
    after, problems = read_page(page)
    assert problems == [] and before is not None and after is not None
    assert after.tags == ("Robotics", "Mixture of experts", "LLM serving")
    assert after == replace(before, tags=after.tags)  # every other field and the abstract are kept
    assert _tag(*args, cwd=tag_project).stdout.strip().endswith("0 pages have suggestions")


def test_tag_leaves_pages_with_comments_alone_and_names_broken_pages(tag_project: Path) -> None:
    commented = "---\n# keep me\ntitle: Serving MoE\ndate: 2025-07-08\n---\n\nText.\n"
    page = _write(tag_project, "commented", commented)
    _write(tag_project, "broken", "---\ntitle: Broken\ndate: 2025-02-30\n---\n\nText.\n")
    result = _tag("--papers", "papers", "--config", "site_config.yml", "--write", cwd=tag_project)
    assert result.returncode == 1
    assert "papers/broken.md:3: date: 2025-02-30 is not a real date" in result.stderr
    assert "skipped papers/commented.md: its front matter has comments" in result.stdout
    assert page.read_text(encoding="utf-8") == commented
    assert "Traceback" not in result.stderr


def test_tag_without_a_taxonomy_says_so(tmp_path: Path) -> None:
    (tmp_path / "site_config.yml").write_text("home:\n  papers_per_page: 10\n", encoding="utf-8")
    result = _tag("--config", "site_config.yml", cwd=tmp_path)
    assert result.returncode == 2
    assert "site_config.yml: taxonomy: no topics declared" in result.stderr


def test_topics_json_is_stable_between_runs() -> None:
    """Assigning twice (and in another input order) gives the same answer: builds are reproducible."""
    first = assign_topics(SEED_PAPERS, SITE_TAXONOMY)
    second = assign_topics(list(reversed(SEED_PAPERS)), SITE_TAXONOMY)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_a_topic_lists_its_papers_under_a_heading_per_month() -> None:
    """One heading per month (its line in the table of contents too), in the listing's order,
    whatever the number of listing dates; the newest date's papers keep their "new" badge."""
    days = [dt.date(2025, 7, 8), dt.date(2025, 7, 3), dt.date(2025, 6, 30), dt.date(2025, 6, 2), dt.date(2024, 12, 9)]
    papers = tuple(
        Paper(slug=f"p{i}-{n}", title=f"Paper {i}-{n}", date=day, abstract="Text.")
        for i, day in enumerate(days)
        for n in range(2)
    )
    topic = Topic(name="T", slug="t", description="", papers=papers)
    text = topic_pages([topic], 100, days[0])["topics/t/index.md"]
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)<a class="headerlink"', text)
    assert headings == [("2025-07", "July 2025"), ("2025-06", "June 2025"), ("2024-12", "December 2024")]
    listed = re.findall(r'href="../../papers/([^/"]+)/"', text)
    assert listed == [p.slug for p in papers]
    assert text.count('<span class="ps-new">new</span>') == 2
