"""The Subscribe and Data pages, generated at build time from the settings they describe.

Generating them (rather than committing them) means the feed addresses, the topic feeds and the
export's field table always match what the build writes: a new topic in the taxonomy appears
here with its feeds, and a field added to the export's schema appears in its table. Pure
functions: settings in, ``{source path: markdown}`` out. Every value is escaped with ``e``.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.core.html import e, relative_url
from generator.core.routes import DATA_SRC, DATA_URL, FEEDS_DIR, SUBSCRIBE_SRC, SUBSCRIBE_URL
from generator.core.site_config import DigestConfig, FeedsConfig, TopicConfig
from generator.outputs.exports import BIBTEX_PATH, EXPORT_VERSION, JSON_PATH, PAPER_FIELDS, SCHEMA_PATH, TOP_FIELDS
from generator.outputs.feeds import ATOM, FORMATS, absolute, topic_feed_folder

DIGEST_ANCHOR = "email-digest"


def unsubscribe_link(digest: DigestConfig, site_url: str) -> str:
    """Where a digest's reader goes to leave: the configured address, else the digest section."""
    return digest.unsubscribe or absolute(site_url, f"{SUBSCRIBE_URL}#{DIGEST_ANCHOR}")


def _front(title: str) -> str:
    return f"---\ntitle: {title}\n---\n\n"


def _feed_row(label: str, folder: str, site_url: str, from_url: str) -> str:
    cells = []
    for fmt in FORMATS:
        path = folder + fmt.filename
        href = absolute(site_url, path) if site_url else relative_url(from_url, path)
        cells.append(f'<td><a href="{e(href)}" type="{e(fmt.media_type)}">{e(fmt.label)}</a></td>')
    return f"<tr><td>{e(label)}</td>{''.join(cells)}</tr>"


def _feed_table(rows: list[str], first: str) -> str:
    head = "".join(f"<th>{e(f.label)}</th>" for f in FORMATS)
    return f"<table>\n<thead><tr><th>{e(first)}</th>{head}</tr></thead>\n<tbody>\n{''.join(rows)}\n</tbody>\n</table>\n"


def subscribe_page(
    *,
    site_name: str,
    site_url: str,
    taxonomy: Sequence[TopicConfig],
    feeds: FeedsConfig,
    digest: DigestConfig,
) -> str:
    """Markdown of the Subscribe page: site feeds, topic feeds, the email digest, the data."""
    url = SUBSCRIBE_URL
    out = [_front("Subscribe"), "# Subscribe\n\n"]
    out.append(
        f"Follow new papers on {e(site_name)} in a feed reader or by email, or download the whole "
        "collection for your own tools.\n\n"
    )
    out.append("## Feeds\n\n")
    atom = FEEDS_DIR + ATOM.filename
    atom = absolute(site_url, atom) if site_url else relative_url(url, atom)
    out.append(
        "Copy a feed's address into your feed reader: any of the three formats works, Atom is the most "
        f"widely supported. Each feed lists the {feeds.max_items} most recently listed papers, newest "
        "first, with authors, abstract and links. Most readers also find the feeds by themselves when "
        "you give them the address of any page of this site.\n\n"
    )
    out.append(_feed_table([_feed_row("All papers", FEEDS_DIR, site_url, url)], "Feed"))
    out.append(f"\n<p>The Atom feed's address: <code>{e(atom)}</code></p>\n\n")
    if feeds.topic_feeds and taxonomy:
        out.append("## Feeds by topic\n\n")
        out.append("Only the papers of one topic, with the same number of entries.\n\n")
        rows = [_feed_row(t.name, topic_feed_folder(t), site_url, url) for t in taxonomy]
        out.append(_feed_table(rows, "Topic"))
        out.append("\n")
    out.append(f"## Email digest {{#{DIGEST_ANCHOR}}}\n\n")
    out.append(
        "Once a week, the digest brings the papers listed during the past week to your inbox: title, "
        "authors, the start of the abstract and links to the paper, arXiv and the code. It is plain "
        "email, without images or tracking.\n\n"
    )
    if digest.subscribe:
        out.append(f'<p>To receive it, <a href="{e(digest.subscribe)}">ask to subscribe</a>.</p>\n\n')
    else:
        out.append("<p>The digest is not open for subscriptions yet.</p>\n\n")
    if digest.unsubscribe:
        out.append(
            "<p>Every digest ends with a link to unsubscribe; you can also "
            f'<a href="{e(digest.unsubscribe)}">unsubscribe here</a>.</p>\n\n'
        )
    else:
        out.append("<p>To stop receiving it, reply to any digest and ask to be removed.</p>\n\n")
    out.append("## Data for tools\n\n")
    out.append(
        f"The whole collection is also published as [JSON and BibTeX](data.md): "
        f"`{JSON_PATH}` for scripts and `{BIBTEX_PATH}` for reference managers.\n"
    )
    return "".join(out)


