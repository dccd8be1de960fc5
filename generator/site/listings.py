"""Aggregate pages made at build time from the collection: the home listing, the date archive
and the topics' pages.

They are never committed, so a pull request that adds a paper touches only that paper's file.
Every function here is pure: papers in, ``{source path: markdown}`` out.

Size is bounded at any collection size: every listing of papers is paginated (``paginated``),
and the index pages list months and years, which grow with time but not with the number of
papers; the archive's front page shows only the latest listing dates.

Topic pages are made here rather than by Material's tags plugin: that plugin renders each tag's
listing as one unpaginated page of titles and a tags index holding every tagged page, so both
grow with the collection (thousands of entries at 10,000 papers), and its links point to the
index rather than to ``topics/<slug>/``, where the per-topic feeds expect them. Here a topic page
is paginated like the home page, shows authors and excerpts like every other listing, and the
index holds one row per topic.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import groupby

from generator.core import routes
from generator.core.html import e, relative_url
from generator.core.model import Paper
from generator.core.routes import src_to_url
from generator.core.site_config import EXCERPT_CHARS
from generator.core.text import human_date
from generator.site.head import lastmod
from generator.site.render import paper_item
from generator.taxonomy.topics import Topic

LATEST_DATES_IN_ARCHIVE = 10
MONTH_PAGES_FROM = 5_000
"""From this many papers the archive lists papers by month (paginated) instead of a page per
listing date: beyond a few thousand papers, daily pages are hundreds to thousands of small files
that each repeat the theme (and each cost the engine a page to render), while a month's pages
hold the same entries under a heading per date, and every link to a date goes to its heading."""
ARCHIVE_PAGE_FACTOR = 2
"""The archive is a catalogue by date: its entries are titles and authors without the excerpt
(the home page and the topics show it), a third lighter, so its pages hold twice the home
page's papers in about the same bytes. At 50,000 papers that is half as many month pages (a
file and the theme's 20 KB around the list each) and 9 MB less of excerpts said again."""
# Bytes of list items (and date headings) on one listing page. The theme's own page around them
# weighs 15-25 KB, so a page stays well under 100 KB whatever the titles and author lists hold.
LISTING_BYTES = 64 * 1024
_HEADING_BYTES = 400  # a date heading with its permalink, plus the list around its items
NEW_BADGE = '<span class="ps-new">new</span>'


def front_matter(title: str, papers: Iterable[Paper] = ()) -> str:
    """Front matter whose title is escaped for the templates (they print it unescaped) and
    quoted for YAML (a JSON string is a YAML double-quoted scalar), since topic names come
    from contributors' tags; with the newest date of the ``papers`` the page lists as its
    ``lastmod``, which the sitemap prints (``head.lastmod``)."""
    date = lastmod(papers)
    extra = f'lastmod: "{date}"\n' if date else ""
    return f"---\ntitle: {json.dumps(e(title), ensure_ascii=False)}\n{extra}---\n\n"


def heading(inner_html: str, anchor: str, level: int = 2) -> str:
    """A heading with its anchor and permalink, as Markdown's ``toc`` extension (``permalink:
    true`` in mkdocs.yml) writes one: listing pages are finished HTML that no engine needs to
    run through Markdown, and their headings still make the page's table of contents."""
    return (
        f'<h{level} id="{anchor}">{inner_html}'
        f'<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a></h{level}>\n'
    )


def count_label(n: int, noun: str = "paper") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _group_key(by_month: bool) -> Callable[[Paper], object]:
    return (lambda p: (p.date.year, p.date.month)) if by_month else (lambda p: p.date)


def _by_date(
    papers: Sequence[Paper], url: str, newest: dt.date | None, excerpt_chars: int, by_month: bool = False
) -> str:
    """Papers under a heading per listing date, or per month (``by_month``), keeping the given
    (site-wide) order; the papers of the newest date have the "new" badge."""
    out = []
    for _, group_iter in groupby(papers, key=_group_key(by_month)):
        group = list(group_iter)
        first = group[0].date
        if by_month:
            out.append(heading(f"{first:%B %Y}", f"{first:%Y-%m}"))
        else:
            out.append(heading(human_date(first), first.isoformat()))
        items = "".join(paper_item(p, url, NEW_BADGE if p.date == newest else "", excerpt_chars) for p in group)
        out.append(f'<ul class="ps-list">{items}</ul>\n')
    return "\n".join(out)


