"""Each paper field, declared once: one row of ``FIELDS`` says what the field is, how a page
writes and reads it, whether ``papers.json`` carries it and what a citation makes of it.

The page reader and writer (``content.pages``), the front matter's keys and their order, the
export's JSON Schema and record (``outputs.exports``) and the data page's field table are all
made from this table, so a new field is a ``Paper`` attribute (``core.model``) and a row here:
it is then read, checked, written, exported and documented at once, and a field left out of
the export is a visible choice (``export=None``), not a forgotten line.

Three orders are kept, because each is a promise already made: the rows are in the export's
column order (``papers.json``, the data page); ``page`` is the place of the key in a page's
front matter (CONTRIBUTING.md, the writer); ``check`` the order in which a page's problems are
reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from generator.content.fields import Add, count_field, date_field, matching_field, text_field, text_list_field
from generator.core.links import pdf_link
from generator.core.model import Link, Paper
from generator.core.values import CATEGORY, DOI, GITHUB_LOGIN, HF_LOGIN, is_https_url, normalize_arxiv

Reader = Callable[[dict[str, Any], Add], Any]
"""``read(front_matter, add)``: the field's value, or None (and a problem through ``add``)."""

_TEXT: dict[str, Any] = {"type": "string"}
_NULLABLE_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_TEXT_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_NULLABLE_DATE: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Export:
    """How ``papers.json`` carries a field: its JSON Schema and the description the schema and
    the data page give it. ``value``, when set, makes the JSON value from the paper (the PDF of
    an arXiv paper follows from its id); otherwise the attribute is written as JSON."""

    schema: dict[str, Any]
    description: str
    value: Callable[[Paper], Any] | None = None


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a paper record.

    ``name`` is the ``Paper`` attribute, the front matter key and the export's key alike.
    ``type`` is the attribute's type as ``Paper`` declares it. A field with a ``page`` place is
    written in the front matter and read back by ``read`` (in ``check`` order); ``required``
    names the hint for a page without it. ``computed`` fields are no ``Paper`` attribute: the
    export makes them from the collection (a topic list, a BibTeX key, an absolute URL).
    ``cite`` says what a citation (``outputs.citations``) makes of the field, or ``""``."""

    name: str
    type: str
    export: Export | None
    page: int | None = None
    check: int | None = None
    read: Reader | None = None
    required: str = ""
    computed: bool = False
    cite: str = ""


# --------------------------------------------------------------------------- readers


def _title(data: dict[str, Any], add: Add) -> str | None:
    title = text_field(data, "title", add)
    if title is not None and len(title) > 500:
        add("title", "is longer than 500 characters", "shorten it")
    return title


def _date(data: dict[str, Any], add: Add) -> dt.date | None:
    return date_field(data, add)


def _arxiv(data: dict[str, Any], add: Add) -> str | None:
    arxiv = text_field(data, "arxiv", add)
    if arxiv is None:
        return None
    parsed = normalize_arxiv(arxiv)
    if parsed is None:
        add("arxiv", f"{arxiv!r} is not an arXiv id", "for example 2404.14527 or hep-th/9711200")
        return None
    if parsed[0] != arxiv:
        add("arxiv", f"write the bare id {parsed[0]!r}", "no version, 'arXiv:' prefix or URL")
        return None
    return arxiv


def _https_field(data: dict[str, Any], key: str, add: Add, hint: str) -> str | None:
    """A text field that must be an https:// URL: the only links a page may carry."""
    value = text_field(data, key, add)
    if value is not None and not is_https_url(value):
        add(key, f"{value!r} is not an https:// URL", hint)
        return None
    return value


def _code(data: dict[str, Any], add: Add) -> str | None:
    return _https_field(data, "code", add, "link the repository with https://")


