"""Slugs: the stable file name and URL of a paper, derived from its title."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_SLUG_LENGTH = 80


@lru_cache(maxsize=1 << 16)  # topic names are slugified for every paper that has them
def slugify(title: str) -> str:
    """Lowercase ASCII words joined by hyphens, cut at a word boundary.

    ASCII keeps URLs readable and safe on every file system; the cut keeps file names short
    enough for Windows checkouts of a large collection.

    >>> slugify("Mélange: Cost Efficient LLM Serving")
    'melange-cost-efficient-llm-serving'
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_LENGTH:
            break
        slug = candidate
    return slug or "paper"


def unique_slug(base: str, taken: set[str]) -> str:
    """First of ``base``, ``base-2``, ``base-3``… not in ``taken`` (two papers may share a title)."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
