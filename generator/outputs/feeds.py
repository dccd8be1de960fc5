"""Feeds of the latest papers: Atom 1.0, RSS 2.0 and JSON Feed 1.1, for the site and per topic.

Feed readers fetch these files from anywhere, so every link in them is absolute, built from
``site_url``. Every timestamp comes from the papers' listing dates, never from the clock, so
the same collection always gives byte-identical files (and readers do not see every entry as
"updated" after each rebuild). Each feed holds only the newest papers, a configured number, so
its size stays the same however large the collection grows.

XML is built with ElementTree, which escapes text and attributes; characters that XML 1.0
forbids (control characters a page could contain) are dropped first, because no escaping can
make them valid.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from functools import lru_cache
from itertools import islice

from generator import __version__
from generator.core import routes
from generator.core.html import abstract_html, e
from generator.core.links import arxiv_abs, paper_link
from generator.core.model import Paper
from generator.core.site_config import FeedsConfig, TopicConfig
from generator.core.slugs import slugify
from generator.core.tex import plain_title
from generator.core.text import excerpt
from generator.core.values import is_https_url

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR_NAME = "PaperShelf"

# The site's feeds sit in ``feeds/`` and a topic's beside its page (``topics/<slug>/atom.xml``).
# Material's script reads every ``<link rel="alternate">`` as a language version and fetches
# ``sitemap.xml`` from that link's folder on each page load; beside the site's own sitemap that
# costs megabytes per page view on a large collection. So ``feeds/`` holds a sitemap with no
# entries (``EMPTY_SITEMAP``), and the fetch the theme makes stays a few bytes.
EMPTY_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
)


@dataclass(frozen=True, slots=True)
class FeedFormat:
    """One of the three formats: the file name inside a feed folder, its media type, a label,
    and the function that writes it (``FORMATS``)."""

    filename: str
    media_type: str
    label: str
    write: Callable[[Sequence[Paper], FeedInfo, str, str, Mapping[str, tuple[str, ...]]], str]


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What one feed is about: the site as a whole, or one topic."""

    title: str
    description: str
    home_path: str  # site-relative URL of the page the feed follows ("" or "topics/<slug>/")
    folder: str  # site-relative folder of the feed's files: "" or ending in "/"


