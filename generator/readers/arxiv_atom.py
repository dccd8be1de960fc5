"""Reader for a saved arXiv API response (Atom XML from the ``query`` endpoint), offline.

The file comes from a contributor (or from the API, which is no more trusted), so the XML is
parsed with defusedxml, which refuses entity expansion (the "billion laughs"), external entities
and DTDs outright. The id loses its version (the site lists a paper once, whatever its
revision); the first version's ``published`` date becomes the paper's publication date (the
listing date is when the paper is added here, and is left to the caller); the primary category
and DOI are kept; a repository URL in the abstract or the comment becomes the code link.
"""

from __future__ import annotations

import datetime as dt
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from generator.core.textclean import clean_text, extract_links
from generator.core.values import is_arxiv_category, is_doi, normalize_arxiv
from generator.readers.records import Record, RecordError

CARRIED_FIELDS = frozenset({"title", "date", "authors", "arxiv", "code", "links", "abstract"})
"""The fields an arXiv API entry fills (see ``_entry``)."""

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def _text(node: Element | None) -> str:
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def _entry(node: Element, number: int) -> tuple[Record | None, str | None]:
    ident = _text(node.find(f"{ATOM}id"))
    title = clean_text(_text(node.find(f"{ATOM}title")))
    if "/api/errors" in ident:
        return None, f"the response is an arXiv API error: {_text(node.find(f'{ATOM}summary'))[:200]!r}"
    parsed = normalize_arxiv(ident)
    if parsed is None:
        return None, f"entry {number}: {ident[:100]!r} is not an arXiv id"
    if not title:
        return None, f"entry {number} ({parsed[0]}) has no title"
    published_text = _text(node.find(f"{ATOM}published"))[:10]
    try:
        published = dt.date.fromisoformat(published_text) if published_text else None
    except ValueError:
        published = None
    primary = node.find(f"{ARXIV}primary_category")
    category = (primary.get("term") or "").strip() if primary is not None else ""
    doi = _text(node.find(f"{ARXIV}doi")).split(" ")[0]
    abstract = clean_text(_text(node.find(f"{ATOM}summary")))
    comment = _text(node.find(f"{ARXIV}comment"))
    found = extract_links(f"{abstract} {clean_text(comment)}")
    authors = [_text(a.find(f"{ATOM}name")) for a in node.findall(f"{ATOM}author")]
    return (
        Record(
            line=number,
            title=title,
            authors=[a for a in authors if a],
            arxiv=parsed[0],
            code=found.code,
            links=list(found.links),
            abstract=abstract,
            published=published,
            category=category if is_arxiv_category(category) else None,
            doi=doi if is_doi(doi) else None,
        ),
        None,
    )


def read_arxiv_atom(data: bytes) -> tuple[list[Record], list[tuple[int, str]]]:
    """Records for each ``<entry>``, numbered from 1 (Atom has no useful line per entry)."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise RecordError("the file declares a DTD or entities, which an arXiv response never does") from None
    except SafeET.ParseError as err:
        raise RecordError(f"not well-formed XML ({err})") from None
    if root.tag != f"{ATOM}feed":
        raise RecordError("not an arXiv API response (expected an Atom <feed>)")
    records: list[Record] = []
    problems: list[tuple[int, str]] = []
    for number, node in enumerate(root.findall(f"{ATOM}entry"), 1):
        record, problem = _entry(node, number)
        if record is not None:
            records.append(record)
        if problem is not None:
            problems.append((number, problem))
    if not records and not problems:
        problems.append((1, "the response has no entries (was the query's id right?)"))
    return records, problems
