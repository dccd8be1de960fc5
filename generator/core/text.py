"""Contributor text shortened or reformatted for a reader: excerpts, dates in words.

Listings, meta descriptions, feeds, the digest and the search's excerpt text all cut an
abstract here, so an excerpt is cut the same way wherever it is shown (never inside a word
nor a formula). Plain text out: escape it where it is placed (``core.html.e``). Pure functions.
"""

from __future__ import annotations

import datetime as dt
import functools

from generator.core.tex import MATH


def human_date(date: dt.date) -> str:
    """'July 8, 2025': the form used in headings, independent of the machine's locale."""
    return f"{date:%B} {date.day}, {date.year}"


def plain_text(text: str) -> str:
    """Text without math delimiters' markup, for excerpts, meta descriptions and feeds."""
    return " ".join(text.split())


@functools.lru_cache(maxsize=1 << 17)  # a paper shows in several listings, its meta and feeds
def excerpt(abstract: str, limit: int = 320) -> str:
    """The start of an abstract, cut at a word, for listings (CSS clamps it to two lines); never
    inside a formula, which would leave its delimiters unpaired."""
    text = plain_text(abstract)
    if len(text) <= limit:
        return text
    return text_start(text, limit).rstrip(",;: ") + "…"


def text_start(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters: cut at a space, never inside a word (unless the
    first word is longer than ``limit``) nor inside a formula, which would leave its delimiters
    unpaired. Listings' excerpts and the search's excerpt text are both cut here."""
    if len(text) <= limit:
        return text
    for m in MATH.finditer(text):
        if m.start() >= limit:
            break
        if m.end() > limit:
            limit = m.start()
            break
    head = text[:limit]
    if text[limit].isspace() or not head or head[-1].isspace() or not any(c.isspace() for c in head):
        return head.rstrip()
    return head.rsplit(None, 1)[0]
