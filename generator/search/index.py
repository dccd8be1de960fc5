"""The site's search index: small files the browser fetches per query, written by the stager.

Why PaperShelf writes its own index rather than running an indexer over the built pages: a
page-based indexer stores one fragment file per page, which at 50,000 papers doubles the
site's file count and, holding the whole index until it writes, needs gigabytes of memory. The
papers are already records here, so the index is a pure function of them, written with the
rest of the staged site; every engine (MkDocs, ProperDocs, Zensical) publishes the same index,
and a preview rewrites only the files an edit changed.

Layout, inside ``INDEX_DIR`` (the browser side is ``overrides/assets/search-engine.js``):

- ``meta.json``: the number of papers, the first key of every words and stems file (so a word
  is found by a binary search, and a prefix by a range), the filter files, and a version that
  changes with the content (the other files are fetched as ``<name>?v=<version>``).
- ``w<n>.bin``: words, sorted: ``[word, stem or "" when the same, papers with it, ...]``. The
  browser needs no stemmer of its own: it looks a typed word up here.
- ``s<n>.bin``: stems, sorted: ``{stem: [[its words], [paper, score, paper, score, ...]]}``,
  the papers as gaps between ascending numbers and the score as a BM25 weight times
  ``SCALE``, computed here, so a query only adds.
- ``d<n>.bin``: ``DOCS_PER_FILE`` papers each ``[url, title, date, [topics], text]``: what a
  result shows and where the excerpt comes from: the start of the abstract, ``EXCERPT_TEXT_CHARS``
  at most (ranking counts all of it, from the stems files).
- ``f<n>.bin``: the papers of one filter value (a topic, a year), as gaps.

Papers are numbered newest first (the collection's order), so equal scores, and a filter with
no query, list the newest first. The ``.bin`` files are gzip-compressed JSON, which the browser
decompresses itself: they cost the same on any server.

Ranking is Okapi BM25 over the words of a paper (title, authors, topics, abstract), plus
``TITLE_BONUS`` times a word's weight when the title holds it: a paper whose title says what was
searched comes first. Words are stemmed with Snowball's English stemmer, so "models" finds "model" and
"accurate" finds "accuracy".
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import snowballstemmer

from generator.core import routes
from generator.core.caches import per_paper
from generator.core.gz import compressed
from generator.core.model import Paper
from generator.core.text import text_start
from generator.core.words import search_words
from generator.search.typos import paper_words

INDEX_DIR = "assets/search-index"
"""Folder of the index inside the site; ``search-engine.js`` reads ``<base>/INDEX_DIR/meta.json``."""

FORMAT = 1  # search-engine.js reads only the format it knows
TITLE_BONUS = 2.0  # a word of the title adds this many times its weight (BM25's most) to the score
K1, B = 1.2, 0.75  # BM25's term saturation and length normalisation
SCALE = 100  # scores are stored as integers: BM25 times this
WORDS_PER_FILE = 1500  # about 8 KB compressed
STEM_FILE_BYTES = 24_000  # a stems file closes once its JSON passes this size
DOCS_PER_FILE = 20  # a first page of ten results fetches at most ten of these, ~6 KB each


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """Snowball's English stem of a word the index holds (digits and other scripts pass)."""
    return str(_stemmer().stemWord(word))


