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

import re
import unicodedata

from generator.core.caches import per_paper

_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")


@per_paper(1 << 16, asked_once=True)
def words(text: str) -> tuple[str, ...]:
    """Lowercase words (``str.casefold``), for the topic rules and the related papers.

    Kept in a preview, which splits each title and abstract for the topic rules and again for
    the related papers; not in a one-off build, whose related papers are computed in a process
    of their own (at 50,000 papers the kept words held 400 MB in each process)."""
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
