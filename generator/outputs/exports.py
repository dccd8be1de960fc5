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

from generator.core.caches import per_paper
from generator.core.gz import compressed
from generator.core.links import pdf_link
from generator.core.model import Paper
from generator.outputs.citations import bibtex_entry, citation_keys
from generator.outputs.feeds import absolute

EXPORT_VERSION = 1
JSON_PATH = "papers.json.gz"
SCHEMA_PATH = "papers.schema.json"
BIBTEX_PATH = "papers.bib"

_TEXT: dict[str, Any] = {"type": "string"}
_NULLABLE_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_TEXT_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_NULLABLE_DATE: dict[str, Any] = {"type": ["string", "null"], "format": "date"}

# (name, JSON Schema, description) of each paper field, in the order they are written.
PAPER_FIELDS: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("slug", {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}, "stable identifier; the page's file name"),
    ("url", {"type": "string", "format": "uri"}, "absolute URL of the paper's page"),
    ("title", _TEXT, "the title, as plain text"),
    ("date", {"type": "string", "format": "date"}, "listing date, YYYY-MM-DD (when the paper was listed)"),
    ("published", _NULLABLE_DATE, "publication date, YYYY-MM-DD (arXiv's first version, or given by hand), or null"),
    ("authors", _TEXT_LIST, "author names, in order"),
    ("abstract", _TEXT, "plain text; paragraphs separated by a blank line; TeX math kept as $…$"),
    ("arxiv", _NULLABLE_TEXT, "bare arXiv id (no version), or null"),
    ("code", _NULLABLE_TEXT, "https URL of the code, or null"),
    (
        "links",
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"label": _TEXT, "url": _TEXT},
                "required": ["label", "url"],
                "additionalProperties": False,
            },
        },
        "other https links, each {label, url}",
    ),
    ("tags", _TEXT_LIST, "topics the contributor wrote in the page"),
    ("topics", _TEXT_LIST, "every topic of the paper: its tags, then the taxonomy's suggestions"),
    ("submitted_by", _NULLABLE_TEXT, "GitHub login of the contributor, or null"),
    ("source", _NULLABLE_TEXT, "where the paper was imported from, or null"),
    ("category", _NULLABLE_TEXT, "arXiv primary category, such as cs.CL, or null"),
    ("doi", _NULLABLE_TEXT, "bare DOI, or null"),
    ("pdf", _NULLABLE_TEXT, "https URL of the PDF (for arXiv papers, from the id), or null"),
    ("rank", {"type": ["integer", "null"], "minimum": 1}, "position in its day's listing, from 1, or null"),
    ("upvotes", {"type": ["integer", "null"], "minimum": 0}, "Hugging Face upvotes when imported, or null"),
    ("hf_submitter", _NULLABLE_TEXT, "Hugging Face login of who submitted it to Daily Papers, or null"),
    ("bibtex_key", _TEXT, "the key of its entry in papers.bib"),
)

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
    return {
        "slug": paper.slug,
        "url": absolute(site_url, paper.url),
        "title": paper.title,
        "date": paper.date.isoformat(),
        "published": paper.published.isoformat() if paper.published else None,
        "authors": list(paper.authors),
        "abstract": paper.abstract,
        "arxiv": paper.arxiv,
        "code": paper.code,
        "links": [{"label": link.label, "url": link.url} for link in paper.links],
        "tags": list(paper.tags),
        "topics": list(topics),
        "submitted_by": paper.submitted_by,
        "source": paper.source,
        "category": paper.category,
        "doi": paper.doi,
        "pdf": pdf_link(paper),
        "rank": paper.rank,
        "upvotes": paper.upvotes,
        "hf_submitter": paper.hf_submitter,
        "bibtex_key": bibtex_key(bibtex_entry(paper, key)),
    }


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
