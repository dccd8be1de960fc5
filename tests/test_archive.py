"""Listings: the date archive (dates, months, years, newest first), the "new" badge, pagination,
and the size of every listing page in a real build of a large, heavy collection."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

import pytest

from generator.core.model import Paper, sort_key
from generator.site import listings
from generator.site.listings import LATEST_DATES_IN_ARCHIVE, archive_pages, home_pages, src_to_url
from tests.conftest import FIXTURE_PAPERS, copy_project, mkdocs_build

LISTING_LIMIT = 100 * 1024
PAPER_PAGE_LIMIT = 20 * 1024


def collection(dates: list[dt.date], per_date: int = 2) -> list[Paper]:
    papers = [
        Paper(slug=f"p-{d.isoformat()}-{i}", title=f"Paper {i} of {d}", date=d, abstract="Text.")
        for d in dates
        for i in range(per_date)
    ]
    return sorted(papers, key=sort_key)


DATES = [dt.date(2024, 11, 3), dt.date(2025, 1, 9), dt.date(2025, 1, 20), dt.date(2025, 3, 2), dt.date(2023, 6, 30)]


def test_archive_has_date_month_and_year_pages() -> None:
    pages = archive_pages(collection(DATES))
    for d in DATES:
        assert f"archive/{d.isoformat()}.md" in pages
        assert f"archive/{d.year}/{d.month:02d}/index.md" in pages
        assert f"archive/{d.year}/index.md" in pages
    assert len([src for src in pages if re.fullmatch(r"archive/\d{4}/index\.md", src)]) == 3


def test_indexes_are_newest_first() -> None:
    pages = archive_pages(collection(DATES))
    index = pages["archive/index.md"]
    years = re.findall(r'<h2 id="y\d{4}"><a href="(\d{4})/">', index)
    assert years == ["2025", "2024", "2023"]
    months = re.findall(r'<li><a href="(\d{4}/\d{2})/">', index)
    assert months == ["2025/03", "2025/01", "2024/11", "2023/06"]
    year = pages["archive/2025/index.md"]
    assert re.findall(r'href="\.\./(\d{4}-\d{2}-\d{2})/"', year) == ["2025-03-02", "2025-01-20", "2025-01-09"]
    month = pages["archive/2025/01/index.md"]
    assert re.findall(r'href="\.\./\.\./(\d{4}-\d{2}-\d{2})/"', month) == ["2025-01-20", "2025-01-09"]
    assert "2 papers" in month and "4 papers" in pages["archive/2025/01/index.md"]


def test_archive_front_page_stays_small_however_many_dates() -> None:
    start = dt.date(2015, 1, 1)
    dates = [start + dt.timedelta(days=i) for i in range(0, 3650, 1)]  # ten years, a date a day
    pages = archive_pages(collection(dates, per_date=1))
    index = pages["archive/index.md"]
    assert len(re.findall(r'<li><a href="\d{4}-\d{2}-\d{2}/">', index)) == LATEST_DATES_IN_ARCHIVE
    assert len(index.encode()) < 30 * 1024  # years and months only, beyond the latest dates
    assert max(len(pages[f"archive/{y}/index.md"].encode()) for y in range(2015, 2025)) < 60 * 1024


def test_new_badge_marks_only_the_latest_date() -> None:
    papers = collection(DATES)
    home = home_pages(papers, 100)["index.md"]
    newest = max(DATES)
    assert home.count('class="ps-new"') == 2
    section = home[home.index(f'<h2 id="{newest.isoformat()}">') :]
    assert section.count('class="ps-new"') == 2
    older = archive_pages(papers)[f"archive/{DATES[0].isoformat()}.md"]
    assert 'class="ps-new"' not in older


def test_date_pages_are_paginated() -> None:
    papers = collection([dt.date(2025, 7, 8)], per_date=25)
    pages = archive_pages(papers, per_page=10)
    assert {"archive/2025-07-08.md", "archive/2025-07-08/page/2.md", "archive/2025-07-08/page/3.md"} <= set(pages)
    day = [pages[s] for s in pages if s.startswith("archive/2025-07-08")]
    assert sum(len(re.findall(r'class="ps-item-title"', text)) for text in day) == 25


def test_large_archive_is_by_month_with_every_date_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """From MONTH_PAGES_FROM papers on there is no page per date: each month's papers are on its
    own paginated pages, and every link to a date lands on a page holding that date's heading."""
    dates = [dt.date(2025, 1, d) for d in range(1, 29)] + [dt.date(2024, 12, 30), dt.date(2025, 2, 3)]
    papers = collection(dates, per_date=3)
    monkeypatch.setattr(listings, "MONTH_PAGES_FROM", len(papers))
    pages = archive_pages(papers, per_page=10)
    assert pages == archive_pages(papers, per_page=10, by_month=True)
    assert not [src for src in pages if re.match(r"archive/\d{4}-\d{2}-\d{2}", src)]
    january = [text for src, text in pages.items() if src.startswith("archive/2025/01/")]
    assert len(january) == 9  # 84 papers, 10 a page
    assert sum(text.count('class="ps-item-title"') for text in january) == 84
    assert "archive/2025/01/page/9.md" in pages
    by_url = {src_to_url(src): text for src, text in pages.items()}
    links = 0
    for src, text in pages.items():
        for href in re.findall(r'href="([^"#]+#\d{4}-\d{2}-\d{2})"', text):  # not the permalinks
            path, anchor = href.split("#")
            target = posixpath.normpath(posixpath.join(src_to_url(src) or ".", path)) + "/"
            assert f'<h2 id="{anchor}">' in by_url[target], (src, href)
            links += 1
    assert links == len(dates) + LATEST_DATES_IN_ARCHIVE  # from the year pages and the front page
    assert "archive/2025-01-28.md" in archive_pages(papers[:-1])  # one paper fewer: a page per date


