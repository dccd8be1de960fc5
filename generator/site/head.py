"""Tags for a page's ``<head>``: built here as escaped HTML, printed by ``overrides/main.html``.

``site_head`` is added to every page (feed autodiscovery and the like); ``paper_head`` only to
paper pages (citation and sharing metadata). Pure functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from generator.core.html import e, relative_url
from generator.core.links import arxiv_abs, doi_url, paper_link, pdf_link
from generator.core.model import Paper
from generator.core.routes import SUBSCRIBE_URL
from generator.core.tex import plain_title
from generator.core.text import excerpt
from generator.outputs.feeds import feed_links
from generator.site.render import LISTING_AUTHORS

KATEX_DIR = "assets/vendor/katex/"
MATH_SCRIPT = "assets/math.js"


def has_math(html: str) -> bool:
    """True when a page's rendered content holds math for the renderer.

    The renderer is KaTeX, shipped with the site under ``KATEX_DIR`` (the built site is used and
    tested offline, so nothing may come from a CDN). It weighs about 300 KB, so only pages that
    contain math load it; ``core.html`` marks math as ``class="arithmatex"`` (the markup of
    ``pymdownx.arithmatex``), and that marker is what this looks for."""
    return 'class="arithmatex"' in html


def math_head(page_url: str) -> str:
    """The stylesheet and script that typeset a page's math, linked relative to the page.

    KaTeX's stylesheet (4 KB compressed) is an ordinary stylesheet: added later by a script,
    it would make the browser restyle the whole page at once, the longest task of the page
    load. Its fonts are fetched only when typeset math uses them. KaTeX's script (75 KB
    compressed) is not in the head: ``math.js``, deferred, fetches it once the page is parsed,
    so that it does not compete with the page's own files for the first paint, then typesets."""
    css = relative_url(page_url, KATEX_DIR + "katex.min.css")
    js = relative_url(page_url, KATEX_DIR + "katex.min.js")
    init = relative_url(page_url, MATH_SCRIPT)
    link = f'<link rel="stylesheet" href="{e(css)}">\n'
    return link + f'<script defer src="{e(init)}" data-ps-katex-js="{e(js)}"></script>\n'


OG_IMAGE = "assets/og.png"
"""The site-wide picture for link previews (``overrides/assets/og.png``, made by ``og_image``)."""

ALL_FEEDS_ON = frozenset({"", SUBSCRIBE_URL})
"""The pages that announce every feed format (the home page and Subscribe); others, Atom alone."""


def absolute_url(site_url: str, page_url: str) -> str:
    """A page's address on the published site, or "" when the site's address is not set."""
    return site_url.rstrip("/") + "/" + page_url.removeprefix("/") if site_url else ""


def site_head(
    site_url: str,
    site_name: str = "PaperShelf",
    page_url: str = "",
    *,
    title: str | None = None,
    description: str = "",
) -> str:
    """Tags that every page carries: feed autodiscovery, so that a feed reader given the address
    of any page finds the site's feeds, and the OpenGraph tags that link previews read.

    Every page names the Atom feed, which every feed reader reads; the home and Subscribe pages
    name all three formats (``ALL_FEEDS_ON``). Two more links on every page would be 10 MB of a
    50,000-paper site, for readers that find them on those pages anyway.

    The feed links are relative (path-absolute on the 404 page, which is served at any address):
    the theme fetches ``sitemap.xml`` from the folder of every ``rel="alternate"`` link, so a
    link must stay on the site's own origin and point into the folder that holds the sitemap.
    For the same reason the per-topic feeds are announced on the Subscribe page, not here.

    ``og:site_name`` and ``og:image`` (with its alternative text) are the same on every page.
    The picture's size (``og:image:width``/``height``) is not written: it only spares a preview
    that has never fetched the picture one fetch, the picture is the same for every page, and
    the two tags would be 5 MB of a 50,000-paper site. With ``title`` (plain text:
    see ``tex.plain_title``) the page's own ``og:type`` "website", title, description and URL
    follow; a paper page leaves ``title`` out and gets them, as an article, from ``paper_head``.
    """
    if page_url.endswith(".html"):
        base = urlsplit(site_url).path or "/"
        base = base if base.endswith("/") else base + "/"
    else:
        base = relative_url(page_url, "").rstrip("/") + "/"
    links = feed_links(base, site_name)
    if page_url not in ALL_FEEDS_ON:
        links = links[:1]
    out = [
        f'<link rel="alternate" type="{e(kind)}" title="{e(feed_title)}" href="{e(href)}">\n'
        for kind, feed_title, href in links
    ]
    out.append(_meta("property", "og:site_name", site_name))
    if site_url:  # OpenGraph wants absolute URLs; without a site address there is none to give
        out.append(_meta("property", "og:image", absolute_url(site_url, OG_IMAGE)))
        out.append(_meta("property", "og:image:alt", site_name))
    if title is not None:
        out.append(page_og(title or site_name, description, absolute_url(site_url, page_url), "website"))
    return "".join(out)


def page_og(title: str, description: str, url: str, kind: str) -> str:
    """A page's own OpenGraph tags, and the Twitter card that reads them."""
    out = [_meta("property", "og:type", kind), _meta("property", "og:title", title)]
    if description:
        out.append(_meta("property", "og:description", description))
    if url:
        out.append(_meta("property", "og:url", url))
    out.append(_meta("name", "twitter:card", "summary"))  # title and description: from og:*
    return "".join(out)


DESCRIPTION_CHARS = 160
"""The length of a paper's description, in its meta and OpenGraph tags and its JSON-LD: about
what a search result or a link preview shows; the whole abstract is on the page."""