_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry at all (escaping is ElementTree's job)."""
    return _XML_INVALID.sub("", text)


def absolute(site_url: str, path: str) -> str:
    """``site_url`` joined with a site-relative path; ``site_url`` always ends in ``/`` here."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return base + path


def _midnight(date: dt.date) -> dt.datetime:
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def rfc3339(date: dt.date) -> str:
    """Atom and JSON Feed timestamps: the listing date at midnight UTC."""
    return _midnight(date).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc822(date: dt.date) -> str:
    """RSS timestamps; ``format_datetime`` uses English names whatever the machine's locale."""
    return format_datetime(_midnight(date), usegmt=True)


# An empty feed still needs an "updated" time; a fixed one keeps the output deterministic.
_EPOCH = dt.date(1970, 1, 1)


def _updated(papers: Sequence[Paper]) -> dt.date:
    return max((p.date for p in papers), default=_EPOCH)


@lru_cache(maxsize=1 << 17)  # each paper appears in three formats and in its topics' feeds
def entry_html(paper: Paper, site_url: str) -> str:
    """The entry's body for readers that show HTML: authors, abstract, links (https only)."""
    parts = []
    if paper.authors:
        parts.append(f"<p><em>{e(', '.join(paper.authors))}</em></p>")
    parts.append(abstract_html(paper.abstract))
    links = [f'<a href="{e(absolute(site_url, paper.url))}">Paper page</a>']
    if paper.arxiv:
        links.append(f'<a href="{e(arxiv_abs(paper.arxiv))}">arXiv</a>')
    if paper.code and is_https_url(paper.code):
        links.append(f'<a href="{e(paper.code)}">Code</a>')
    links += [f'<a href="{e(link.url)}">{e(link.label)}</a>' for link in paper.links if is_https_url(link.url)]
    parts.append(f"<p>{' · '.join(links)}</p>")
    return xml_text("".join(parts))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _serialize(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def atom_feed(
    papers: Sequence[Paper], info: FeedInfo, site_url: str, site_name: str, topics: Mapping[str, tuple[str, ...]]
) -> str:
    """An Atom 1.0 document of ``papers`` (already cut to the feed's length, newest first)."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "en"})
    _sub(feed, "title", info.title)
    if info.description:
        _sub(feed, "subtitle", info.description)
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(site_url, info.home_path))
    _sub(feed, "link", rel="self", type=ATOM.media_type, href=absolute(site_url, info.folder + ATOM.filename))
    _sub(feed, "id", absolute(site_url, info.folder + ATOM.filename))
    _sub(feed, "updated", rfc3339(_updated(papers)))
    author = _sub(feed, "author")
    _sub(author, "name", site_name)
    _sub(author, "uri", absolute(site_url, ""))
    _sub(feed, "generator", GENERATOR_NAME, version=__version__)
    for paper in papers:
        url = absolute(site_url, paper.url)
        entry = _sub(feed, "entry")
        _sub(entry, "title", plain_title(paper.title), type="text")
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        _sub(entry, "id", url)
        _sub(entry, "published", rfc3339(paper.date))
        _sub(entry, "updated", rfc3339(paper.date))
        for name in paper.authors:
            _sub(_sub(entry, "author"), "name", name)
        for topic in topics.get(paper.slug, ()):
            _sub(entry, "category", term=topic)
        _sub(entry, "summary", excerpt(paper.abstract), type="text")
        _sub(entry, "content", entry_html(paper, site_url), type="html")
    return _serialize(feed)


def rss_feed(
    papers: Sequence[Paper], info: FeedInfo, site_url: str, site_name: str, topics: Mapping[str, tuple[str, ...]]
) -> str:
    """An RSS 2.0 document; authors go in ``dc:creator`` because RSS's own field wants emails."""
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", absolute(site_url, info.home_path))
    _sub(channel, "description", info.description or info.title)
    _sub(channel, "language", "en")
    _sub(channel, "lastBuildDate", rfc822(_updated(papers)))
    _sub(channel, "generator", f"{GENERATOR_NAME} {__version__}")
    _sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    _sub(
        channel,
        "atom:link",
        href=absolute(site_url, info.folder + RSS.filename),
        rel="self",
        type=RSS.media_type,
    )
    for paper in papers:
        url = absolute(site_url, paper.url)
        item = _sub(channel, "item")
        _sub(item, "title", plain_title(paper.title))
        _sub(item, "link", url)
        _sub(item, "guid", url, isPermaLink="true")
        _sub(item, "pubDate", rfc822(paper.date))
        for name in paper.authors:
            _sub(item, "dc:creator", name)
        for topic in topics.get(paper.slug, ()):
            _sub(item, "category", topic)
        _sub(item, "description", entry_html(paper, site_url))
    return _serialize(rss)


def json_feed(
    papers: Sequence[Paper], info: FeedInfo, site_url: str, site_name: str, topics: Mapping[str, tuple[str, ...]]
) -> str:
    """A JSON Feed 1.1 document; keys in a fixed order, so the text is deterministic."""
    items = []
    for paper in papers:
        url = absolute(site_url, paper.url)
        item: dict[str, object] = {
            "id": url,
            "url": url,
            "title": plain_title(paper.title),
            "content_html": entry_html(paper, site_url),  # the spec needs this or content_text, not both
            "summary": excerpt(paper.abstract),
            "date_published": rfc3339(paper.date),
        }
        external = paper_link(paper)  # the paper itself (arXiv, DOI or PDF), never its code
        if external:
            item["external_url"] = external
        if paper.authors:
            item["authors"] = [{"name": name} for name in paper.authors]
        if topics.get(paper.slug):
            item["tags"] = list(topics[paper.slug])
        items.append(item)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": absolute(site_url, info.home_path),
        "feed_url": absolute(site_url, info.folder + JSON_FEED.filename),
        "description": info.description,
        "language": "en",
        "authors": [{"name": site_name, "url": absolute(site_url, "")}],
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


ATOM = FeedFormat("atom.xml", "application/atom+xml", "Atom", atom_feed)
RSS = FeedFormat("rss.xml", "application/rss+xml", "RSS", rss_feed)
JSON_FEED = FeedFormat("feed.json", "application/feed+json", "JSON Feed", json_feed)
FORMATS: tuple[FeedFormat, ...] = (ATOM, RSS, JSON_FEED)
"""Every feed format, once: the files each feed folder holds, the links pages and the digest
announce, in this order."""


def _feed_set(
    papers: Sequence[Paper], info: FeedInfo, site_url: str, site_name: str, topics: Mapping[str, tuple[str, ...]]
) -> dict[str, str]:
    own = tuple((p, topics.get(p.slug, ())) for p in papers)
    return dict(_feed_texts(own, info, site_url, site_name))


@lru_cache(maxsize=256)
def _feed_texts(
    papers: tuple[tuple[Paper, tuple[str, ...]], ...], info: FeedInfo, site_url: str, site_name: str
) -> tuple[tuple[str, str], ...]:
    """A feed's three files, kept while its papers and their topics are the same: under
    ``serve`` most edits leave most feeds as they were."""
    topics = {p.slug: names for p, names in papers}
    chosen = [p for p, _ in papers]
    return tuple(_feed_files(chosen, info, site_url, site_name, topics).items())


def _feed_files(
    papers: Sequence[Paper], info: FeedInfo, site_url: str, site_name: str, topics: Mapping[str, tuple[str, ...]]
) -> dict[str, str]:
    return {info.folder + f.filename: f.write(papers, info, site_url, site_name, topics) for f in FORMATS}


def topic_feed_folder(topic: TopicConfig) -> str:
    return routes.topic_url(topic.slug)


@lru_cache(maxsize=4096)  # a handful of distinct topic names, asked about for every paper
def _topic_slug(name: str) -> str:
    return slugify(name)


def in_topic(paper: Paper, topic: TopicConfig, topics: Mapping[str, tuple[str, ...]]) -> bool:
    """Compared by slug, so a tag written 'llm serving' still counts for the topic 'LLM serving'."""
    return any(_topic_slug(name) == topic.slug for name in topics.get(paper.slug, ()))


def site_info(site_name: str, description: str) -> FeedInfo:
    return FeedInfo(title=site_name, description=description, home_path="", folder=routes.FEEDS_DIR)


def topic_info(topic: TopicConfig, site_name: str) -> FeedInfo:
    return FeedInfo(
        title=f"{site_name}: {topic.name}",
        description=topic.description or f"The latest papers on {topic.name}.",
        home_path=routes.topic_url(topic.slug),
        folder=topic_feed_folder(topic),
    )


def all_feeds(
    papers: Sequence[Paper],
    *,
    site_url: str,
    site_name: str,
    description: str,
    topics: Mapping[str, tuple[str, ...]],
    taxonomy: Sequence[TopicConfig],
    config: FeedsConfig,
) -> dict[str, str]:
    """Every feed file of the site: ``{site-relative path: text}``.

    ``papers`` must be in the site order (newest first); each feed keeps its first
    ``config.max_items``.
    """
    files = _feed_set(papers[: config.max_items], site_info(site_name, description), site_url, site_name, topics)
    files[routes.FEEDS_DIR + "sitemap.xml"] = EMPTY_SITEMAP
    if config.topic_feeds:
        for topic in taxonomy:
            chosen = list(islice((p for p in papers if in_topic(p, topic, topics)), config.max_items))
            files.update(_feed_set(chosen, topic_info(topic, site_name), site_url, site_name, topics))
    return files


def feed_links(base: str, title: str, folder: str = routes.FEEDS_DIR) -> list[tuple[str, str, str]]:
    """(media type, title, href) of a feed folder's three formats, for autodiscovery and pages."""
    return [(f.media_type, f"{title} ({f.label})", base + folder + f.filename) for f in FORMATS]
