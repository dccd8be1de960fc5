"""``home.excerpt_chars`` sets the length of the abstract excerpt every listing but the archive
shows (the archive is a catalogue of titles and authors)."""

from __future__ import annotations

import datetime as dt
import html
import re

from generator.core.model import Paper
from generator.core.site_config import EXCERPT_CHARS, HomeConfig, SiteConfig
from generator.site.listings import archive_pages, home_pages, topic_pages
from generator.site.render import paper_item
from generator.taxonomy.topics import Topic

ABSTRACT = " ".join(f"word{i}" for i in range(400))  # about 3,000 characters, cut at a word
PAPERS = [Paper(slug=f"p{i}", title=f"Paper {i}", date=dt.date(2025, 7, 8), abstract=ABSTRACT) for i in range(3)]
_EXCERPT = re.compile(r'<p class="ps-excerpt">([^<]*)</p>')


def _excerpts(text: str) -> list[str]:
    return [html.unescape(m) for m in _EXCERPT.findall(text)]


def test_the_setting_defaults_to_two_lines_of_a_listing() -> None:
    """The schema's default is the one the listings use when given none; the stylesheet shows
    two lines of it, so a default much longer only weighs down every listing page."""
    assert SiteConfig().home.excerpt_chars == EXCERPT_CHARS <= 200


def test_two_lengths_give_two_excerpt_lengths() -> None:
    short = _excerpts(paper_item(PAPERS[0], "", excerpt_chars=80))[0]
    long = _excerpts(paper_item(PAPERS[0], "", excerpt_chars=600))[0]
    assert short.endswith("…") and long.endswith("…")
    assert len(short) <= 81 < len(long) <= 601
    assert long.startswith(short[:-1])


def test_every_listing_takes_the_length() -> None:
    """Home, archive and topic pages each pass it to their entries."""
    settings = HomeConfig(excerpt_chars=100)
    topic = Topic(name="T", slug="t", description="", papers=tuple(PAPERS))
    for pages in (
        home_pages(PAPERS, 100, settings.excerpt_chars),
        archive_pages(PAPERS, 100, excerpt_chars=settings.excerpt_chars),
        archive_pages(PAPERS, 100, by_month=True, excerpt_chars=settings.excerpt_chars),
        topic_pages([topic], 100, PAPERS[0].date, excerpt_chars=settings.excerpt_chars),
    ):
        found = [x for text in pages.values() for x in _excerpts(text)]
        assert found and all(len(x) <= 101 for x in found)
    default = [x for text in home_pages(PAPERS, 100).values() for x in _excerpts(text)]
    assert all(EXCERPT_CHARS - 40 < len(x) <= EXCERPT_CHARS + 1 for x in default)
    for by_month in (False, True):  # the archive, by default: titles and authors only
        archive = archive_pages(PAPERS, 100, by_month=by_month)
        assert not [x for text in archive.values() for x in _excerpts(text)]
        assert sum(text.count('class="ps-item-title"') for text in archive.values()) == len(PAPERS)
    assert "ps-excerpt" not in paper_item(PAPERS[0], "", excerpt_chars=0)


def test_the_stager_passes_the_setting_to_the_listings() -> None:
    from generator.stage import Site, generated_files

    def home(chars: int) -> list[str]:
        site = Site("Shelf", "https://example.org/", "", SiteConfig(home=HomeConfig(excerpt_chars=chars)))
        text = generated_files(PAPERS, site, {})["index.md"]
        return _excerpts(text if isinstance(text, str) else text.decode())

    assert {len(x) for x in home(80)} != {len(x) for x in home(600)}
    assert all(len(x) <= 81 for x in home(80))


def test_the_archive_pages_hold_more_papers_than_the_home_pages() -> None:
    """Its entries are lighter (no excerpt), so a page of it holds ``ARCHIVE_PAGE_FACTOR`` times
    the home page's papers, and a large collection has fewer archive pages."""
    from generator.site.listings import ARCHIVE_PAGE_FACTOR
    from generator.stage import Site, generated_files

    many = [Paper(slug=f"q{i}", title=f"Paper {i}", date=dt.date(2025, 7, 8), abstract=ABSTRACT) for i in range(50)]
    site = Site("Shelf", "https://example.org/", "", SiteConfig(home=HomeConfig(papers_per_page=10)))
    files = generated_files(many, site, {})
    day = [str(text) for src, text in files.items() if src.startswith("archive/2025-07-08")]
    home = [str(text) for src, text in files.items() if src == "index.md" or src.startswith("page/")]
    assert ARCHIVE_PAGE_FACTOR > 1
    assert len(day) == -(-50 // (10 * ARCHIVE_PAGE_FACTOR)) < len(home) == 5
    assert sum(text.count('class="ps-item-title"') for text in day) == 50
    assert not [x for text in day for x in _excerpts(text)]


def test_an_excerpt_never_ends_inside_a_formula() -> None:
    """Cut before a formula the limit falls in, so its delimiters stay paired."""
    from generator.core.text import excerpt

    abstract = r"We bound the error by $$\|A - \hat{A}\|_F \le \epsilon \|A\|_F$$ and by $\delta$ too."
    start = abstract.index("$$")
    for limit in range(start + 1, abstract.index("$$", start + 2) + 2):
        cut = excerpt(abstract, limit)
        assert cut == "We bound the error by…", limit
    inside = abstract.index("$\\delta$") + 3  # in the last formula: cut before it, at a word
    assert excerpt(abstract, inside) == abstract[: abstract.index(" $\\delta$")] + "…"
    assert excerpt(abstract, len(abstract) - 3) == abstract[: abstract.index(" too.")] + "…"
    assert excerpt("x" * 500, 50) == "x" * 50 + "…"  # one long word: cut inside it rather than lose it


def test_a_word_that_ends_at_the_limit_is_kept() -> None:
    from generator.core.text import excerpt, text_start

    assert excerpt("alpha beta gamma", 10) == "alpha beta…"
    assert excerpt("alpha beta gamma", 9) == "alpha…"
    assert text_start("alpha beta\n\ngamma", 12) == "alpha beta"  # the search's text keeps paragraphs