def _link(item: object, i: int, add: Add) -> Link | None:
    if not (isinstance(item, dict) and set(item) == {"label", "url"}):
        add("links", f"item {i} must have exactly 'label' and 'url'", "see CONTRIBUTING.md")
        return None
    label, url = item["label"], item["url"]
    if not isinstance(label, str) or not label.strip() or "\n" in label:
        add("links", f"item {i} has an empty or multi-line label", "give it a short name")
        return None
    if not is_https_url(url):
        add("links", f"item {i} url {url!r} is not an https:// URL", "use https://")
        return None
    return Link(label.strip(), url)


def _links(data: dict[str, Any], add: Add) -> tuple[Link, ...]:
    raw = data.get("links")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        add("links", "must be a list of {label, url}", "see CONTRIBUTING.md")
        return ()
    links = (_link(item, i, add) for i, item in enumerate(raw, 1))
    return tuple(link for link in links if link is not None)


def _submitted_by(data: dict[str, Any], add: Add) -> str | None:
    login = text_field(data, "submitted_by", add)
    if login is not None and not GITHUB_LOGIN.match(login):
        add("submitted_by", f"{login!r} is not a GitHub login", "write the login without '@'")
        return None
    return login


def _doi(data: dict[str, Any], add: Add) -> str | None:
    doi = text_field(data, "doi", add)
    if doi is None:
        return None
    bare = _DOI_PREFIX.sub("", doi)
    if not DOI.match(bare):
        add("doi", f"{doi[:100]!r} is not a DOI", "for example 10.18653/v1/2020.acl-main.1")
        return None
    if bare != doi:
        add("doi", f"write the bare DOI {bare!r}", "no 'doi:' prefix or URL")
        return None
    return doi


def _pdf(data: dict[str, Any], add: Add) -> str | None:
    pdf = _https_field(data, "pdf", add, "link the PDF with https://")
    if pdf is None:
        return None
    if "arxiv" in data:
        add("pdf", "is not needed for an arXiv paper", "remove it: the PDF link follows from the arXiv id")
        return None
    return pdf


def _published(data: dict[str, Any], add: Add) -> dt.date | None:
    return date_field(data, add, "published") if data.get("published") is not None else None


def _text(key: str) -> Reader:
    return lambda data, add: text_field(data, key, add)


def _text_list(key: str) -> Reader:
    return lambda data, add: text_list_field(data, key, add)


def _count(key: str, minimum: int) -> Reader:
    return lambda data, add: count_field(data, key, add, minimum)


def _hf_submitter(data: dict[str, Any], add: Add) -> str | None:
    return matching_field(data, "hf_submitter", add, HF_LOGIN, "a Hugging Face login", "julien-c (no '@')")


def _category(data: dict[str, Any], add: Add) -> str | None:
    return matching_field(data, "category", add, CATEGORY, "an arXiv category", "cs.CL or hep-th")


# --------------------------------------------------------------------------- the table

_LINKS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"label": _TEXT, "url": _TEXT},
        "required": ["label", "url"],
        "additionalProperties": False,
    },
}