def _pager(first_url: str, url: str, page: int, pages: int, older: str | None = None) -> str:
    """Links to the pages before and after; on the last page, ``older`` (a URL) is where the
    papers it does not list are."""

    def href(n: int) -> str:
        return relative_url(url, first_url if n == 1 else routes.later_page_url(first_url, n))

    links = []
    if page > 1:
        links.append(f'<a class="md-button" href="{href(page - 1)}" rel="prev">← Newer papers</a>')
    links.append(f'<span class="ps-page-count">Page {page} of {pages}</span>')
    if page < pages:
        links.append(f'<a class="md-button" href="{href(page + 1)}" rel="next">Older papers →</a>')
    elif older is not None:
        links.append(f'<a class="md-button" href="{relative_url(url, older)}">Older papers, by date →</a>')
    return f'\n<nav class="ps-pager" aria-label="Pages">{" ".join(links)}</nav>\n'


@lru_cache(maxsize=65536)
def _item_bytes(paper: Paper, excerpt_chars: int) -> int:
    """Size of a paper's listing entry, measured from a deep page (the longest relative links)."""
    return len(paper_item(paper, "a/b/c/d/", NEW_BADGE, excerpt_chars).encode("utf-8"))


def _chunks(
    papers: Sequence[Paper], per_page: int, excerpt_chars: int = EXCERPT_CHARS, by_month: bool = False
) -> list[Sequence[Paper]]:
    """Split a listing at ``per_page`` papers or ``LISTING_BYTES`` of entries, whichever comes first."""
    chunks: list[Sequence[Paper]] = []
    group = _group_key(by_month)
    start, size, last_group = 0, 0, None
    for i, paper in enumerate(papers):
        cost = _item_bytes(paper, excerpt_chars) + (_HEADING_BYTES if group(paper) != last_group else 0)
        if i > start and (i - start >= per_page or size + cost > LISTING_BYTES):
            chunks.append(papers[start:i])
            start, size = i, _item_bytes(paper, excerpt_chars) + _HEADING_BYTES
        else:
            size += cost
        last_group = group(paper)
    if start < len(papers):
        chunks.append(papers[start:])
    return chunks


def paginated(
    first_src: str,
    title: str,
    papers: Sequence[Paper],
    per_page: int,
    newest: dt.date | None,
    *,
    intro: Callable[[str], str] = lambda url: "",
    empty: str = "No papers yet.",
    excerpt_chars: int = EXCERPT_CHARS,
    max_pages: int | None = None,
    older: str | None = None,
    by_month: bool = False,
) -> dict[str, str]:
    """A listing split into pages of at most ``per_page`` papers and ``LISTING_BYTES`` of
    entries: ``first_src``, then ``<dir>page/N.md``; under a heading per date, or per month
    (``by_month``).

    ``intro`` gets each page's URL, so the links it makes are relative to that page. With
    ``max_pages``, the papers that would come after that page are left out, and the last page
    links to ``older``, the URL of a listing that holds them.
    """
    first_url = src_to_url(first_src)
    chunks = _chunks(papers, per_page, excerpt_chars, by_month) or [[]]
    cut = max_pages is not None and len(chunks) > max_pages
    if cut:
        chunks = chunks[:max_pages]
    pages: dict[str, str] = {}
    for n, chunk in enumerate(chunks, 1):
        src = first_src if n == 1 else routes.later_page_src(first_url, n)
        url = src_to_url(src)
        heading = title if n == 1 else f"{title}, page {n}"
        body = _by_date(chunk, url, newest, excerpt_chars, by_month) if chunk else f"<p>{e(empty)}</p>\n"
        pager = _pager(first_url, url, n, len(chunks), older if cut else None) if len(chunks) > 1 or cut else ""
        pages[src] = front_matter(heading, chunk) + f"<h1>{e(heading)}</h1>\n\n{intro(url)}{body}{pager}"
    return pages


def home_pages(
    papers: Sequence[Paper], per_page: int, excerpt_chars: int = EXCERPT_CHARS, max_pages: int | None = None
) -> dict[str, str]:
    """``index.md`` and ``page/N.md``: the newest papers first, a fixed number per page, for at
    most ``max_pages`` pages. The archive lists every paper already, so a home listing of a large
    collection ends by pointing there instead of repeating it (at 50,000 papers, 500 pages)."""
    newest = papers[0].date if papers else None
    return paginated(
        routes.HOME_SRC,
        "Latest papers",
        papers,
        per_page,
        newest,
        empty="No papers yet. See About / Contribute to add one.",
        excerpt_chars=excerpt_chars,
        max_pages=max_pages,
        older=routes.ARCHIVE_URL,
    )


