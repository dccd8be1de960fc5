"""What each staged file holds: pure functions of the collection and the settings.

``generator.stage`` reads ``content/``, calls these and writes what they return; nothing here
reads or writes a file, so the same input gives the same bytes, and a test can ask for any
page without a folder. Every value a template prints unescaped is escaped here.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml

from generator.content.reading_lists import ShelfList
from generator.content.sanitize import RenderedPage
from generator.content.votes import Vote
from generator.core import caches, routes
from generator.core.html import e
from generator.core.model import Paper
from generator.core.site_config import SiteConfig
from generator.core.tex import plain_title
from generator.outputs.citations import bibtex_entry, citation_keys
from generator.outputs.exports import all_exports
from generator.outputs.feeds import FeedInfo, absolute, all_feeds, atom_feed
from generator.search.index import FILTERS_FILE, filter_menu, index_files
from generator.search.typos import typo_files
from generator.shelf.data import shelf_files
from generator.site.collections import collection_pages
from generator.site.discussion import discussion_head, discussion_html
from generator.site.head import has_math, lastmod, math_head, page_description, paper_head, robots_txt, site_head
from generator.site.listings import ARCHIVE_PAGE_FACTOR, archive_pages, home_pages, topic_pages
from generator.site.render import paper_page, related_html
from generator.site.shelf import shelf_pages
from generator.site.subscribe import generated_pages
from generator.site.trending import trending_pages
from generator.taxonomy.topics import collect_topics

Files = dict[str, str | bytes]


@dataclass(frozen=True, slots=True)
class Site:
    """What the staged pages need to know of the site: its identity and its settings."""

    name: str
    url: str
    description: str
    settings: SiteConfig
    new_list_url: str = ""  # the repository's new-file page for a reading list (``links.new_file_url``)


def staged_page(meta: Mapping[str, str], body: str) -> str:
    """A staged page: front matter whose values are already escaped for the templates (which
    print ``page.meta`` unescaped), written as JSON strings (valid YAML), then the body."""
    fm = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in meta.items() if value)
    return f"---\n{fm}---\n\n{body.strip()}\n"


_TITLE = re.compile(r"^title: (.*)$", re.MULTILINE)


def _yaml_text(value: str) -> str:
    """A generated page's title as its front matter writes it: mostly a JSON string (which
    YAML reads the same), read fast; anything else through YAML (the pages are ours)."""
    try:
        return str(json.loads(value))
    except ValueError:
        return str(yaml.safe_load(value))


def _with_head(markdown: str, site: Site, url: str) -> str:
    """Add the head tags to a generated page's front matter (the page keeps its own title)."""
    return _page_with_head(markdown, site.name, site.url, site.description, url)


@functools.lru_cache(maxsize=1 << 14)  # under ``serve`` most listing pages are the same as before
def _page_with_head(markdown: str, name: str, site_url: str, description: str, url: str) -> str:
    if not markdown.startswith("---\n"):
        return markdown
    found = _TITLE.search(markdown)
    title = html.unescape(_yaml_text(found.group(1))) if found else name
    head = _head(site_url, name, description, url, markdown, title)
    return markdown.replace("---\n", f"---\npapershelf_head: {json.dumps(head.strip(), ensure_ascii=False)}\n", 1)


def page_head(site: Site, url: str, body: str, *, title: str | None = None) -> str:
    """The ``<head>`` tags every page carries (feeds, OpenGraph with the page's ``title`` in
    plain text; a paper's own come from ``paper_head``), plus the math renderer where the body
    has math."""
    return _head(site.url, site.name, site.description, url, body, title)


def _head(site_url: str, name: str, description: str, url: str, body: str, title: str | None) -> str:
    head = site_head(site_url, name, url, title=title, description=description)
    if has_math(body):
        head += math_head(url)
    return head


RELATED_SLOT = "<!--papershelf:related-->"
"""Where a paper's related papers go in a body made before they are known (``paper_body``).
Contributor text never holds it: every ``<`` of it is escaped."""