FIELDS: tuple[Field, ...] = (
    Field(
        "slug",
        "str",
        Export({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}, "stable identifier; the page's file name"),
    ),
    Field("url", "str", Export({"type": "string", "format": "uri"}, "absolute URL of the paper's page"), computed=True),
    Field(
        "title",
        "str",
        Export(_TEXT, "the title, as plain text"),
        page=0,
        check=0,
        read=_title,
        required="add a line 'title: …'",
        cite="title",
    ),
    Field(
        "date",
        "dt.date",
        Export({"type": "string", "format": "date"}, "listing date, YYYY-MM-DD (when the paper was listed)"),
        page=1,
        check=1,
        read=_date,
        required="add a line 'date: YYYY-MM-DD'",
    ),
    Field(
        "published",
        "dt.date | None",
        Export(_NULLABLE_DATE, "publication date, YYYY-MM-DD (arXiv's first version, or given by hand), or null"),
        page=2,
        check=9,
        read=_published,
        cite="year and month",
    ),
    Field(
        "authors",
        "tuple[str, ...]",
        Export(_TEXT_LIST, "author names, in order"),
        page=3,
        check=6,
        read=_text_list("authors"),
        cite="author; the first one's surname starts the key",
    ),
    Field("abstract", "str", Export(_TEXT, "plain text; paragraphs separated by a blank line; TeX math kept as $…$")),
    Field(
        "arxiv",
        "str | None",
        Export(_NULLABLE_TEXT, "bare arXiv id (no version), or null"),
        page=4,
        check=2,
        read=_arxiv,
        cite="eprint, archivePrefix, url",
    ),
    Field("code", "str | None", Export(_NULLABLE_TEXT, "https URL of the code, or null"), page=8, check=3, read=_code),
    Field(
        "links",
        "tuple[Link, ...]",
        Export(_LINKS_SCHEMA, "other https links, each {label, url}"),
        page=9,
        check=4,
        read=_links,
    ),
    Field(
        "tags",
        "tuple[str, ...]",
        Export(_TEXT_LIST, "topics the contributor wrote in the page"),
        page=10,
        check=7,
        read=_text_list("tags"),
    ),
    Field(
        "topics",
        "tuple[str, ...]",
        Export(_TEXT_LIST, "every topic of the paper: its tags, then the taxonomy's suggestions"),
        computed=True,
    ),
    Field(
        "submitted_by",
        "str | None",
        Export(_NULLABLE_TEXT, "GitHub login of the contributor, or null"),
        page=14,
        check=5,
        read=_submitted_by,
    ),
    Field(
        "source",
        "str | None",
        Export(_NULLABLE_TEXT, "where the paper was imported from, or null"),
        page=15,
        check=8,
        read=_text("source"),
    ),
    Field(
        "category",
        "str | None",
        Export(_NULLABLE_TEXT, "arXiv primary category, such as cs.CL, or null"),
        page=5,
        check=13,
        read=_category,
        cite="primaryClass",
    ),
    Field(
        "doi",
        "str | None",
        Export(_NULLABLE_TEXT, "bare DOI, or null"),
        page=6,
        check=14,
        read=_doi,
        cite="doi, url",
    ),
    Field(
        "pdf",
        "str | None",
        Export(_NULLABLE_TEXT, "https URL of the PDF (for arXiv papers, from the id), or null", pdf_link),
        page=7,
        check=15,
        read=_pdf,
        cite="url",
    ),
    Field(
        "rank",
        "int | None",
        Export({"type": ["integer", "null"], "minimum": 1}, "position in its day's listing, from 1, or null"),
        page=11,
        check=10,
        read=_count("rank", 1),
    ),
    Field(
        "upvotes",
        "int | None",
        Export({"type": ["integer", "null"], "minimum": 0}, "Hugging Face upvotes when imported, or null"),
        page=12,
        check=11,
        read=_count("upvotes", 0),
    ),
    Field(
        "hf_submitter",
        "str | None",
        Export(_NULLABLE_TEXT, "Hugging Face login of who submitted it to Daily Papers, or null"),
        page=13,
        check=12,
        read=_hf_submitter,
    ),
    Field("bibtex_key", "str", Export(_TEXT, "the key of its entry in papers.bib"), computed=True),
)


# --------------------------------------------------------------------------- what is made of it


def page_fields(table: tuple[Field, ...] = FIELDS) -> tuple[Field, ...]:
    """The fields a page's front matter holds, in the order they are written."""
    if table is FIELDS and _ORDERS:
        return _ORDERS[0]
    return tuple(sorted((f for f in table if f.page is not None), key=lambda f: f.page or 0))


def checked_fields(table: tuple[Field, ...] = FIELDS) -> tuple[Field, ...]:
    """The fields a page's front matter holds, in the order they are read and checked."""
    if table is FIELDS and _ORDERS:
        return _ORDERS[1]
    return tuple(sorted((f for f in table if f.read is not None), key=lambda f: f.check or 0))


