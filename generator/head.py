"""Tags for a page's ``<head>``: built here as escaped HTML, printed by ``overrides/main.html``.

``site_head`` is added to every page (feed autodiscovery and the like); ``paper_head`` only to
paper pages (citation and sharing metadata). Pure functions.
"""

from __future__ import annotations

from generator.model import Paper


def site_head(site_url: str) -> str:
    """Tags that every page carries."""
    return ""


def paper_head(paper: Paper, page_url: str, site_url: str, topics: tuple[str, ...]) -> str:
    """Tags that describe one paper to search engines, reference managers and link previews."""
    return ""