def _date_rows(papers: Sequence[Paper], from_url: str, where: Mapping[dt.date, str] | None = None) -> str:
    """Each listing date with its count, linked to its page or, by month, to its heading on
    the month's page that holds it (``where``)."""
    rows = []
    for date, group in groupby(papers, key=lambda p: p.date):
        target = where[date] if where is not None else routes.archive_date_url(date)
        path, _, anchor = target.partition("#")
        href = relative_url(from_url, path) + (f"#{anchor}" if anchor else "")
        rows.append(f'<li><a href="{href}">{human_date(date)}</a> — {count_label(sum(1 for _ in group))}</li>')
    return f'<ul class="ps-archive">{"".join(rows)}</ul>\n'


def _month_places(papers: Sequence[Paper], per_page: int, excerpt_chars: int) -> dict[dt.date, str]:
    """Where each listing date's heading is when the archive is by month: its month's page
    (the first page the date appears on, as ``paginated`` splits it) and its anchor."""
    where: dict[dt.date, str] = {}
    for (year, month), in_month in groupby(papers, key=lambda p: (p.date.year, p.date.month)):
        first = src_to_url(routes.archive_month_src(year, month))
        for n, chunk in enumerate(_chunks(list(in_month), per_page, excerpt_chars), 1):
            url = first if n == 1 else routes.later_page_url(first, n)
            for paper in chunk:
                where.setdefault(paper.date, f"{url}#{paper.date.isoformat()}")
    return where


def archive_pages(
    papers: Sequence[Paper], per_page: int = 100, by_month: bool | None = None, excerpt_chars: int = 0
) -> dict[str, str]:
    """The date archive, newest first; entries without an excerpt unless ``excerpt_chars`` asks
    for one (the site passes ``ARCHIVE_PAGE_FACTOR`` times the home page's ``per_page``).

    - ``archive/index.md``: the latest listing dates, then every year with its months;
    - ``archive/<year>/index.md``: the year's months, each with its listing dates;
    - ``archive/<year>/<month>/index.md``: the month's listing dates;
    - ``archive/<date>.md`` (and ``archive/<date>/page/N.md``): the papers of one listing date.

    ``by_month`` (the default from ``MONTH_PAGES_FROM`` papers on): no page per date; a month's
    page (and ``archive/<year>/<month>/page/N.md``) lists its papers under a heading per date,
    and every link to a date goes to that heading.
    """
    if by_month is None:
        by_month = len(papers) >= MONTH_PAGES_FROM
    if by_month:
        return _archive_by_month(papers, per_page, excerpt_chars)
    newest = papers[0].date if papers else None
    pages: dict[str, str] = {}
    for date, group in groupby(papers, key=lambda p: p.date):
        day = list(group)
        pages.update(
            paginated(
                routes.archive_date_src(date),
                f"Papers of {human_date(date)}",
                day,
                per_page,
                newest,
                excerpt_chars=excerpt_chars,
            )
        )

    pages.update(_indexes(papers))
    return pages


def _indexes(papers: Sequence[Paper], where: Mapping[dt.date, str] | None = None) -> dict[str, str]:
    """The archive's front page and year pages, and (without ``where``) the month pages of
    listing dates; ``where`` says where each date's papers are when they are by month."""
    pages: dict[str, str] = {}
    index = [front_matter("Papers by date", papers[:1]) + "<h1>Papers by date</h1>\n"]
    if papers:
        latest_dates: list[Paper] = []
        for n, (_, group) in enumerate(groupby(papers, key=lambda p: p.date), 1):
            latest_dates.extend(group)
            if n == LATEST_DATES_IN_ARCHIVE:
                break
        index.append(
            "\n"
            + heading("Latest listing dates", "latest")
            + "\n"
            + _date_rows(latest_dates, routes.ARCHIVE_URL, where)
        )
    else:
        index.append("\n<p>No papers yet.</p>\n")
    for year, in_year_iter in groupby(papers, key=lambda p: p.date.year):
        in_year = list(in_year_iter)
        year_url = routes.archive_year_url(year)
        index.append(
            "\n" + heading(f'<a href="{relative_url(routes.ARCHIVE_URL, year_url)}">{year}</a>', f"y{year}") + "\n"
            f'<p class="ps-count">{count_label(len(in_year))}</p>\n'
        )
        month_rows = []
        year_page = [front_matter(f"Papers of {year}", in_year) + f"<h1>Papers of {year}</h1>\n"]
        year_page.append(
            f'\n<p class="ps-count">{count_label(len(in_year))} · '
            f'<a href="{relative_url(year_url, routes.ARCHIVE_URL)}">All years</a></p>\n'
        )
        for month, in_month_iter in groupby(in_year, key=lambda p: p.date.month):
            in_month = list(in_month_iter)
            name = f"{dt.date(year, month, 1):%B} {year}"
            month_src = routes.archive_month_src(year, month)
            month_url = src_to_url(month_src)
            count = count_label(len(in_month))
            month_rows.append(f'<li><a href="{relative_url(routes.ARCHIVE_URL, month_url)}">{name}</a> — {count}</li>')
            year_page.append(
                "\n"
                + heading(f'<a href="{relative_url(year_url, month_url)}">{name}</a>', f"m{month:02d}")
                + "\n"
                + _date_rows(in_month, year_url, where)
            )
            if where is not None:
                continue  # the month's page lists its papers (_archive_by_month)
            pages[month_src] = (
                front_matter(f"Papers of {name}", in_month)
                + f"<h1>Papers of {name}</h1>\n\n"
                + f'<p class="ps-count">{count} · '
                + f'<a href="{relative_url(month_url, year_url)}">All of {year}</a></p>\n\n'
                + _date_rows(in_month, month_url)
            )
        index.append(f'<ul class="ps-archive">{"".join(month_rows)}</ul>\n')
        pages[f"{year_url}index.md"] = "".join(year_page)
    pages[routes.ARCHIVE_SRC] = "".join(index)
    return pages


