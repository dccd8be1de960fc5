"""Reading lists' pages: ``collections/`` (every list) and ``collections/<slug>/`` (one list, its
papers in the curator's order, each with its note).

A list's title, description and notes are contributor text: they are plain text by the format's
rule (``content.reading_lists``) and escaped here all the same. Pure functions: lists in,
``{source path: markdown}`` out; the feed and BibTeX file of each list are made by the plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.content.reading_lists import ShelfList
from generator.core.html import e, relative_url
from generator.core.routes import ATOM_FILE, LISTS_SRC, LISTS_URL, list_bib, list_src, list_url
from generator.site.listings import count_label, front_matter
from generator.site.render import paper_item


def _curator(login: str) -> str:
    return f'<a href="https://github.com/{e(login)}">@{e(login)}</a>'


def list_page(shelf: ShelfList, excerpt_chars: int) -> str:
    """One list's page: what it is for, who keeps it, its papers in order with the notes."""
    url = list_url(shelf.slug)
    items = []
    for paper, note in shelf.entries:
        item = paper_item(paper, url, "", excerpt_chars)
        if note:
            item = item.removesuffix("</li>") + f'<p class="ps-note">{e(note)}</p></li>'
        items.append(item)
    feed, bib = relative_url(url, url + ATOM_FILE), relative_url(url, list_bib(shelf.slug))
    links = (
        f'<p class="ps-list-files"><a href="{e(feed)}">Atom feed</a> · '
        f'<a href="{e(bib)}" download>BibTeX of the {count_label(len(shelf.entries))}</a> · '
        f'<a href="{e(relative_url(url, LISTS_URL))}">All reading lists</a></p>\n'
    )
    body = f'<ol class="ps-list ps-reading-list">{"".join(items)}</ol>\n' if items else "<p>No papers yet.</p>\n"
    return (
        front_matter(shelf.title, shelf.papers)
        + f"<h1>{e(shelf.title)}</h1>\n\n"
        + f'<p class="ps-list-description">{e(shelf.description)}</p>\n'
        + f'<p class="ps-meta">A reading list kept by {_curator(shelf.curator)} · '
        + f"{count_label(len(shelf.entries))}</p>\n"
        + links
        + body
    )


def index_page(lists: Sequence[ShelfList]) -> str:
    """Every list, by title, with its description, curator and size; and how to add one."""
    rows = []
    for shelf in sorted(lists, key=lambda s: (s.title.casefold(), s.slug)):
        href = relative_url(LISTS_URL, list_url(shelf.slug))
        rows.append(
            f'<li class="ps-item"><a class="ps-item-title" href="{e(href)}">{e(shelf.title)}</a>'
            f'<p class="ps-item-authors">{count_label(len(shelf.entries))} · kept by @{e(shelf.curator)}</p>'
            f'<p class="ps-excerpt">{e(shelf.description)}</p></li>'
        )
    listing = f'<ul class="ps-list">{"".join(rows)}</ul>\n' if rows else "<p>No reading lists yet.</p>\n"
    how = (
        '<p class="ps-list-how">A reading list is one file, <code>content/collections/&lt;name&gt;.yml</code>,'
        " added by pull request and reviewed like a paper; CONTRIBUTING.md in the site's repository says how,"
        " in three steps.</p>\n"
    )
    return front_matter("Reading lists", [p for s in lists for p in s.papers]) + (
        "<h1>Reading lists</h1>\n\n" + how + listing
    )


def collection_pages(lists: Sequence[ShelfList], excerpt_chars: int) -> dict[str, str]:
    pages = {LISTS_SRC: index_page(lists)}
    for shelf in lists:
        pages[list_src(shelf.slug)] = list_page(shelf, excerpt_chars)
    return pages