_ORDERS: tuple[tuple[Field, ...], ...] = ()
_ORDERS = (page_fields(), checked_fields())  # the table's own orders, sorted once


def front_matter_keys(table: tuple[Field, ...] = FIELDS) -> tuple[str, ...]:
    return tuple(f.name for f in page_fields(table))


FRONT_MATTER_KEYS: tuple[str, ...] = front_matter_keys()
"""The page format's keys, in the order they are written. Documented in CONTRIBUTING.md."""


def read_fields(data: dict[str, Any], add: Add, missing: Add, table: tuple[Field, ...] = FIELDS) -> dict[str, Any]:
    """The page's fields as ``Paper`` arguments: each required field (None and a problem through
    ``missing`` when the page lacks it), then each optional field the page has. A field the page
    leaves out is not read at all: ``Paper``'s default is what an absent field means."""
    out: dict[str, Any] = {}
    for f in checked_fields(table):
        assert f.read is not None
        if f.name in data:
            out[f.name] = f.read(data, add)
        elif f.required:
            missing(f.name, "is required", f.required)
            out[f.name] = None
    return out


def _links_json(links: tuple[Link, ...]) -> list[dict[str, str]]:
    return [{"label": link.label, "url": link.url} for link in links]


def _getter(f: Field, dates_as_text: bool) -> Callable[[Paper], Any]:
    """How a field's value is taken from a paper for the front matter or the JSON export, made
    once per field from its declared type (a record is made for every paper of a build)."""
    get = attrgetter(f.name)
    if f.type == "tuple[Link, ...]":
        return lambda paper: _links_json(get(paper))
    if f.type.startswith("tuple["):
        return lambda paper: list(get(paper))
    if dates_as_text and f.type == "dt.date":
        return lambda paper: get(paper).isoformat()
    if dates_as_text and f.type == "dt.date | None":
        return lambda paper: None if (value := get(paper)) is None else value.isoformat()
    return get


def _page_getters(table: tuple[Field, ...]) -> tuple[tuple[str, Callable[[Paper], Any]], ...]:
    return tuple((f.name, _getter(f, dates_as_text=False)) for f in page_fields(table))


_PAGE_GETTERS = _page_getters(FIELDS)


def front_matter_values(paper: Paper, table: tuple[Field, ...] = FIELDS) -> dict[str, Any]:
    """The front matter a page of ``paper`` holds: keys in their order, unset fields left out."""
    out: dict[str, Any] = {}
    for name, get in _PAGE_GETTERS if table is FIELDS else _page_getters(table):
        value = get(paper)
        if value is not None and value not in ([], ""):
            out[name] = value
    return out


def exported(table: tuple[Field, ...] = FIELDS) -> tuple[Field, ...]:
    return tuple(f for f in table if f.export is not None)


def _export_getters(table: tuple[Field, ...]) -> tuple[tuple[str, Callable[[Paper], Any] | None], ...]:
    """(name, getter) per exported field; None for a computed one."""
    out: list[tuple[str, Callable[[Paper], Any] | None]] = []
    for f in exported(table):
        assert f.export is not None
        value = None if f.computed else f.export.value or _getter(f, dates_as_text=True)
        out.append((f.name, value))
    return tuple(out)


_EXPORT_GETTERS = _export_getters(FIELDS)


def export_record(paper: Paper, computed: Mapping[str, Any], table: tuple[Field, ...] = FIELDS) -> dict[str, Any]:
    """One paper as ``papers.json`` holds it: every exported field, in the table's order; a
    computed field's value comes from ``computed``."""
    getters = _EXPORT_GETTERS if table is FIELDS else _export_getters(table)
    return {name: computed[name] if get is None else get(paper) for name, get in getters}
