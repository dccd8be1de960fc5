"""Whole-collection exports for tools: ``papers.json.gz`` (with its JSON Schema) and ``papers.bib``.

Scripts and reference managers read these instead of scraping pages, so their shape is a
promise. ``papers.json`` carries ``version``: fields may be added within a version, but a field
is never renamed, retyped or removed without raising it. ``SCHEMA`` is the one description of
that shape: the site publishes it as ``papers.schema.json``, the data page's field table is made
from it, and the tests validate the export against it.

Both files are deterministic: papers in the site order, keys in a fixed order, no timestamps.

The JSON is published gzip-compressed. It holds every abstract, so it is the site's largest
file by far: 121 MB at 50,000 papers, an eighth of what GitHub Pages lets a site hold, and a
third of that compressed. Tools read it as easily either way (``gzip.open``, ``curl | gunzip``),
and a host serves a ``.gz`` file as it is, so the bytes a reader fetches are the same.
BibTeX stays plain: it is a sixth of the size, and reference managers import it directly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from generator.content.paper_fields import FIELDS, export_record
from generator.core.caches import per_paper
from generator.core.gz import compressed
from generator.core.model import Paper
from generator.outputs.citations import bibtex_entry, citation_keys
from generator.outputs.feeds import absolute

EXPORT_VERSION = 1
JSON_PATH = "papers.json.gz"
SCHEMA_PATH = "papers.schema.json"
BIBTEX_PATH = "papers.bib"

_TEXT: dict[str, Any] = {"type": "string"}

PAPER_FIELDS: tuple[tuple[str, dict[str, Any], str], ...] = tuple(
    (f.name, f.export.schema, f.export.description) for f in FIELDS if f.export is not None
)
"""(name, JSON Schema, description) of each paper field, in the order they are written: the
exported rows of ``paper_fields.FIELDS``."""

# (name, description) of the top-level fields.
TOP_FIELDS: tuple[tuple[str, str], ...] = (
    ("version", f"the schema version, {EXPORT_VERSION}; raised only by an incompatible change"),
    ("site", "{name, url}: the site the data comes from"),
    ("count", "number of papers"),
    ("papers", "every paper, newest listing date first; within a date by rank (unranked last), then title"),
)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "PaperShelf papers export",
    "type": "object",
    "required": [name for name, _ in TOP_FIELDS],
    "properties": {
        "version": {"const": EXPORT_VERSION},
        "site": {
            "type": "object",
            "required": ["name", "url"],
            "properties": {"name": _TEXT, "url": _TEXT},
        },
        "count": {"type": "integer", "minimum": 0},
        "papers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [name for name, _, _ in PAPER_FIELDS],
                "properties": {name: schema for name, schema, _ in PAPER_FIELDS},
            },
        },
    },
}


def bibtex_key(entry: str) -> str:
    """The key of a BibTeX entry (``@type{key,``), read from the entry itself so that the JSON
    and the .bib file can never disagree."""
    head = entry.split(",", 1)[0]
    return head.split("{", 1)[1].strip() if "{" in head else ""


def paper_record(paper: Paper, site_url: str, topics: tuple[str, ...], key: str | None = None) -> dict[str, Any]:
    """One paper as the export writes it; every field is always present (null or [] if unset).
    ``key`` is its BibTeX key in the collection (``citation_keys``)."""
    computed = {
        "url": absolute(site_url, paper.url),
        "topics": list(topics),
        "bibtex_key": bibtex_key(_bibtex(paper, key)),  # the entry papers.bib then takes from the cache
    }
    return export_record(paper, computed)


def papers_json(
    papers: Sequence[Paper], *, site_url: str, site_name: str, topics: Mapping[str, tuple[str, ...]]
) -> str:
    """The export's JSON text (published compressed, ``JSON_PATH``); ``papers`` must already be
    in the site order.

    One record per line: the file stays readable and line-oriented (``grep``, ``diff``) at
    50,000 papers, and is written by the C encoder (an indented dump is several times slower)."""
    keys = citation_keys(papers)
    head = {
        "version": EXPORT_VERSION,
        "site": {"name": site_name, "url": absolute(site_url, "")},
        "count": len(papers),
    }
    records = ",\n".join(_record_json(p, site_url, topics.get(p.slug, ()), keys[p.slug]) for p in papers)
    opening = json.dumps(head, ensure_ascii=False).removesuffix("}")
    return f'{opening}, "papers": [\n{records}\n]}}\n' if papers else f'{opening}, "papers": []}}\n'


@per_paper()
def _record_json(paper: Paper, site_url: str, topics: tuple[str, ...], key: str | None) -> str:
    """One record, kept per paper: under ``serve`` an edit changes one record of thousands."""
    return json.dumps(paper_record(paper, site_url, topics, key), ensure_ascii=False)


def schema_json() -> str:
    return json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n"


def papers_bib(papers: Sequence[Paper], *, site_name: str, site_url: str) -> str:
    """Every BibTeX entry, in the site order; the header line is a comment to BibTeX."""
    header = f"% {site_name}: {len(papers)} papers, from {absolute(site_url, '')}\n"
    keys = citation_keys(papers)
    return header + "".join("\n" + _bibtex(p, keys[p.slug]) for p in papers)


@per_paper()
def _bibtex(paper: Paper, key: str | None) -> str:
    return bibtex_entry(paper, key)


def all_exports(
    papers: Sequence[Paper], *, site_url: str, site_name: str, topics: Mapping[str, tuple[str, ...]]
) -> dict[str, str | bytes]:
    """``{site-relative path: content}`` of the three export files."""
    text = papers_json(papers, site_url=site_url, site_name=site_name, topics=topics)
    return {
        JSON_PATH: compressed(JSON_PATH, text.encode("utf-8")),
        SCHEMA_PATH: schema_json(),
        BIBTEX_PATH: papers_bib(papers, site_name=site_name, site_url=site_url),
    }