def _archive_by_month(papers: Sequence[Paper], per_page: int, excerpt_chars: int) -> dict[str, str]:
    """``archive_pages`` for a large collection: the same index and year pages, with the
    papers on paginated month pages."""
    where = _month_places(papers, per_page, excerpt_chars)
    pages = _indexes(papers, where)
    newest = papers[0].date if papers else None
    for (year, month), in_month_iter in groupby(papers, key=lambda p: (p.date.year, p.date.month)):
        in_month = list(in_month_iter)
        name = f"{dt.date(year, month, 1):%B} {year}"
        year_url = routes.archive_year_url(year)
        count = count_label(len(in_month))

        def intro(url: str, count: str = count, year: int = year, year_url: str = year_url) -> str:
            return f'<p class="ps-count">{count} · <a href="{relative_url(url, year_url)}">All of {year}</a></p>\n\n'

        src, title = routes.archive_month_src(year, month), f"Papers of {name}"
        pages.update(paginated(src, title, in_month, per_page, newest, intro=intro, excerpt_chars=excerpt_chars))
    return pages


# --------------------------------------------------------------------------- topic pages


def topics_index(topic_list: Sequence[Topic]) -> str:
    """``topics/index.md``: one row per topic with its description and paper count."""
    rows = []
    for topic in topic_list:
        href = relative_url(routes.TOPICS_URL, topic.url)
        desc = f'<span class="ps-topic-desc">{e(topic.description)}</span>' if topic.description else ""
        rows.append(
            f'<li class="ps-topic-row"><a class="ps-topic-name" href="{e(href)}">{e(topic.name)}</a> '
            f'<span class="ps-count">{count_label(len(topic.papers))}</span>{desc}</li>'
        )
    body = f'<ul class="ps-topics-index">{"".join(rows)}</ul>\n' if rows else "<p>No topics yet.</p>\n"
    return front_matter("Topics", (p for t in topic_list for p in t.papers)) + "<h1>Topics</h1>\n\n" + body


def topic_pages(
    topic_list: Sequence[Topic], per_page: int, newest: dt.date | None, excerpt_chars: int = EXCERPT_CHARS
) -> dict[str, str]:
    """``topics/index.md`` and, per topic, ``topics/<slug>/index.md`` plus ``page/N.md``.

    A topic's papers are listed under a heading per month, not per date as on the home page:
    a topic has a paper on few of the site's listing dates, so a heading per date (and its line
    in the page's table of contents) came with almost every paper, 300 bytes each."""
    pages = {routes.TOPICS_SRC: topics_index(topic_list)}
    for topic in topic_list:

        def intro(url: str, topic: Topic = topic) -> str:
            desc = f'<p class="ps-topic-intro">{e(topic.description)}</p>\n' if topic.description else ""
            back = relative_url(url, routes.TOPICS_URL)
            return (
                desc + f'<p class="ps-count">{count_label(len(topic.papers))} · <a href="{back}">All topics</a></p>\n'
            )

        pages.update(
            paginated(
                routes.topic_src(topic.slug),
                topic.name,
                topic.papers,
                per_page,
                newest,
                intro=intro,
                empty="No papers on this topic yet.",
                excerpt_chars=excerpt_chars,
                by_month=True,
            )
        )
    return pages
