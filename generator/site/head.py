"""Tags for a page's ``<head>``: built here as escaped HTML, printed by ``overrides/main.html``.

``site_head`` is added to every page (feed autodiscovery and the like); ``paper_head`` only to
paper pages (citation and sharing metadata). Pure functions.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from generator.outputs.citations import paper_url, pdf_url
from generator.core.links import arxiv_abs, doi_url
from generator.outputs.feeds import feed_links
from generator.core.model import Paper
from generator.site.render import e, excerpt, plain_text, relative_url


def site_head(site_url: str, site_name: str = "PaperShelf", page_url: str = "") -> str:
    """Tags that every page carries: feed autodiscovery, so that a feed reader given the address
    of any page finds the site's feeds.

    The links are relative (path-absolute on the 404 page, which is served at any address):
    the theme fetches ``sitemap.xml`` from the folder of every ``rel="alternate"`` link, so a
    link must stay on the site's own origin and point into the folder that holds the sitemap.
    For the same reason the per-topic feeds are announced on the Subscribe page, not here.
    """
    if page_url.endswith(".html"):
        base = urlsplit(site_url).path or "/"
        base = base if base.endswith("/") else base + "/"
    else:
        base = relative_url(page_url, "").rstrip("/") + "/"
    return "".join(
        f'<link rel="alternate" type="{e(kind)}" title="{e(title)}" href="{e(href)}">\n'
        for kind, title, href in feed_links(base, site_name)
    )


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


def paper_head(paper: Paper, page_url: str, site_url: str, topics: tuple[str, ...]) -> str:
    """Tags that describe one paper to search engines, reference managers and link previews.

    - Google Scholar's ``citation_*`` tags (title, each author, publication date, arXiv id, DOI
      and PDF, each only when known);
    - schema.org ``ScholarlyArticle`` as JSON-LD (with the topics as keywords);
    - OpenGraph and Twitter card tags, with a description taken from the abstract.

    Nothing is said twice that a reader falls back on: Twitter cards read ``og:title`` and
    ``og:description``, and the theme already writes the meta description and the canonical
    link. The description is the start of the abstract, not all of it: at 10,000 pages, every
    byte here counts.
    """
    description = excerpt(plain_text(paper.abstract), 200)
    url = site_url.rstrip("/") + "/" + page_url if site_url else ""
    out = [_meta("name", "citation_title", paper.title)]
    out += [_meta("name", "citation_author", a) for a in paper.authors]
    if paper.published:  # the publication date, never the listing date; left out when unknown
        out.append(_meta("name", "citation_publication_date", paper.published.strftime("%Y/%m/%d")))
    if paper.arxiv:
        out.append(_meta("name", "citation_arxiv_id", paper.arxiv))
    if paper.doi:
        out.append(_meta("name", "citation_doi", paper.doi))
    pdf = pdf_url(paper)
    if pdf:
        out.append(_meta("name", "citation_pdf_url", pdf))
    abstract_page = paper_url(paper)
    if abstract_page and abstract_page != pdf:
        out.append(_meta("name", "citation_abstract_html_url", abstract_page))

    article: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
    }
    if paper.published:
        article["datePublished"] = paper.published.isoformat()
    if paper.authors:
        article["author"] = [{"@type": "Person", "name": a} for a in paper.authors]
    if topics:
        article["keywords"] = list(topics)
    same_as = [arxiv_abs(paper.arxiv)] if paper.arxiv else []
    same_as += [doi_url(paper.doi)] if paper.doi else []
    # Only addresses of the paper itself: its code is another work (and was once cited as it).
    if same_as:
        article["sameAs"] = same_as
    out.append(f'<script type="application/ld+json">{json_for_script(article)}</script>\n')

    out.append(_meta("property", "og:type", "article"))
    out.append(_meta("property", "og:title", paper.title))
    if description:
        out.append(_meta("property", "og:description", description))
    if url:
        out.append(_meta("property", "og:url", url))
    out.append(_meta("name", "twitter:card", "summary"))  # title and description: from og:*
    return "".join(out)
