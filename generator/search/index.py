"""The site's search index: small files the browser fetches per query, written by the stager.

Why PaperShelf writes its own index rather than running an indexer over the built pages: a
page-based indexer stores one fragment file per page, which at 50,000 papers doubles the
site's file count and, holding the whole index until it writes, needs gigabytes of memory. The
papers are already records here, so the index is a pure function of them, written with the
rest of the staged site; every engine (MkDocs, ProperDocs, Zensical) publishes the same index,
and a preview rewrites only the files an edit changed.

Layout, inside ``INDEX_DIR`` (the browser side is ``overrides/assets/search-engine.js``):

- ``meta.json``: the number of papers, the filter files, and a version that changes with the
  content (the other files are fetched as ``<name>?v=<version>``).
- ``keys.bin``: where every terms file begins (the shortest start of its first word that sorts
  after the file before it: a word is found by a binary search, and a prefix by a range). It
  is compressed like the other files, and is most of what the engine loads before a query: as
  plain JSON in ``meta.json`` it was 24 KB at 50,000 papers, a sixth of a typed query.
- ``t<n>.bin``: terms, a range of words in order, about 5 KB compressed (``_closes``):
  ``{"words": [word, stem or "" when the same, ...], "stems": {stem:
  [[its words], papers with it, top, tail score, tail file or -1]}, "names": {word: [bonus,
  papers]}}``, where ``names`` holds the papers a word names (``lead_words``) and ``top`` the
  stem's ``TOP_POSTINGS`` heaviest papers as gaps between ascending numbers, each with its
  score (a BM25 weight times ``SCALE``, computed here, so a query only adds). A word, its stem
  and the words it begins are in one file, so typing a word longer narrows to a file already
  fetched; the browser needs no stemmer of its own.
- ``x<n>.bin``: tails, ``{stem: papers}`` for the stems with more papers than ``TOP_POSTINGS``:
  the others, as gaps or, when shorter, a bitmap in base64. A common word's tail is fetched
  for every word of a query that the index holds, so every word must still match; its papers
  all weigh the tail's median score. The papers where a word weighs least are the ones a query
  never shows first, and a real vocabulary's common words are thousands of papers each.
  A tails file is smaller than a terms file (``TAIL_BYTES``): a query reads one stem of it, and
  at 50,000 papers tails files of eight stems were 55 KB of a typed query's 129. The papers
  files hold ``DOCS_PER_FILE`` papers, a few more than would fill the page of ten results
  alone, so that the index has no more files for it.
- ``d<n>.bin``: ``DOCS_PER_FILE`` papers each ``[url, title, date, [topics], text]``: what a
  result shows and where the excerpt comes from: the start of the abstract, ``EXCERPT_TEXT_CHARS``
  at most (ranking counts all of it, from the terms files).
- ``f<n>.bin``: the papers of one filter value (a topic, a year), as gaps.

Papers are numbered newest first (the collection's order), so equal scores, and a filter with
no query, list the newest first. The ``.bin`` files are gzip-compressed JSON, which the browser
decompresses itself: they cost the same on any server.

Ranking is Okapi BM25 over the words of a paper (title, authors, topics, abstract), plus
``TITLE_BONUS`` times a word's weight when the title holds it; and the browser adds ``LEAD_BONUS``
times it when the word is in the paper's name (``lead_words``), by word and not by stem, and only
for a word that names at most ``LEAD_PAPERS`` papers, and only to a paper that every word of the
query names: a paper whose title says what was searched comes first, and "Bridge: ..." before
the many titles that merely contain "bridge" or start with "Bridging", but "Direct Modeling"
does not put "Direct Advantage Regression: ..." first. Words are
stemmed with Snowball's English stemmer, so "models" finds "model" and
"accurate" finds "accuracy".
"""

from __future__ import annotations

import base64
import bisect
import functools
import itertools
import json
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import snowballstemmer

from generator.core import routes
from generator.core.caches import per_paper
from generator.core.gz import compact_json, versioned_folder
from generator.core.model import Paper
from generator.core.text import text_start
from generator.core.words import search_words
from generator.search.typos import paper_words

INDEX_DIR = "assets/search-index"
"""Folder of the index inside the site; ``search-engine.js`` reads ``<base>/INDEX_DIR/meta.json``."""

