"""Words of a text: the topic rules and the related papers split text with ``words``, the search
index with ``search_words``; both here, so their two differences stand side by side.

A word is a run of Unicode letters and digits (``\\w``), so punctuation, hyphens and spaces
separate words: the keyword ``mixture of experts`` matches "Mixture-of-Experts" and ``cpu``
matches "CPU/GPU". The search also

- splits at ``_`` and reads text after NFKC normalisation, as ``search-engine.js`` splits a
  query in the browser (``snake_case`` is two search words, one topic word);
- adds each hyphenated word joined ("kv-cache": kv, cache, kvcache), so a query with or without
  the hyphen finds it (a topic keyword phrase must not gain a word).

Making the two one rule would change what the site shows (the related papers of the current
collection, the search index), so it is a decision of its own, not a refactoring. Pure functions.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1 << 16)
def words(text: str) -> tuple[str, ...]:
    """Lowercase words (``str.casefold``), for the topic rules and the related papers.

    Cached, because a build splits each title and abstract twice: for the topic rules and for
    the related papers."""
    return tuple(_WORD.findall(text.casefold()))


def search_words(text: str) -> list[str]:
    """The words of ``text`` as the search sees them: lower case, Unicode letters and digits.
    A hyphenated word gives its parts and the parts joined ("kv-cache": kv, cache, kvcache),
    so a query with or without the hyphen is a known word."""
    text = unicodedata.normalize("NFKC", text).lower() if not text.isascii() else text.lower()
    text = text.replace("_", " ")
    found = _WORD.findall(text)
    if "-" in text or "'" in text:
        found += [_NOT_WORD.sub("", t) for t in text.split() if "-" in t or "'" in t]
    return found