def page_description(abstract: str) -> str:
    """The meta and OpenGraph description of a paper: the start of its abstract as plain text,
    math included (``$O(n^2)$`` -> ``O(n²)``), since neither is typeset."""
    return excerpt(plain_title(abstract), DESCRIPTION_CHARS)


def robots_txt(site_url: str) -> str:
    """``robots.txt``: every page may be crawled, and the sitemap is named by its absolute URL
    (the protocol requires one), so crawlers find pages that no listing links any more."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {absolute_url(site_url, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"


def lastmod(papers: Iterable[Paper]) -> str | None:
    """A page's ``<lastmod>`` for the sitemap: the newest listing date among the papers the page
    shows (a paper page: its own), as ``YYYY-MM-DD``; None for a page that shows no paper, whose
    sitemap entry then has no date rather than the build's. Taken from the content alone, so two
    builds of the same commit write the same sitemap."""
    dates = [p.date for p in papers]
    return max(dates).isoformat() if dates else None


def _meta(attr: str, key: str, value: str) -> str:
    return f'<meta {attr}="{e(key)}" content="{e(value)}">\n'


def json_for_script(data: object) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` become ``\\u`` escapes,
    so contributor text such as ``</script>`` or ``<!--`` cannot end or change the element;
    the line separators that older parsers reject in strings are escaped too."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def paper_head(
    paper: Paper,
    page_url: str,
    site_url: str,
    topics: tuple[str, ...],
    *,
    site_name: str = "PaperShelf",
) -> str:
    """Tags that describe one paper to search engines, reference managers and link previews.

    - Google Scholar's ``citation_*`` tags (title, each author, publication date, arXiv id, DOI
      and PDF, each only when known): every author, since Scholar matches a paper by them all;
    - schema.org ``ScholarlyArticle`` as JSON-LD (see ``scholarly_article``);
    - OpenGraph and Twitter card tags, with a description taken from the abstract.

    Titles and descriptions are plain text (``tex.plain_title``): none of these readers typesets
    TeX. Nothing is said twice that a reader falls back on: Twitter cards read ``og:title`` and
    ``og:description``, and the theme already writes the meta description and the canonical
    link. The description is the start of the abstract, not all of it: at 10,000 pages, every
    byte here counts.
    """
    title = plain_title(paper.title)
    url = absolute_url(site_url, page_url)
    out = [_meta("name", "citation_title", title)]
    out += [_meta("name", "citation_author", a) for a in paper.authors]
    if paper.published:  # the publication date, never the listing date; left out when unknown
        out.append(_meta("name", "citation_publication_date", paper.published.strftime("%Y/%m/%d")))
    if paper.arxiv:
        out.append(_meta("name", "citation_arxiv_id", paper.arxiv))
    if paper.doi:
        out.append(_meta("name", "citation_doi", paper.doi))
    pdf = pdf_link(paper)
    if pdf:
        out.append(_meta("name", "citation_pdf_url", pdf))
    abstract_page = paper_link(paper)
    if abstract_page and abstract_page != pdf:
        out.append(_meta("name", "citation_abstract_html_url", abstract_page))
    article = scholarly_article(paper, url, site_url, site_name, topics)
    out.append(f'<script type="application/ld+json">{json_for_script(article)}</script>\n')
    out.append(page_og(title, page_description(paper.abstract), url, "article"))
    return "".join(out)


def _doi(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname in ("doi.org", "dx.doi.org") and parts.path.startswith("/10."):
        return parts.path.removeprefix("/")
    return None


def scholarly_article(
    paper: Paper,
    url: str,
    site_url: str,
    site_name: str,
    topics: tuple[str, ...] = (),
) -> dict[str, object]:
    """The paper as a schema.org ``ScholarlyArticle``: ``name``/``headline``, ``url``,
    ``author``, ``identifier`` (arXiv id, DOI), ``keywords``, ``sameAs`` and ``isPartOf`` this
    site.

    ``author`` names the first ``LISTING_AUTHORS`` authors, as a listing does: real papers have up
    to hundreds, and each costs the page about 45 bytes here. Every author is on the page and in
    a ``citation_author`` tag (Google Scholar reads those, and wants them all).

    No ``abstract``: the page's description (the start of the abstract) is already in its meta
    description and ``og:description``, which is what search results and link previews show, and
    the whole abstract is on the page. A third copy would be 9 MB of a 50,000-paper site.

    ``datePublished`` is the publication date only (``published``), else nothing. The listing date says when the paper
    was added to the site, which is not when it was published.
    """
    title = plain_title(paper.title)
    article: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": title,
    }
    if url:
        article["url"] = url
    if paper.published:  # the publication date only; the listing date or the id's month never
        article["datePublished"] = paper.published.isoformat()
    if paper.authors:
        article["author"] = [{"@type": "Person", "name": a} for a in paper.authors[:LISTING_AUTHORS]]
    identifiers = []
    if paper.arxiv:
        identifiers.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": paper.arxiv})
    if paper.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi})
    for link in paper.links:
        doi = _doi(link.url)
        if doi == paper.doi:
            continue
        if doi:
            identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": doi})
    if identifiers:
        article["identifier"] = identifiers if len(identifiers) > 1 else identifiers[0]
    if topics:
        article["keywords"] = list(topics)
    same_as = [arxiv_abs(paper.arxiv)] if paper.arxiv else []
    same_as += [doi_url(paper.doi)] if paper.doi else []
    # Only addresses of the paper itself: its code is another work (and was once cited as it).
    if same_as:
        article["sameAs"] = same_as
    site: dict[str, object] = {"@type": "WebSite", "name": site_name}
    if site_url:
        site["url"] = site_url
    article["isPartOf"] = site
    return article
