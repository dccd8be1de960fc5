"""Tags for a page's ``<head>``: built here as escaped HTML, printed by ``overrides/main.html``.

``site_head`` is added to every page (feed autodiscovery and the like); ``paper_head`` only to
paper pages (citation and sharing metadata). Pure functions.
"""

from __future__ import annotations

from generator.feeds import absolute, feed_links, topic_feed_folder
from generator.model import Paper
from generator.render import e, relative_url
from generator.site_config import TopicConfig


def site_head(
    site_url: str, site_name: str = "PaperShelf", page_url: str = "", topic: TopicConfig | None = None
) -> str:
    """Tags that every page carries: feed autodiscovery, so a feed reader given the address of
    any page finds the feeds; a topic's page announces its own feeds first."""
    base = absolute(site_url, "") if site_url else relative_url(page_url, "").rstrip("/") + "/"
    links = feed_links(base, site_name)
    if topic is not None:
        links = feed_links(base, f"{site_name}: {topic.name}", topic_feed_folder(topic)) + links
    return "".join(
        f'<link rel="alternate" type="{e(kind)}" title="{e(title)}" href="{e(href)}">\n' for kind, title, href in links
    )


def paper_head(paper: Paper, page_url: str, site_url: str, topics: tuple[str, ...]) -> str:
    """Tags that describe one paper to search engines, reference managers and link previews."""
    return ""