@per_paper()
def paper_terms(paper: Paper, topics: tuple[str, ...]) -> tuple[int, tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """A paper's length in words, its distinct words, how often each occurs and whether it is in
    the title (1 or 0): kept per paper, so that under ``serve`` an edit reads one paper again,
    not every paper."""
    every = paper_words(paper, topics)  # title, authors, topics, abstract: the typo vocabulary's words
    title = set(search_words(paper.title))
    counts = Counter(every)
    held = tuple(sorted(counts))
    return len(every), held, tuple(counts[w] for w in held), tuple(int(w in title) for w in held)


def _sort_key(text: str) -> bytes:
    """JavaScript compares strings by UTF-16 code units: sort the same way, so that the
    browser's binary search over the files' first keys agrees with the order written here."""
    return text.encode("utf-16-be")


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _gaps(ids: Iterable[int]) -> list[int]:
    out, last = [], -1
    for i in ids:
        out.append(i - last)
        last = i
    return out


class _Postings:
    """Each stem's papers with their BM25 weights, from the papers' weighted word counts.

    The counting is done on arrays: at 10,000 papers there are about a million (paper, word)
    pairs, which a loop in Python takes seconds over."""

    def __init__(self, papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> None:
        terms = [paper_terms(p, tuple(topics.get(p.slug, ()))) for p in papers]
        self.n = n = len(terms)
        all_words: list[str] = []
        all_counts: list[int] = []
        all_titles: list[int] = []
        for _, distinct, counts, in_title in terms:
            all_words.extend(distinct)
            all_counts.extend(counts)
            all_titles.extend(in_title)
        vocabulary = sorted(dict.fromkeys(all_words), key=_sort_key)
        word_id = {w: i for i, w in enumerate(vocabulary)}
        ids = np.fromiter(map(word_id.__getitem__, all_words), dtype=np.int64, count=len(all_words))
        docs = np.repeat(np.arange(n, dtype=np.int64), [len(held) for _, held, _, _ in terms])
        self.vocabulary = vocabulary
        self.df = np.bincount(ids, minlength=len(vocabulary))  # papers holding each word
        word_stems = [stem(w) for w in vocabulary]
        self.stems = sorted(set(word_stems), key=_sort_key)
        stem_id = {s: i for i, s in enumerate(self.stems)}
        self.word_stems = word_stems
        of_word = np.fromiter(map(stem_id.__getitem__, word_stems), dtype=np.int64, count=len(vocabulary))
        self.forms: list[list[str]] = [[] for _ in self.stems]
        for w, s in zip(vocabulary, word_stems, strict=True):
            self.forms[stem_id[s]].append(w)
        # (stem, paper) pairs: two words of one stem in a paper ("model", "models") add up
        keys, where = np.unique(of_word[ids] * max(n, 1) + docs, return_inverse=True)
        tf = np.bincount(where, weights=np.asarray(all_counts, dtype=np.float64))
        title_hit = np.bincount(where, weights=np.asarray(all_titles, dtype=np.float64)) > 0
        stem_of, doc_of = keys // max(n, 1), keys % max(n, 1)
        lengths = np.asarray([length for length, _, _, _ in terms], dtype=np.float64)
        average = float(lengths.mean()) if n else 1.0
        norm = K1 * (1 - B + B * lengths / average)
        per_stem = np.bincount(stem_of, minlength=len(self.stems))
        idf = np.log(1 + (n - per_stem + 0.5) / (per_stem + 0.5))
        score = idf[stem_of] * (tf * (K1 + 1) / (tf + norm[doc_of]) + TITLE_BONUS * title_hit)
        gaps = np.diff(doc_of, prepend=-1)
        self.starts = np.concatenate(([0], np.cumsum(per_stem)))
        firsts = self.starts[:-1][per_stem > 0]
        gaps[firsts] = doc_of[firsts] + 1
        flat = np.empty(2 * len(keys), dtype=np.int64)
        flat[0::2] = gaps
        flat[1::2] = np.maximum(1, np.rint(score * SCALE))
        self.flat = flat

    def entry(self, i: int) -> list[object]:
        """Stem number ``i``: its words and its papers (gaps) with their scores."""
        return [self.forms[i], self.flat[2 * self.starts[i] : 2 * self.starts[i + 1]].tolist()]


def _word_files(postings: _Postings) -> tuple[list[str], list[bytes]]:
    vocabulary, stems, df = postings.vocabulary, postings.word_stems, postings.df.tolist()
    firsts, files = [], []
    for at in range(0, len(vocabulary), WORDS_PER_FILE):
        flat: list[object] = []
        for i in range(at, min(at + WORDS_PER_FILE, len(vocabulary))):
            word, s = vocabulary[i], stems[i]
            flat += (word, "" if s == word else s, df[i])
        firsts.append(vocabulary[at])
        files.append(_json(flat))
    return firsts, files


def _stem_files(postings: _Postings) -> tuple[list[str], list[bytes]]:
    """Stems in order, a file closing once it holds ``STEM_FILE_BYTES`` (estimated from the
    number of postings, so each stem is encoded once)."""
    firsts: list[str] = []
    files: list[bytes] = []
    part: dict[str, list[object]] = {}
    size = 0
    for i, s in enumerate(postings.stems):
        if not part:
            firsts.append(s)
        part[s] = postings.entry(i)
        size += len(s) + 6 * int(postings.starts[i + 1] - postings.starts[i]) + 12
        if size >= STEM_FILE_BYTES:
            files.append(_json(part))
            part, size = {}, 0
    if part:
        files.append(_json(part))
    return firsts, files


EXCERPT_TEXT_CHARS = 1000
"""How much of an abstract a result's excerpt is chosen from. The papers files are most of the
index (half of the abstract's bytes a paper, compressed), and a result shows 24 words: the
first thousand characters hold the abstract's opening, where it says what the paper does, and
most of what a query matches. At 50,000 papers the rest was 12 MB of the site."""


@per_paper()
def _doc_record(paper: Paper, topics: tuple[str, ...]) -> bytes:
    text = text_start(paper.abstract, EXCERPT_TEXT_CHARS) or ", ".join(paper.authors)
    return _json([routes.paper_url(paper.slug), paper.title, paper.date.isoformat(), list(topics), text])


def _doc_files(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> list[bytes]:
    records = [_doc_record(p, tuple(topics.get(p.slug, ()))) for p in papers]
    return [b"[" + b",".join(records[at : at + DOCS_PER_FILE]) + b"]" for at in range(0, len(records), DOCS_PER_FILE)]


def _filter_values(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> dict[str, dict[str, list[int]]]:
    """Each filter's values (a paper's topics, its year) with the numbers of their papers."""
    values: dict[str, dict[str, list[int]]] = {"topic": {}, "year": {}}
    for doc, paper in enumerate(papers):
        for name in dict.fromkeys(topics.get(paper.slug, ())):
            values["topic"].setdefault(name, []).append(doc)
        values["year"].setdefault(str(paper.date.year), []).append(doc)
    return values


def _filter_files(
    papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]
) -> tuple[dict[str, dict[str, int]], list[bytes]]:
    menu: dict[str, dict[str, int]] = {}
    files: list[bytes] = []
    for kind, held in _filter_values(papers, topics).items():
        menu[kind] = {}
        for name in sorted(held, key=_sort_key):
            menu[kind][name] = len(files)
            files.append(_json(_gaps(held[name])))
    return menu, files


FILTERS_FILE = "assets/search-filters.json"
"""The values of the search filters and their counts, for the filter menus (see ``filter_menu``)."""


def filter_menu(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> str:
    """``FILTERS_FILE``: each filter's values with their number of papers, as the index holds
    them. The menus are filled from this small file, so that opening the search loads no
    filter's list of papers until a filter is chosen."""
    menu = {
        kind: {name: len(held[name]) for name in sorted(held)} for kind, held in _filter_values(papers, topics).items()
    }
    return json.dumps(menu, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n"


def index_files(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> dict[str, bytes]:
    """The index of ``papers`` (newest first, as the collection orders them): ``{path inside
    the site: bytes}``. Pure and deterministic; the file names stay the same from build to build,
    so an edit rewrites only the files whose content it changed."""
    postings = _Postings(papers, topics)
    word_firsts, word_raw = _word_files(postings)
    stem_firsts, stem_raw = _stem_files(postings)
    doc_raw = _doc_files(papers, topics)
    filters, filter_raw = _filter_files(papers, topics)
    named = (
        [(f"w{n}.bin", raw) for n, raw in enumerate(word_raw)]
        + [(f"s{n}.bin", raw) for n, raw in enumerate(stem_raw)]
        + [(f"d{n}.bin", raw) for n, raw in enumerate(doc_raw)]
        + [(f"f{n}.bin", raw) for n, raw in enumerate(filter_raw)]
    )
    digest = hashlib.sha256()
    for name, raw in named:
        digest.update(name.encode() + b"\0" + hashlib.sha256(raw).digest())
    meta = {
        "format": FORMAT,
        "version": digest.hexdigest()[:12],
        "docs": len(papers),
        "docs_per_file": DOCS_PER_FILE,
        "scale": SCALE,
        "words": word_firsts,
        "stems": stem_firsts,
        "filters": filters,
    }
    out = {f"{INDEX_DIR}/meta.json": _json(meta) + b"\n"}
    out.update((f"{INDEX_DIR}/{name}", compressed(f"{INDEX_DIR}/{name}", raw)) for name, raw in named)
    return out


def file_of(firsts: Sequence[str], key: str) -> int:
    """The file whose range holds ``key``: the last whose first key is not after it (the
    browser's lookup, used by the tests)."""
    keys = [_sort_key(k) for k in firsts]
    return max(0, bisect.bisect_right(keys, _sort_key(key)) - 1)
