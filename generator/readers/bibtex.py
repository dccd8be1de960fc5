"""Reader for BibTeX files, as reference managers and arXiv's "Export BibTeX citation" give them.

Parsing is left to bibtexparser (v2); this module only maps fields to the page format: TeX
accents and braces are decoded to Unicode, "Last, First" names are turned around, an arXiv id
is taken from ``eprint``/``arxiv``/``url``/``doi`` in any spelling, and a repository URL in
``url``/``howpublished``/``note`` becomes the code link. A broken entry is reported with its line
and the other entries are still read.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import cast

import bibtexparser
from bibtexparser import middlewares as mw

from generator.core.textclean import clean_text, extract_links
from generator.core.values import normalize_arxiv
from generator.readers.records import Record

CARRIED_FIELDS = frozenset({"title", "date", "authors", "arxiv", "code", "abstract"})
"""The fields a BibTeX entry can fill (see ``read_bibtex``)."""

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ARXIV_DOI = re.compile(r"10\.48550/arXiv\.(.+)$", re.IGNORECASE)


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _arxiv(fields: dict[str, str]) -> str | None:
    candidates = [fields.get("eprint", ""), fields.get("arxiv", ""), fields.get("url", "")]
    doi = _ARXIV_DOI.search(fields.get("doi", ""))
    if doi:
        candidates.append(doi.group(1))
    journal = fields.get("journal", "")
    candidates += re.findall(r"arXiv:\S+", journal)
    for value in candidates:
        parsed = normalize_arxiv(value.strip()) if value else None
        if parsed:
            return parsed[0]
    return None


def _date(fields: dict[str, str]) -> dt.date | None:
    """Only a full date counts: a year alone is not a listing date, so ``new`` asks for one."""
    m = _DATE.match(fields.get("date", "").strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def read_bibtex(text: str) -> tuple[list[Record], list[tuple[int, str]]]:
    """Records of every entry that has a title, and (line, problem) for the rest."""
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failures are reported below
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            mw.LatexDecodingMiddleware(),
            mw.SeparateCoAuthors(),
            mw.SplitNameParts(),
            mw.MergeNameParts(style="first"),
        ],
    )
    records: list[Record] = []
    problems: list[tuple[int, str]] = []
    for block in library.failed_blocks:  # the parser gives every block its start line
        problems.append(
            (cast(int, block.start_line) + 1, "this entry is not valid BibTeX (check its braces and commas)")
        )
    for entry in library.entries:
        line = cast(int, entry.start_line) + 1
        fields = {f.key.lower(): f.value for f in entry.fields}
        authors_value = fields.pop("author", [])
        title = clean_text(_text(fields.get("title")).replace("{", "").replace("}", ""))
        if not title:
            problems.append((line, f"entry {entry.key!r} has no title"))
            continue
        flat = {k: _text(v) for k, v in fields.items()}
        authors = [_text(a) for a in authors_value] if isinstance(authors_value, list) else [_text(authors_value)]
        abstract = clean_text(flat.get("abstract", ""))
        found = extract_links(" ".join(flat.get(k, "") for k in ("url", "howpublished", "note", "code")))
        records.append(
            Record(
                line=line,
                title=title,
                date=_date(flat),
                authors=[a for a in authors if a and a.lower() != "others"],
                arxiv=_arxiv(flat),
                code=found.code,
                abstract=abstract,
            )
        )
    problems.sort()
    return records, problems