def _field_table(rows: Sequence[tuple[str, str, str]]) -> str:
    body = "".join(f"<tr><td><code>{e(n)}</code></td><td>{e(t)}</td><td>{e(d)}</td></tr>" for n, t, d in rows)
    head = "<thead><tr><th>Field</th><th>Type</th><th>Meaning</th></tr></thead>"
    return f"<table>\n{head}\n<tbody>{body}</tbody>\n</table>\n"


def _type_name(schema: dict[str, object]) -> str:
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        inner = items.get("type") if isinstance(items, dict) else None
        return f"list of {'objects' if inner == 'object' else 'text'}"
    if isinstance(kind, list):
        if "integer" in kind:
            return "number or null"
        return "date (text) or null" if schema.get("format") == "date" else "text or null"
    fmt = schema.get("format")
    return {"date": "date (text)", "uri": "URL (text)"}.get(str(fmt), "text")


def data_page(*, site_name: str, site_url: str) -> str:
    """Markdown of the Data page: the files, and the documented schema of the JSON export."""
    url = DATA_URL

    def href(path: str) -> str:
        return absolute(site_url, path) if site_url else relative_url(url, path)

    top_types = {"version": "integer", "site": "object", "count": "integer", "papers": "list of objects"}
    out = [_front("Data for tools"), "# Data for tools\n\n"]
    out.append(
        f"Everything on {e(site_name)} is also published in two files, rebuilt with the site. They are "
        "deterministic: the same papers always give the same bytes.\n\n"
    )
    out.append(
        "<ul>\n"
        f'<li><a href="{e(href(JSON_PATH))}"><code>{JSON_PATH}</code></a>: every paper, as JSON in the format '
        f'below, compressed with gzip (a <a href="{e(href(SCHEMA_PATH))}">JSON Schema</a> of it is published '
        "too).</li>\n"
        f'<li><a href="{e(href(BIBTEX_PATH))}"><code>{BIBTEX_PATH}</code></a>: a BibTeX entry for every paper, '
        "the same as on each paper's page.</li>\n"
        "</ul>\n\n"
    )
    out.append(f"## The format of {JSON_PATH}\n\n")
    out.append(
        "Uncompressed (`gunzip`, or `gzip.open` in Python), the file is one JSON object, one paper per line. "
        f"Its `version` is {EXPORT_VERSION}. Within a version, fields may be added "
        "but none is renamed, retyped or removed; a change that would break a reader raises the version. "
        "Every field below is always present: missing values are `null` or an empty list.\n\n"
    )
    out.append(_field_table([(n, top_types[n], d) for n, d in TOP_FIELDS]))
    out.append("\n### Each paper\n\n")
    out.append(_field_table([(n, _type_name(s), d) for n, s, d in PAPER_FIELDS]))
    out.append(
        "\n### Example\n\n"
        "```python\n"
        "import gzip, json, urllib.request\n\n"
        f'with urllib.request.urlopen("{href(JSON_PATH)}") as response:\n'
        "    data = json.load(gzip.open(response))\n"
        f'assert data["version"] == {EXPORT_VERSION}\n'
        'for paper in data["papers"][:5]:\n'
        '    print(paper["date"], paper["title"], paper["url"])\n'
        "```\n"
    )
    return "".join(out)


def generated_pages(
    *,
    site_name: str,
    site_url: str,
    taxonomy: Sequence[TopicConfig],
    feeds: FeedsConfig,
    digest: DigestConfig,
) -> dict[str, str]:
    return {
        SUBSCRIBE_SRC: subscribe_page(
            site_name=site_name, site_url=site_url, taxonomy=taxonomy, feeds=feeds, digest=digest
        ),
        DATA_SRC: data_page(site_name=site_name, site_url=site_url),
    }
