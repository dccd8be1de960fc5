"""Typo tolerance for the site search: a vocabulary of the indexed words, cut into small files.

The search index matches words exactly (and by prefix), so "difusion" finds nothing. The browser can
correct a misspelt word only if it knows which words exist, but the whole vocabulary of a large
collection is far too big to send with every query. So the build writes a SymSpell-style
*deletion index*: every indexed word is filed under each string obtained by deleting up to
``EDITS`` characters from its first ``PREFIX`` characters. A misspelt word within ``EDITS``
edits of a real one (Damerau: insert, delete, substitute, swap two neighbours) shares at least
one of those strings with it. The strings are spread over ``buckets`` files of a few KB by a
hash, so a correction fetches the few files its own strings hash to (those one deletion away
first: most typos are one edit) whatever the size of the collection, and only for a word the
index does not know. Words that occur once in the whole collection are left out: they are half
of a real vocabulary and seldom what a reader meant, and without them the files number about a
thousand at 50,000 papers. The files are gzip-compressed here, like the index's, so they cost
the same on any server.

SymSpell's prefix idea (only the first characters are expanded) keeps the index a small
multiple of the vocabulary instead of growing with the square of each word's length; the
browser checks every candidate against the whole word.

The browser side, which picks the correction and re-runs the search, is
``overrides/assets/search-corrections.js``, loaded only for a word the index does not know; the
hash and the deletions must stay identical on both sides.

Pure: ``typo_files(papers, topics)`` returns ``{path inside the site: bytes}`` and writes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from generator.core.caches import per_paper
from generator.core.gz import compressed
from generator.core.model import Paper
from generator.core.words import search_words

TYPOS_DIR = "assets/search-typos"
"""Folder of the vocabulary files inside the site; ``search-corrections.js`` reads ``<base>/TYPOS_DIR/meta.json``."""

PREFIX = 5  # characters of a word that are expanded into deletions
EDITS = 2  # most edits a correction may take
MIN_WORD = 2  # shorter tokens are not filed; only words of three or more are corrected
MAX_WORD = 32  # longer tokens are identifiers or URLs, not words to correct to
MIN_COUNT = 2  # words that occur fewer times in a large collection are not corrected to
MANY_PAPERS = 1000  # a collection this large or larger
ENTRIES_PER_FILE = 1000  # (deletion, word) pairs per file: about 5 KB compressed
FORMAT = 2  # search-corrections.js reads only the format it knows


def paper_text(paper: Paper, topics: Sequence[str] = ()) -> str:
    """The text the search index holds for a paper (``search.index``): title, authors, topics
    and abstract."""
    return "\n".join((paper.title, ", ".join(paper.authors), ", ".join(topics), paper.abstract))


def vocabulary(papers: Iterable[Paper], topics: Mapping[str, Sequence[str]]) -> Counter[str]:
    """Each indexed word with the number of times it occurs (how likely it is meant), if it
    occurs ``min_count`` times: half of a real collection's words occur once (names, symbols,
    the papers' own typos), and a word so rare is seldom the one a reader meant."""
    texts = {(p, tuple(topics.get(p.slug, ()))) for p in papers}
    counts = _LAST.counts(texts)
    least = min_count(len(texts))
    return Counter({w: n for w, n in counts.items() if n >= least and _fileable(w)})


def min_count(papers: int) -> int:
    """How often a word must occur to be corrected to: ``MIN_COUNT`` from ``MANY_PAPERS`` on;
    in a smaller collection every word is rare, and every one is kept."""
    return MIN_COUNT if papers >= MANY_PAPERS else 1


class _Running:
    """The word counts of the last collection asked about, updated by the papers that came and
    went: under ``serve`` an edit changes one paper of thousands. The answer is the same as
    counting afresh."""

    def __init__(self) -> None:
        self._texts: set[tuple[Paper, tuple[str, ...]]] = set()
        self._counts: Counter[str] = Counter()

    def counts(self, texts: set[tuple[Paper, tuple[str, ...]]]) -> Counter[str]:
        gone, new = self._texts - texts, texts - self._texts
        if len(gone) + len(new) > len(texts) // 2:  # mostly new: count afresh
            counts: Counter[str] = Counter()
            for paper, names in texts:
                counts.update(paper_words(paper, names))
        else:
            counts = self._counts.copy()
            for paper, names in gone:
                counts.subtract(paper_words(paper, names))
            for paper, names in new:
                counts.update(paper_words(paper, names))
            counts = +counts  # drop the words no paper has any more
        self._texts, self._counts = texts, counts
        return counts.copy()