OnLists = tuple[tuple[str, str], ...]
"""The reading lists a paper is on, as (slug, title) pairs, by the lists' slugs."""


def paper_body(paper: Paper, topics: tuple[str, ...], cite_key: str | None, on_lists: OnLists = ()) -> str:
    """A paper's page body with ``RELATED_SLOT`` where its related papers go: the build makes
    the bodies while the related papers are still being computed (``with_related``)."""
    url = routes.paper_url(paper.slug)
    return paper_page(paper, url, topics=topics, related_slot=RELATED_SLOT, cite_key=cite_key, on_lists=on_lists)


def with_related(paper: Paper, site: Site, topics: tuple[str, ...], related: Sequence[Paper], body: str) -> str:
    """The staged page of a body made by ``paper_body``: the same text ``paper_file`` makes."""
    url = routes.paper_url(paper.slug)
    return _paper_file(paper, site, topics, body.replace(RELATED_SLOT, related_html(related, url), 1))


def paper_file(
    paper: Paper,
    site: Site,
    topics: tuple[str, ...],
    related: Sequence[Paper],
    cite_key: str | None,
    on_lists: OnLists = (),
) -> str:
    """One paper's staged page: the body ``render`` made, its head tags and escaped metadata."""
    url = routes.paper_url(paper.slug)
    body = paper_page(paper, url, topics=topics, related=related, cite_key=cite_key, on_lists=on_lists)
    return _paper_file(paper, site, topics, body)


_ARTICLE_END = "</article>"


def _paper_file(paper: Paper, site: Site, topics: tuple[str, ...], body: str) -> str:
    url = routes.paper_url(paper.slug)
    head = page_head(site, url, body) + paper_head(paper, url, site.url, topics, site_name=site.name)
    discussion = site.settings.discussion
    if discussion is not None:  # off: not a byte of it on the page
        body = body.removesuffix(_ARTICLE_END) + discussion_html(paper.slug, discussion) + "\n" + _ARTICLE_END
        head += discussion_head(url)
    meta = {
        "title": e(plain_title(paper.title)),  # <title> and meta tags: no reader typesets TeX
        "description": e(page_description(paper.abstract)),
        "lastmod": lastmod([paper]) or "",  # the sitemap's date: the paper's, never the build's
        "papershelf_head": head.strip(),
    }
    return staged_page(meta, body)


def neighbours(papers: Sequence[Paper], related: Mapping[str, Sequence[str]]) -> dict[str, tuple[Paper, ...]]:
    """slug -> its related papers (those still in the collection)."""
    by_slug = {p.slug: p for p in papers}
    return {p.slug: tuple(by_slug[s] for s in related.get(p.slug, ()) if s in by_slug) for p in papers}


def generated_files(
    papers: Sequence[Paper],
    site: Site,
    topics: Mapping[str, tuple[str, ...]],
    lists: Sequence[ShelfList] = (),
    votes: Mapping[str, Vote] | None = None,
) -> Files:
    """Home, archive, topic, trending, reading list, Subscribe and Data pages; feeds, exports
    and the filter menu.

    Made at build time and never committed, so two pull requests that add papers never touch
    the same file."""
    settings, per_page = site.settings, site.settings.home.papers_per_page
    newest = papers[0].date if papers else None
    excerpt = settings.home.excerpt_chars
    pages = home_pages(papers, per_page, excerpt, settings.home.max_pages)
    pages.update(archive_pages(papers, ARCHIVE_PAGE_FACTOR * per_page))  # a catalogue: no excerpts
    pages.update(topic_pages(collect_topics(papers, topics, settings.taxonomy), per_page, newest, excerpt))
    pages.update(shelf_pages(site.new_list_url))
    pages.update(
        generated_pages(
            site_name=site.name,
            site_url=site.url,
            taxonomy=settings.taxonomy,
            feeds=settings.feeds,
            digest=settings.digest,
        )
    )
    trending, by_window = trending_pages(papers, votes or {}, settings.trending, excerpt)
    pages.update(trending)
    pages.update(collection_pages(lists, excerpt))
    out: Files = {src: _with_head(text, site, routes.src_to_url(src)) for src, text in pages.items()}
    out["robots.txt"] = robots_txt(site.url)
    if site.url:  # feeds and BibTeX files name the site's address
        for window, chosen in by_window.items():
            info = FeedInfo(f"{site.name}: trending {window.name}", "", window.url, window.url)
            out[window.feed] = atom_feed(chosen, info, site.url, site.name, topics)
        out.update(list_files(lists, site, topics, citation_keys(papers) if lists else {}))
    if site.url:  # feeds and exports need absolute links
        out.update(
            all_feeds(
                papers,
                site_url=site.url,
                site_name=site.name,
                description=site.description,
                topics=topics,
                taxonomy=settings.taxonomy,
                config=settings.feeds,
            )
        )
    out[FILTERS_FILE] = filter_menu(papers, topics)
    return out


