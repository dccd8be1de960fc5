"""My shelf and the authors' page: two pages the reader's browser fills in.

A reader's shelf is kept in their browser (``localStorage``), never on the site, so My shelf is
one page whose list, "For you", exports and import are made by ``assets/shelf-page.js`` from that
storage and the shard files ``shelf.data`` writes. An author's papers are likewise one page for
every author, the name in its address (``routes.author_url``): a file per author would be more
files than papers. Both pages say what they do without JavaScript, and what they need it for.
Pure functions; every value is escaped with ``e``.
"""

from __future__ import annotations

from generator.core import routes
from generator.core.html import e, relative_url

_NEEDS_SCRIPT = "<noscript><p>{what} needs JavaScript, which is off in this browser.</p></noscript>"
SHELF_SCRIPT = "assets/shelf.js"  # mkdocs.yml loads it on every page, deferred


def _early_script(src: str) -> str:
    """The shelf's script once more, at the end of the page's own markup, where the parser runs
    it before the theme's bundle (about 150 ms of a desktop's time, during which the deferred
    copy waits): the page's data is then fetched while the bundle runs. It is small and
    already fetched by then (the browser finds it early in the page); it starts only once."""
    return f'<script src="{e(relative_url(routes.src_to_url(src), SHELF_SCRIPT))}"></script>'


def shelf_page(new_list_url: str) -> str:
    """Markdown of My shelf. ``new_list_url`` is the repository's new-file page in the reading
    lists' folder (``links.new_file_url``), or "" when the site names no repository."""
    new_list = f' data-ps-new-list="{e(new_list_url)}"' if new_list_url else ""
    return f"""---
title: My shelf
description: The papers you saved, kept in this browser only, with recommendations, exports and import.
---

<div class="ps-shelf-page" data-ps-shelf-page{new_list}>
<h1 id="my-shelf">My shelf</h1>
<p>Papers you save with the <strong>Save to my shelf</strong> button of a paper, a listing or a search
result are kept in this browser only: nothing is sent anywhere. Export them to move them to
another browser or a reference manager.</p>
{_NEEDS_SCRIPT.format(what="My shelf")}
<div class="ps-shelf" data-ps-shelf hidden>
<p class="ps-shelf__status" role="status" data-ps-shelf-status></p>
<div class="ps-shelf__filter" data-ps-shelf-tools hidden>
<label for="ps-shelf-filter">Filter saved papers</label>
<input id="ps-shelf-filter" type="search" autocomplete="off" spellcheck="false" data-ps-shelf-filter>
</div>
<ol class="ps-shelf__list" data-ps-shelf-list></ol>
<section class="ps-foryou" aria-labelledby="for-you" data-ps-foryou hidden>
<h2 id="for-you">For you</h2>
<p class="ps-foryou__status" role="status" data-ps-foryou-status></p>
<ol class="ps-shelf__list" data-ps-foryou-list></ol>
</section>
<section class="ps-shelf__export" aria-labelledby="export" data-ps-shelf-export hidden>
<h2 id="export">Take it anywhere</h2>
<p>Download your shelf for a reference manager (BibTeX, RIS: Zotero, Mendeley and EndNote import
both), or as a shelf file to import in another browser.</p>
<p class="ps-shelf__buttons">
<button type="button" class="md-button" data-ps-export="bibtex">BibTeX (.bib)</button>
<button type="button" class="md-button" data-ps-export="ris">RIS (.ris)</button>
<button type="button" class="md-button" data-ps-export="shelf">Shelf file (.json)</button>
</p>
<h3 id="reading-list">Propose it as a reading list</h3>
<p>A reading list is a file of <code>content/collections/</code> reviewed by pull request, like a paper.</p>
<div class="ps-shelf__list-form">
<label for="ps-list-title">Title</label>
<input id="ps-list-title" type="text" autocomplete="off" value="My reading list" data-ps-list="title">
<label for="ps-list-description">Description</label>
<input id="ps-list-description" type="text" autocomplete="off" data-ps-list="description"
 value="Papers I saved on the shelf.">
<label for="ps-list-curator">Your GitHub login</label>
<input id="ps-list-curator" type="text" autocomplete="username" spellcheck="false" data-ps-list="curator">
</div>
<p class="ps-shelf__buttons">
<button type="button" class="md-button" data-ps-export="yaml">Reading list (.yml)</button>
<a class="md-button" data-ps-new-list-link hidden rel="noopener" target="_blank">Open it on GitHub</a>
</p>
</section>
<section class="ps-shelf__import" aria-labelledby="import">
<h2 id="import">Import</h2>
<p>Add the papers of a shelf file or reading list exported from My shelf in another browser.</p>
<label for="ps-shelf-import">Shelf file or reading list</label>
<input id="ps-shelf-import" type="file" accept=".json,.yml,.yaml,application/json" data-ps-import>
<p class="ps-shelf__import-status" role="status" data-ps-import-status></p>
</section>
</div>
{_early_script(routes.SHELF_SRC)}
</div>
"""


def authors_page() -> str:
    """Markdown of the authors' page: the papers of the author named in its address."""
    return f"""---
title: Papers by author
description: The papers of one author on the shelf.
---

<div class="ps-author-page" data-ps-author-page>
<h1 id="papers-by-author" data-ps-author-heading>Papers by author</h1>
{_NEEDS_SCRIPT.format(what="Listing an author's papers")}
<p class="ps-shelf__status" role="status" data-ps-author-status></p>
<ol class="ps-shelf__list" data-ps-author-list></ol>
{_early_script(routes.AUTHORS_SRC)}
</div>
"""


def shelf_pages(new_list_url: str) -> dict[str, str]:
    """``{source path: markdown}`` of My shelf and the authors' page."""
    return {routes.SHELF_SRC: shelf_page(new_list_url), routes.AUTHORS_SRC: authors_page()}