_LAST = _Running()


@per_paper()
def paper_words(paper: Paper, topics: tuple[str, ...]) -> tuple[str, ...]:
    """A paper's words, kept per paper: under ``serve`` an edit reads one paper's text again,
    not every paper's (``Counter.update`` counts a sequence in C). Each word is interned: at
    50,000 papers the papers hold ten million words but a few tens of thousands of distinct
    ones, and one string each instead of one per occurrence saves half a gigabyte."""
    return tuple(map(sys.intern, search_words(paper_text(paper, topics))))


def _fileable(word: str) -> bool:
    return MIN_WORD <= len(word) <= MAX_WORD and not word.isdigit()


def deletions(word: str, prefix: int = PREFIX, edits: int = EDITS) -> frozenset[str]:
    """``word``'s first ``prefix`` characters with up to ``edits`` characters deleted (itself
    included), never shorter than two characters: the keys the word is filed under."""
    return _deletions(word[:prefix], edits)


@functools.lru_cache(maxsize=1 << 16)  # words that share their first characters share their keys
def _deletions(head: str, edits: int) -> frozenset[str]:
    found = {head}
    frontier = {head}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w)) if len(w) > 2}
        found |= frontier
    return frozenset(found)


@functools.lru_cache(maxsize=1 << 18)
def bucket(key: str, buckets: int) -> int:
    """32-bit FNV-1a of the key's UTF-8 bytes, modulo the number of files (search-corrections.js: ``bucketOf``)."""
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


def _json(value: object) -> bytes:
    """Compact JSON; maps keep their insertion order, which ``typo_files`` makes sorted."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def typo_files(papers: Iterable[Paper], topics: Mapping[str, Sequence[str]]) -> dict[str, bytes]:
    """The vocabulary files for the site: ``TYPOS_DIR/meta.json`` (plain JSON: the number of
    files, the parameters and a version that changes with the content) and
    ``TYPOS_DIR/<n>.bin``, each the gzip-compressed JSON map
    ``{deletion: [word, count, word, count, ...]}`` for the deletions that hash to ``n``.

    search-corrections.js asks for ``<n>.bin?v=<version>``, so a browser never takes a file of an earlier
    build from its cache; the names stay the same from build to build, so an edit rewrites only
    the few files whose words it changed (a preview rebuilds those, a deploy uploads those)."""
    papers = list(papers)
    counts = vocabulary(papers, topics)
    keys: defaultdict[str, list[str]] = defaultdict(list)
    for word in sorted(counts):
        for key in deletions(word):
            keys[key].append(word)
    entries = sum(len(v) for v in keys.values())
    buckets = max(1, math.ceil(entries / ENTRIES_PER_FILE))
    files: list[dict[str, list[object]]] = [{} for _ in range(buckets)]
    for key in sorted(keys):  # set order varies between runs; the files must not
        filed = keys[key]
        files[bucket(key, buckets)][key] = [x for w in filed for x in (w, counts[w])]
    raw = [_json(f) for f in files]
    version = hashlib.sha256(b"".join(hashlib.sha256(r).digest() for r in raw)).hexdigest()[:12]
    meta = {
        "format": FORMAT,
        "buckets": buckets,
        "prefix": PREFIX,
        "edits": EDITS,
        "min_word": MIN_WORD,
        "min_count": min_count(len(set(papers))),  # papers listed twice count once, as in vocabulary
        "words": len(counts),
        "version": version,
    }
    out = {f"{TYPOS_DIR}/meta.json": _json(meta) + b"\n"}
    for n, data in enumerate(raw):
        out[f"{TYPOS_DIR}/{n}.bin"] = compressed(f"{TYPOS_DIR}/{n}.bin", data, level=6)
    return out
