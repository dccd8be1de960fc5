"""Every address of the site, and every source path that makes one: each pattern once.

Pages are named by their source path inside the staged folder (``papers/<slug>.md``), and the
engine turns that into the page's URL the way MkDocs does with ``use_directory_urls: true``
(``papers/<slug>/``). Links between pages are made relative to the page that holds them
(``core.html.relative_url``), so the site works under any base path. Pure functions.
"""

from __future__ import annotations

from urllib.parse import quote_plus

PAPERS_DIR = "papers"
"""Folder of paper pages, in ``content/`` and in the staged folder alike."""
SOURCES_DIR = "sources"
"""Folder of the listings papers were imported from, published as they are."""
TOPICS_DIR = "topics"
ARCHIVE_DIR = "archive"
COLLECTIONS_DIR = "collections"
"""Folder of the reading lists in ``content/`` (``<slug>.yml``), which My shelf can export one for."""
STAGED_MARKER = ".papershelf-staged"
"""A file the stage step writes at the top of its folder. Engines skip dot-files, so it is
never published; its presence says the folder holds only escaped, rendered pages (the engine's
runner refuses a folder without it)."""
FEEDS_DIR = "feeds/"
ASSETS_DIR = "assets/"


def paper_src(slug: str) -> str:
    """Source path of a paper's page, relative to ``content/`` and to the staged folder."""
    return f"{PAPERS_DIR}/{slug}.md"


def paper_url(slug: str) -> str:
    """Site-relative URL of a paper's page."""
    return f"{PAPERS_DIR}/{slug}/"


def topic_url(slug: str) -> str:
    return f"{TOPICS_DIR}/{slug}/"


def topic_src(slug: str) -> str:
    return f"{TOPICS_DIR}/{slug}/index.md"


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


SHELF_SRC = "shelf/index.md"
"""My shelf: the papers a reader saved in their browser (``site.shelf``)."""
AUTHORS_SRC = "authors/index.md"
"""One page for every author: it lists the papers of the author its address names."""


def author_url(name: str) -> str:
    """Site-relative URL of an author's papers: one page, the name in its query (no file per
    author: at 50,000 papers there are more authors than papers)."""
    return f"{src_to_url(AUTHORS_SRC)}?name={quote_plus(name)}"