# --------------------------------------------------------------------------- a heavy build


def _heavy_page(n: int, date: dt.date) -> str:
    title = f"Heavy paper {n}: " + " ".join(["Scalable Mixture-of-Experts Serving & Training"] * 8)
    authors = "".join(f"- Author Number{k} Withalonglastname\n" for k in range(40))
    abstract = " ".join(
        f"Sentence {k} of a long abstract about GPU kernels, LLM serving and training." for k in range(30)
    )
    code = "https://github.com/example/" + "long-repository-name-" * 4 + str(n)
    return (
        f"---\ntitle: '{title}'\ndate: {date.isoformat()}\nauthors:\n{authors}code: {code}\n"
        f"tags:\n- LLM serving and inference\n---\n\n{abstract}\n"
    )


@pytest.fixture(scope="module")
def heavy_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """360 papers with very long titles, 40 authors each and long abstracts, over 40 dates."""
    root = tmp_path_factory.mktemp("heavy")
    project = copy_project(root / "project", papers=False)
    start = dt.date(2024, 12, 20)
    for n in range(360):
        date = start + dt.timedelta(days=(n % 40) * 3)
        (project / "content" / "papers" / f"heavy-paper-{n:03d}.md").write_text(_heavy_page(n, date), encoding="utf-8")
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


def test_no_listing_page_exceeds_100_kb(heavy_site: Path) -> None:
    listings = [
        heavy_site / "index.html",
        *heavy_site.glob("page/*/index.html"),
        *heavy_site.glob("archive/**/index.html"),
        *heavy_site.glob("topics/**/index.html"),
    ]
    assert len(listings) > 80
    sizes = {str(p.relative_to(heavy_site)): p.stat().st_size for p in listings}
    assert max(sizes.values()) < LISTING_LIMIT, max(sizes.items(), key=lambda kv: kv[1])
    assert (heavy_site / "page" / "2" / "index.html").is_file()  # the home page is paginated
    assert (heavy_site / "topics" / "llm-serving-and-inference" / "page" / "2" / "index.html").is_file()


def _listed(page: Path) -> list[str]:
    return re.findall(r'class="ps-item-title" href="[./]*papers/([^/"]+)/"', page.read_text(encoding="utf-8"))


def test_every_paper_is_reachable_from_the_paginated_listings(heavy_site: Path) -> None:
    home = [heavy_site / "index.html", *heavy_site.glob("page/*/index.html")]
    listed = [s for p in home for s in _listed(p)]
    assert sorted(listed) == [f"heavy-paper-{n:03d}" for n in range(360)]
    topic = [heavy_site / "topics" / "llm-serving-and-inference" / "index.html"]
    topic += heavy_site.glob("topics/llm-serving-and-inference/page/*/index.html")
    in_topic = [
        s for p in topic for s in re.findall(r'class="ps-item-title" href="[./]*papers/([^/"]+)/"', p.read_text())
    ]
    assert sorted(in_topic) == sorted(listed)


def test_listings_cut_long_author_lists(heavy_site: Path) -> None:
    home = (heavy_site / "index.html").read_text(encoding="utf-8")
    assert "Author Number5 Withalonglastname et al." in home and "Author Number6 " not in home
    paper = (heavy_site / "papers" / "heavy-paper-000" / "index.html").read_text(encoding="utf-8")
    assert "Author Number39 Withalonglastname" in paper  # the paper's own page names everyone


def test_seed_paper_pages_stay_under_20_kb(built_site: Path) -> None:
    sizes = {p.parent.name: p.stat().st_size for p in (built_site / "papers").glob("*/index.html")}
    assert len(sizes) == len(list(FIXTURE_PAPERS.glob("*.md")))
    assert max(sizes.values()) <= PAPER_PAGE_LIMIT, max(sizes.items(), key=lambda kv: kv[1])


def test_a_long_home_listing_ends_at_max_pages_and_points_to_the_archive() -> None:
    papers = collection(DATES, per_date=10)  # 50 papers
    pages = home_pages(papers, per_page=10, max_pages=2)
    assert set(pages) == {"index.md", "page/2.md"}
    listed = [
        s for text in pages.values() for s in re.findall(r'class="ps-item-title" href="[./]*papers/([^/"]+)/"', text)
    ]
    assert listed == [p.slug for p in papers[:20]]  # the newest, in order
    assert 'href="../../archive/">Older papers, by date' in pages["page/2.md"]
    assert "Older papers, by date" not in pages["index.md"]
    # every paper the home listing leaves out is in the archive
    archived = "".join(archive_pages(papers).values())
    assert all(f"papers/{p.slug}/" in archived for p in papers[20:])
    # a collection within the limit lists everything, with no pointer
    whole = home_pages(papers, per_page=10, max_pages=5)
    assert len(whole) == 5 and not any("Older papers, by date" in text for text in whole.values())
