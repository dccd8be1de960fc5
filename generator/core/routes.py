"""Every address of the site, and every source path that makes one: each pattern once.

Pages are named by their source path inside the staged folder (``papers/<slug>.md``), and the
engine turns that into the page's URL the way MkDocs does with ``use_directory_urls: true``
(``papers/<slug>/``). Links between pages are made relative to the page that holds them
(``core.html.relative_url``), so the site works under any base path. Pure functions.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote_plus

PAPERS_DIR = "papers"
"""Folder of paper pages, in ``content/`` and in the staged folder alike."""
SOURCES_DIR = "sources"
"""Folder of the listings papers were imported from, published as they are."""
VOTES_FILE = "votes.json"
"""The readers' votes on each paper's discussion, in ``content/`` (``python -m generator votes``)."""
LISTS_DIR = "collections"
"""Reading lists: ``content/collections/<slug>.yml``, and their pages at ``collections/<slug>/``."""
TRENDING_DIR = "trending"
TOPICS_DIR = "topics"
ARCHIVE_DIR = "archive"
PAGES_DIR = "page"
"""A listing's later pages: ``<listing>/page/N/``."""
FEEDS_DIR = "feeds/"
"""The site's own feeds (a topic's sit beside its page: ``topic_url``)."""
STAGED_MARKER = ".papershelf-staged"
"""A file the stage step writes at the top of its folder. Engines skip dot-files, so it is
never published; its presence says the folder holds only escaped, rendered pages (the engine's
runner refuses a folder without it)."""

HOME_SRC = "index.md"
TOPICS_URL = f"{TOPICS_DIR}/"
TOPICS_SRC = f"{TOPICS_DIR}/index.md"
ARCHIVE_URL = f"{ARCHIVE_DIR}/"
ARCHIVE_SRC = f"{ARCHIVE_DIR}/index.md"
SUBSCRIBE_SRC = "subscribe.md"
SUBSCRIBE_URL = "subscribe/"
DATA_SRC = "data.md"
DATA_URL = "data/"

GENERATED_PAGES = frozenset({HOME_SRC, SUBSCRIBE_SRC, DATA_SRC})
GENERATED_FOLDERS = frozenset({PAGES_DIR, ARCHIVE_DIR, TOPICS_DIR, TRENDING_DIR})
"""Where the build writes its own pages (listings, topics, subscribe): a file of content/ there
would be replaced by the generated page, so it is an error."""


def paper_src(slug: str) -> str:
    """Source path of a paper's page, relative to ``content/`` and to the staged folder."""
    return f"{PAPERS_DIR}/{slug}.md"


def paper_url(slug: str) -> str:
    """Site-relative URL of a paper's page (``Paper.url``; the paper's own address is
    ``links.paper_link``)."""
    return f"{PAPERS_DIR}/{slug}/"


def topic_url(slug: str) -> str:
    """A topic's page; its feeds sit in the same folder."""
    return f"{TOPICS_DIR}/{slug}/"


def topic_src(slug: str) -> str:
    return f"{TOPICS_DIR}/{slug}/index.md"


def later_page_src(first_url: str, n: int) -> str:
    """Page ``n`` (from 2) of the listing whose first page is at ``first_url``."""
    return f"{first_url}{PAGES_DIR}/{n}.md"


def later_page_url(first_url: str, n: int) -> str:
    return f"{first_url}{PAGES_DIR}/{n}/"


def archive_year_url(year: int) -> str:
    return f"{ARCHIVE_DIR}/{year}/"


def archive_month_src(year: int, month: int) -> str:
    return f"{ARCHIVE_DIR}/{year}/{month:02d}/index.md"


def archive_date_src(date: dt.date) -> str:
    return f"{ARCHIVE_DIR}/{date.isoformat()}.md"


def archive_date_url(date: dt.date) -> str:
    return f"{ARCHIVE_DIR}/{date.isoformat()}/"


def source_src(name: str) -> str:
    """A listing's path inside ``content/`` (and the site), as a paper's ``source`` names it."""
    return f"{SOURCES_DIR}/{name}"


def source_name(src: str) -> str | None:
    """The file name of a listing published in ``sources/`` (``source_src``), or None for a
    ``source`` that names no such file (an import from elsewhere)."""
    rest = src.removeprefix(SOURCES_DIR + "/")
    return rest if rest != src and "/" not in rest else None


HF_DAILY_PREFIX = "hf-daily-"


def hf_daily_name(date: dt.date) -> str:
    """The saved Daily Papers response of one day, in ``sources/``."""
    return f"{HF_DAILY_PREFIX}{date.isoformat()}.json"


def is_paper_src(src: str) -> bool:
    """True for ``papers/<name>.md`` directly inside the papers folder."""
    rest = src.removeprefix(PAPERS_DIR + "/")
    return rest != src and rest.endswith(".md") and "/" not in rest


def src_to_url(src: str) -> str:
    """Directory URL the engine gives a source path (``a/b.md`` -> ``a/b/``, ``a/index.md`` -> ``a/``)."""
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def list_url(slug: str) -> str:
    """A reading list's page."""
    return f"{LISTS_DIR}/{slug}/"


def list_src(slug: str) -> str:
    """A reading list's staged page (its file in ``content/`` is ``collections/<slug>.yml``)."""
    return f"{LISTS_DIR}/{slug}/index.md"


def list_bib(slug: str) -> str:
    """A reading list's BibTeX file, in its folder, named after the list so a download keeps its name."""
    return f"{LISTS_DIR}/{slug}/{slug}.bib"


LISTS_SRC = f"{LISTS_DIR}/index.md"
LISTS_URL = f"{LISTS_DIR}/"
TRENDING_WEEK_SRC = f"{TRENDING_DIR}/index.md"
TRENDING_MONTH_SRC = f"{TRENDING_DIR}/month/index.md"
ATOM_FILE = "atom.xml"
"""A page's own Atom feed, in its folder (trending pages, reading lists)."""
SHELF_SRC = "shelf/index.md"
"""My shelf: the papers a reader saved in their browser (``site.shelf``)."""
AUTHORS_SRC = "authors/index.md"
"""One page for every author: it lists the papers of the author its address names."""


def author_url(name: str) -> str:
    """Site-relative URL of an author's papers: one page, the name in its query (no file per
    author: at 50,000 papers there are more authors than papers)."""
    return f"{src_to_url(AUTHORS_SRC)}?name={quote_plus(name)}"
