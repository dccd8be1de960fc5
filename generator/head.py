"""Tags for a page's ``<head>``: built here as escaped HTML, printed by ``overrides/main.html``.

``site_head`` is added to every page (feed autodiscovery and the like); ``paper_head`` only to
paper pages (citation and sharing metadata). Pure functions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from generator.feeds import feed_links
from generator.model import Paper
from generator.render import e, relative_url


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


def paper_head(paper: Paper, page_url: str, site_url: str, topics: tuple[str, ...]) -> str:
    """Tags that describe one paper to search engines, reference managers and link previews."""
    return ""