FORMAT = 3  # search-engine.js reads only the format it knows
TITLE_BONUS = 2.0  # a word of the title adds this many times its weight (BM25's most) to the score
LEAD_BONUS = 3.0  # and a word of the paper's name (``lead_words``) this many more
LEAD_PAPERS = 64  # a word that names more papers than this names none: "Towards ...", "A ..."
K1, B = 1.2, 0.75  # BM25's term saturation and length normalisation
SCALE = 100  # scores are stored as integers: BM25 times this
TOP_POSTINGS = 400  # a stem's heaviest papers stored with their scores; the rest in its tail
FILE_BYTES = 9_000  # a terms or tails file closes once its JSON passes this size (_closes) ...
CUT_EVERY = 16  # ... at one key in this many: about 12 KB, 5 KB compressed
FILE_MOST = 30_000  # ... or at the first key past this size
TAIL_BYTES, TAIL_MOST = 3_000, 10_000  # the same for a tails file: a query needs one stem of it
DOCS_PER_FILE = 24  # a first page of ten results fetches at most ten of these, ~7 KB each


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """Snowball's English stem of a word the index holds (digits and other scripts pass)."""
    return str(_stemmer().stemWord(word))


@per_paper(asked_once=True)
def paper_terms(paper: Paper, topics: tuple[str, ...]) -> tuple[int, tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """A paper's length in words, its distinct words, how often each occurs and where the title
    holds it (``LEAD``: in the paper's name, ``IN_TITLE``: elsewhere in the title, 0: not):
    kept per paper, so that under ``serve`` an edit reads one paper again, not every paper."""
    every = paper_words(paper, topics)  # title, authors, topics, abstract: the typo vocabulary's words
    title = set(search_words(paper.title))
    lead = set(lead_words(paper.title))
    counts = Counter(every)
    held = tuple(sorted(counts))
    places = tuple(LEAD if w in lead else IN_TITLE if w in title else 0 for w in held)
    return len(every), held, tuple(counts[w] for w in held), places


IN_TITLE, LEAD = 1, 2
NAME_WORDS = 6  # a title's part before a colon longer than this is a sentence, not a name


def lead_words(title: str) -> list[str]:
    """The words that name a paper: what comes before a colon ("Bridge: ..."), or else the
    title's first word, all of a hyphenated one ("3D-Aware ..."). A paper whose name is an
    ordinary word is found by that word before the many papers whose titles merely contain it."""
    name, colon, _ = title.partition(":")
    found = search_words(name)
    if colon and 0 < len(found) <= NAME_WORDS:
        return found
    first = title.split(maxsplit=1)
    return search_words(first[0]) if first else []


def _sort_key(text: str) -> bytes:
    """JavaScript compares strings by UTF-16 code units: sort the same way, so that the
    browser's binary search over the files' first keys agrees with the order written here."""
    return text.encode("utf-16-be")


_json = compact_json


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
        # Each paper's words are numbered as met and its tuples let go at once: held for every
        # paper, their strings and tuples took most of a GB at 50,000 papers.
        met: defaultdict[str, int] = defaultdict(itertools.count().__next__)  # numbered as met, in C
        numbered, all_counts, all_places = array("q"), array("q"), array("q")
        held_per_paper: list[int] = []
        lengths_list: list[int] = []
        for p in papers:
            length, distinct, counts, places = paper_terms(p, tuple(topics.get(p.slug, ())))
            numbered.extend(map(met.__getitem__, distinct))
            all_counts.extend(counts)
            all_places.extend(places)
            held_per_paper.append(len(distinct))
            lengths_list.append(length)
        self.n = n = len(papers)
        vocabulary = sorted(met, key=_sort_key)
        word_id = {w: i for i, w in enumerate(vocabulary)}
        renumber = np.fromiter(map(word_id.__getitem__, met), dtype=np.int64, count=len(met))
        ids = renumber[np.frombuffer(numbered, dtype=np.int64)] if numbered else np.zeros(0, dtype=np.int64)
        del met, numbered, renumber
        docs = np.repeat(np.arange(n, dtype=np.int64), held_per_paper)
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
        where_in_title = np.asarray(all_places, dtype=np.int64)
        title_hit = np.bincount(where, weights=(where_in_title > 0).astype(np.float64)) > 0
        stem_of, doc_of = keys // max(n, 1), keys % max(n, 1)
        lengths = np.asarray(lengths_list, dtype=np.float64)
        average = float(lengths.mean()) if n else 1.0
        norm = K1 * (1 - B + B * lengths / average)
        per_stem = np.bincount(stem_of, minlength=len(self.stems))
        idf = np.log(1 + (n - per_stem + 0.5) / (per_stem + 0.5))
        score = idf[stem_of] * (tf * (K1 + 1) / (tf + norm[doc_of]) + TITLE_BONUS * title_hit)
        self.starts = np.concatenate(([0], np.cumsum(per_stem)))
        self.docs = doc_of  # per stem, its papers in order (the stems in order)
        self.scores = np.maximum(1, np.rint(score * SCALE)).astype(np.int64)
        gaps = np.diff(doc_of, prepend=-1)
        firsts = self.starts[:-1][per_stem > 0]
        gaps[firsts] = doc_of[firsts] + 1
        self.flat = np.empty(2 * len(keys), dtype=np.int64)  # gap, score, gap, score, ... per stem
        self.flat[0::2] = gaps
        self.flat[1::2] = self.scores
        # each word's papers that it names ("Bridge: ..."), by word, not by stem: "bridging"
        # shares the stem of "bridge" but names other papers; a word that names many is no name
        lead = where_in_title == LEAD
        order = np.lexsort((docs[lead], ids[lead]))
        naming_word, named_doc = ids[lead][order], docs[lead][order]
        named = np.bincount(naming_word, minlength=len(vocabulary))
        ends = np.cumsum(named)
        bonus = np.rint(LEAD_BONUS * idf[of_word] * SCALE).astype(np.int64)
        self.leads: dict[int, list[int]] = {}  # word -> [bonus, paper gaps...]
        for named_word in np.flatnonzero((named > 0) & (named <= LEAD_PAPERS)).tolist():
            self.leads[named_word] = [
                int(bonus[named_word]),
                *_gaps(named_doc[ends[named_word] - named[named_word] : ends[named_word]].tolist()),
            ]


def _top_and_tail(postings: _Postings, i: int) -> tuple[list[int], list[int], int]:
    """Stem ``i``'s papers split by weight: the ``TOP_POSTINGS`` that weigh most (paper gaps and
    scores, in paper order), the rest (paper numbers), and the median score of the rest."""
    lo, hi = int(postings.starts[i]), int(postings.starts[i + 1])
    if hi - lo <= TOP_POSTINGS:  # most stems: their papers as they are
        return postings.flat[2 * lo : 2 * hi].tolist(), [], 0
    docs, scores = postings.docs[lo:hi], postings.scores[lo:hi]
    order = np.lexsort((docs, -scores))  # heaviest first; of equal scores the newest paper
    top = np.sort(order[:TOP_POSTINGS])
    rest = np.sort(order[TOP_POSTINGS:])
    return _pairs(docs[top], scores[top]), docs[rest].tolist(), int(np.median(scores[rest]))


def _pairs(docs: np.ndarray, scores: np.ndarray) -> list[int]:
    flat = np.empty(2 * len(docs), dtype=np.int64)
    flat[0::2] = np.diff(docs, prepend=-1)
    flat[1::2] = scores
    return flat.tolist()


def _membership(docs: list[int], n: int) -> list[int] | str:
    """Papers as gaps, or as a bitmap (base64, paper ``d`` is bit ``d % 8`` of byte ``d // 8``)
    when that is shorter: a word in every third paper costs an eighth of a byte per paper."""
    if 4 * len(docs) < n // 6:  # a gap takes about four characters of JSON
        return _gaps(docs)
    bits = np.zeros(n, dtype=np.uint8)
    bits[docs] = 1
    return base64.b64encode(np.packbits(bits, bitorder="little").tobytes()).decode("ascii")


def _closes(key: str, size: int, least: int = FILE_BYTES, most: int = FILE_MOST) -> bool:
    """Whether a file closes after ``key``: once it holds ``least`` and at a key whose hash
    says so (one in ``CUT_EVERY``), or at ``most``. Where files end depends on the keys
    there, not on everything before them, so an edit that adds or drops a word rewrites its own
    file, not every file after it."""
    return size >= most or (size >= least and zlib.crc32(key.encode("utf-8")) % CUT_EVERY == 0)


def _separator(before: str, first: str) -> str:
    """The shortest start of ``first`` that sorts after ``before``: where a file begins, told
    apart from the file before it. A word is in the same file by it as by the file's first
    word, and ``meta.json`` holds a few letters a file instead of a whole word."""
    for end in range(1, len(first)):
        if _sort_key(first[:end]) > _sort_key(before):
            return first[:end]
    return first


def _term_files(postings: _Postings) -> tuple[list[str], list[bytes], list[bytes]]:
    """The terms files (words in order, each with its stem, and each of their stems with its
    heaviest papers), and the tails files (the other papers of the stems that have more than
    ``TOP_POSTINGS``), in stem order; each file closing where ``_closes`` says."""
    split = [_top_and_tail(postings, i) for i in range(len(postings.stems))]
    tail_of: dict[int, int] = {}
    tails: list[bytes] = []
    part: dict[str, object] = {}
    size = 0
    for i, (_, rest, _) in enumerate(split):
        if not rest:
            continue
        tail_of[i] = len(tails)
        part[postings.stems[i]] = member = _membership(rest, postings.n)
        size += len(member) if isinstance(member, str) else 4 * len(member)
        if _closes(postings.stems[i], size, TAIL_BYTES, TAIL_MOST):
            tails.append(_json(part))
            part, size = {}, 0
    if part:
        tails.append(_json(part))
    stem_id = {s: i for i, s in enumerate(postings.stems)}
    firsts: list[str] = []
    files: list[bytes] = []
    flat: list[object] = []
    entries: dict[str, list[object]] = {}
    size = 0
    leads: dict[str, list[int]] = {}
    last = ""
    for w, (word, s) in enumerate(zip(postings.vocabulary, postings.word_stems, strict=True)):
        if not flat:
            firsts.append(_separator(last, word) if firsts else "")
        last = word
        flat += (word, "" if s == word else s)
        size += len(word) + len(s) + 6
        if w in postings.leads:
            leads[word] = postings.leads[w]
            size += 5 * len(leads[word]) + len(word)
        if s not in entries:
            i = stem_id[s]
            top, rest, tail_score = split[i]
            count = int(postings.starts[i + 1] - postings.starts[i])
            entries[s] = [postings.forms[i], count, top, tail_score, tail_of.get(i, -1)]
            size += sum(len(f) + 3 for f in postings.forms[i]) + 7 * len(top) // 2 + 24
        if _closes(word, size):
            files.append(_json({"words": flat, "stems": entries, "names": leads}))
            flat, entries, leads, size = [], {}, {}, 0
    if flat:
        files.append(_json({"words": flat, "stems": entries, "names": leads}))
    return firsts, files, tails


EXCERPT_TEXT_CHARS = 600
"""How much of an abstract a result's excerpt is chosen from. The papers files are most of what
a typed query fetches (each result shown is in a file of ``DOCS_PER_FILE`` papers), and a
result shows 24 words: the first 600 characters (about 90 words) hold the abstract's opening,
where it says what the paper does, and most of what a query matches. At 1,000 characters a
typed query on real papers fetched half as much again."""


@per_paper(asked_once=True)
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


KEYS_FILE = "keys.bin"
"""Where each terms file begins, in order (``file_of``)."""

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
    term_firsts, term_raw, tail_raw = _term_files(postings)
    doc_raw = _doc_files(papers, topics)
    filters, filter_raw = _filter_files(papers, topics)
    named = (
        [(f"t{n}.bin", raw) for n, raw in enumerate(term_raw)]
        + [(f"x{n}.bin", raw) for n, raw in enumerate(tail_raw)]
        + [(f"d{n}.bin", raw) for n, raw in enumerate(doc_raw)]
        + [(f"f{n}.bin", raw) for n, raw in enumerate(filter_raw)]
        + [(KEYS_FILE, _json(term_firsts))]
    )
    meta = {
        "format": FORMAT,
        "docs": len(papers),
        "docs_per_file": DOCS_PER_FILE,
        "scale": SCALE,
        "top": TOP_POSTINGS,
        "filters": filters,
    }
    return versioned_folder(INDEX_DIR, named, meta)


def file_of(firsts: Sequence[str], key: str) -> int:
    """The file whose range holds ``key``: the last whose first key is not after it (the
    browser's lookup, used by the tests)."""
    keys = [_sort_key(k) for k in firsts]
    return max(0, bisect.bisect_right(keys, _sort_key(key)) - 1)
