"""Readers that turn one front matter value into a field or a problem; what a value itself
must look like (an arXiv id, a DOI, a login, a URL) is ``core.values``, shared with the importers
and the outputs.

A field reader takes the front matter mapping, the key and ``add(key, message, hint)``, which
files a problem (at the key's line) instead of raising, so every problem of a page is reported
in one run.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

Add = Callable[..., None]
"""``add(key, message, hint="")``: how a field reader reports a problem."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def text_field(data: dict[str, Any], key: str, add: Add, *, single_line: bool = True) -> str | None:
    """A (one-line) text field, stripped; None (and a problem through ``add``) when it is not."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        add(key, f"must be text, found {type(value).__name__}", "put the value in quotes")
        return None
    if not value.strip():
        add(key, "is empty", f"remove the '{key}' line or give it a value")
        return None
    if single_line and "\n" in value.strip():
        add(key, "must be on one line", "join the lines")
        return None
    return value.strip()


def text_list_field(data: dict[str, Any], key: str, add: Add) -> tuple[str, ...]:
    """A list of one-line texts; a bad item is reported and left out, the others are kept."""
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        add(key, "must be a list", f"write it as '{key}: [a, b]' or one '- item' per line")
        return ()
    out: list[str] = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip() or "\n" in item:
            add(key, f"item {i} must be one line of text", "quote it, or remove it if empty")
            continue
        out.append(item.strip())
    return tuple(out)


def date_field(data: dict[str, Any], add: Add, key: str = "date") -> dt.date | None:
    """A date written YYYY-MM-DD (the loader keeps dates as text, so this is where they are checked)."""
    value = data.get(key)
    if isinstance(value, dt.date):  # written by a YAML library that resolved it
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        add(key, f"must be a date written YYYY-MM-DD, found {value!r}", "for example 2025-07-08")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        add(key, f"{value} is not a real date", "check the month and the day")
        return None


def count_field(data: dict[str, Any], key: str, add: Add, minimum: int) -> int | None:
    """A whole number written without quotes; ``true`` is refused although YAML makes it 1."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        add(key, f"must be a whole number, found {value!r}", "write the number without quotes")
        return None
    if value < minimum or value > 10**9:
        add(key, f"must be between {minimum} and 1000000000, found {value}", "")
        return None
    return value


def matching_field(
    data: dict[str, Any], key: str, add: Add, pattern: re.Pattern[str], what: str, example: str
) -> str | None:
    """A one-line text that must match ``pattern`` (a login, a category)."""
    value = text_field(data, key, add)
    if value is not None and not pattern.match(value):
        add(key, f"{value[:100]!r} is not {what}", f"for example {example}")
        return None
    return value


_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # an unclosed comment hides the rest too
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
"""Unicode categories that show nothing on their own: controls, format characters (zero-width
space, BOM, soft hyphen, bidi marks), unassigned and private-use code points, every kind of
space (NBSP, ideographic space) and combining marks without a letter to sit on."""


def is_blank_abstract(body: str) -> bool:
    """True when a page's body would show a reader nothing: empty, white space, HTML comments,
    invisible characters. Such a page is an empty page on the site, so it is refused."""
    text = _HTML_COMMENT.sub("", body) if "<!--" in body else body
    if not text or text.isspace():
        return True
    return all(unicodedata.category(ch) in _INVISIBLE for ch in text)  # stops at the first visible one