def list_files(
    lists: Sequence[ShelfList], site: Site, topics: Mapping[str, tuple[str, ...]], keys: Mapping[str, str]
) -> Files:
    """Each reading list's Atom feed (its papers in the list's order) and BibTeX file, whose
    keys are the papers' keys in papers.bib and on their pages."""
    out: Files = {}
    for shelf in lists:
        folder = routes.list_url(shelf.slug)
        info = FeedInfo(f"{site.name}: {shelf.title}", shelf.description, folder, folder)
        out[folder + routes.ATOM_FILE] = atom_feed(shelf.papers, info, site.url, site.name, topics)
        header = f"% A reading list of {site.name}, {len(shelf.papers)} papers: {absolute(site.url, folder)}\n"
        entries = "".join("\n" + bibtex_entry(p, keys.get(p.slug)) for p in shelf.papers)
        out[routes.list_bib(shelf.slug)] = header + entries
    return out


def search_files(papers: Sequence[Paper], topics: Mapping[str, tuple[str, ...]]) -> Files:
    """The search index and its vocabulary (for misspelt queries: of the same words): the files
    the search box fetches. With My shelf's data (``shelf.data.shelf_files``) and
    ``export_files``, the files that hold every paper, compressed.

    Apart from ``generated_files`` because they cost seconds at 50,000 papers, and nothing
    on a page waits for them: a build makes them while the pages are made, a preview once
    saves pause (``Stager``)."""
    out: Files = dict(index_files(papers, topics))
    out.update(typo_files(papers, topics))  # of the words the index split
    return out


def export_files(papers: Sequence[Paper], site: Site, topics: Mapping[str, tuple[str, ...]]) -> Files:
    """papers.json, papers.bib and their kin; none without the site's address, which they link."""
    if not site.url:
        return {}
    return dict(all_exports(papers, site_url=site.url, site_name=site.name, topics=topics))


def all_but_index_files(papers: Sequence[Paper], site: Site, topics: Mapping[str, tuple[str, ...]]) -> Files:
    """``search_files`` but the search index itself, My shelf's data and ``export_files``: the
    share a large build makes apart from the index, which needs the most memory (``Stager``),
    each part's per-paper fragments let go once it is made."""
    out: Files = dict(typo_files(papers, topics))
    caches.release()
    out.update(shelf_files(papers))
    caches.release()
    out.update(export_files(papers, site, topics))
    return out


def maintainer_files(pages: Mapping[str, RenderedPage], site: Site) -> Files:
    """Pages such as ``about.md``: Markdown made HTML and sanitized (``content.sanitize``)."""
    out: Files = {}
    for src, page in pages.items():
        url = routes.src_to_url(src)
        meta = {"title": e(page.title), "papershelf_head": page_head(site, url, page.html, title=page.title).strip()}
        out[src] = staged_page(meta, page.html)
    return out
