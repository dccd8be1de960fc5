"""Aggregate pages made at build time from the collection: the home listing and the date archive.

They are never committed, so a pull request that adds a paper touches only that paper's file.
Every function here is pure: papers in, ``{source path: markdown}`` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import groupby

from generator.model import Paper
from generator.render import human_date, paper_item, relative_url


def src_to_url(src: str) -> str:
    """Directory URL MkDocs gives a source path (``a/b.md`` -> ``a/b/``, ``a/index.md`` -> ``a/``)."""
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def _front(title: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\n{extra}---\n\n"


def _by_date(papers: Sequence[Paper], url: str, newest: dt.date | None) -> str:
    """Papers under a heading per listing date, keeping the given (site-wide) order."""
    out = []
    for date, group in groupby(papers, key=lambda p: p.date):
        out.append(f"## {human_date(date)} {{#{date.isoformat()}}}\n")
        badge = '<span class="ps-new">new</span>' if date == newest else ""
        items = "".join(paper_item(p, url, badge) for p in group)
        out.append(f'<ul class="ps-list">{items}</ul>\n')
    return "\n".join(out)


def _pager(url: str, page: int, pages: int) -> str:
    def href(n: int) -> str:
        return relative_url(url, "" if n == 1 else f"page/{n}/")

    links = []
    if page > 1:
        links.append(f'<a class="md-button" href="{href(page - 1)}" rel="prev">← Newer papers</a>')
    links.append(f'<span class="ps-page-count">Page {page} of {pages}</span>')
    if page < pages:
        links.append(f'<a class="md-button" href="{href(page + 1)}" rel="next">Older papers →</a>')
    return f'\n<nav class="ps-pager" aria-label="Pages">{" ".join(links)}</nav>\n'


def home_pages(papers: Sequence[Paper], per_page: int) -> dict[str, str]:
    """``index.md`` and ``page/N.md``: the newest papers first, a fixed number per page."""
    newest = papers[0].date if papers else None
    chunks = [papers[i : i + per_page] for i in range(0, len(papers), per_page)] or [[]]
    pages: dict[str, str] = {}
    for n, chunk in enumerate(chunks, 1):
        src = "index.md" if n == 1 else f"page/{n}.md"
        url = src_to_url(src)
        title = "Latest papers" if n == 1 else f"Latest papers, page {n}"
        body = _by_date(chunk, url, newest) if chunk else "No papers yet. See *About / Contribute* to add one.\n"
        pager = _pager(url, n, len(chunks)) if len(chunks) > 1 else ""
        pages[src] = _front(title) + f"# {title}\n\n{body}{pager}"
    return pages


def archive_pages(papers: Sequence[Paper]) -> dict[str, str]:
    """``archive/index.md`` (every listing date, grouped by year and month) and one page per date."""
    pages: dict[str, str] = {}
    index = [_front("Papers by date") + "# Papers by date\n"]
    for year, in_year in groupby(papers, key=lambda p: p.date.year):
        index.append(f"\n## {year}\n")
        for (_, month), in_month in groupby(in_year, key=lambda p: (p.date.year, p.date.month)):
            month_papers = list(in_month)
            index.append(f"\n### {dt.date(year, month, 1):%B} {year}\n")
            rows = []
            for date, group in groupby(month_papers, key=lambda p: p.date):
                day = list(group)
                src = f"archive/{date.isoformat()}.md"
                href = relative_url("archive/", src_to_url(src))
                noun = "paper" if len(day) == 1 else "papers"
                rows.append(f'<li><a href="{href}">{human_date(date)}</a> — {len(day)} {noun}</li>')
                title = f"Papers of {human_date(date)}"
                pages[src] = _front(title) + f"# {title}\n\n" + _by_date(day, src_to_url(src), None)
            index.append(f'<ul class="ps-archive">{"".join(rows)}</ul>\n')
    pages["archive/index.md"] = "".join(index)
    return pages
