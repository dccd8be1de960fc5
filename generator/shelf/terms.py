"""A paper's top terms: the few words and two-word phrases that say what it is about.

"For you" on My shelf ranks papers by the terms they share with the papers a reader saved, and
shows those terms as its reason ("shares *kv cache*, *quantization* with 3 papers you saved"),
so the terms must be readable: whole words as written (lower case, not stemmed) and phrases of
two adjacent words ("kv cache", "speculative decoding"), which say more than their words apart.

Why top terms and not whole vectors: the ranking runs in the reader's browser, which can fetch
a few hundred KB, not every paper's vector. Each paper keeps its ``TERMS_PER_PAPER`` best terms
by tf-idf, and each paper's record lists its nearest papers by those terms (``shelf.data``), which
the browser sums over the saved papers. Measured on 20,000 real arXiv papers (``python -m
benchmarks foryou --quality``: 40 simulated readers a size, each saving papers of one arXiv
category; the share of the top 20 in that category), with 1, 5 and 20 saved papers: a linear SVM
over whole tf-idf vectors (arxiv-sanity's ranking) 0.39, 0.46, 0.57; nearest neighbours over the
same vectors 0.41, 0.45, 0.48; the saved papers' nearest papers by top terms, as the browser
ranks, 0.32, 0.36, 0.40 (the postings of their 24 strongest terms, the site's first ranking,
0.32, 0.35, 0.36). The SVM is better once a reader has saved many papers, but it needs every
paper's vector in the browser (tens of MB at 50,000 papers) and a solver there; with one to five
saves, where most shelves are, it is little better than the neighbours. The top terms are the
only one of these whose data fits the budget (a few hundred KB), and they give the reason each
paper is listed.

Counting is done here on arrays, not with scikit-learn's vectorizer: with phrases it took 31 s for
20,000 papers (it builds a vocabulary of every phrase before it drops the rare ones).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from generator.core.caches import per_paper
from generator.core.model import Paper

TERMS_PER_PAPER = 12
TITLE_REPEAT = 2  # a title is short and deliberate: its terms count twice
_BLOCK = 4096  # papers counted at once (``_counted``)
_WINDOW = 3 * TERMS_PER_PAPER  # ranked terms of a paper made Python values at a time (some are skipped)
WEIGHT_SCALE = 100  # weights are stored as integers 1..WEIGHT_SCALE (a term's share of the paper's top)

# Words that say nothing of a paper's subject: English stop words and the vocabulary of every
# abstract ("we propose a novel method that achieves state-of-the-art results").
_GENERIC = frozenset(
    [
        "paper",
        "propose",
        "proposed",
        "proposes",
        "present",
        "presents",
        "presented",
        "introduce",
        "introduces",
        "introduced",
        "novel",
        "new",
        "approach",
        "approaches",
        "method",
        "methods",
        "result",
        "results",
        "show",
        "shows",
        "shown",
        "demonstrate",
        "demonstrates",
        "achieve",
        "achieves",
        "achieved",
        "achieving",
        "state",
        "art",
        "existing",
        "work",
        "works",
        "based",
        "using",
        "use",
        "used",
        "uses",
        "significantly",
        "significant",
        "performance",
        "improve",
        "improves",
        "improved",
        "improvement",
        "improvements",
        "prior",
        "previous",
        "recent",
        "recently",
        "experiments",
        "experimental",
        "extensive",
        "evaluate",
        "evaluation",
        "evaluations",
        "compared",
        "comparison",
        "outperforms",
        "outperform",
        "challenge",
        "challenges",
        "task",
        "tasks",
        "problem",
        "problems",
        "study",
        "studies",
        "effective",
        "effectively",
        "efficient",
        "efficiently",
        "framework",
        "frameworks",
        "model",
        "models",
        "large",
        "propose",
        "key",
        "important",
        "different",
        "various",
        "including",
        "enables",
        "enable",
        "provide",
        "provides",
        "making",
        "make",
        "makes",
        "code",
        "available",
        "github",
        "https",
        "com",
        "org",
        "abs",
        "arxiv",
        "et",
        "al",
    ]
)
_DROP = frozenset(ENGLISH_STOP_WORDS) | _GENERIC
_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-'][a-z0-9]+)*")
# Formulas, URLs and punctuation are no terms, and end a phrase: each becomes a token "|".
_BREAK = re.compile(r"\$[^$]*\$|https?://\S+|[.,;:!?()\[\]{}\"“”/]")


@per_paper(asked_once=True)
def tokens(paper: Paper) -> list[str]:
    """The tokens of a paper's title (``TITLE_REPEAT`` times) and abstract: split at spaces, each
    mark of punctuation a token (a phrase never spans one); kept per paper, so under ``serve``
    an edit splits one paper again. Which tokens are words is decided once per distinct token
    (``top_terms``), not once per occurrence."""
    text = " | ".join([paper.title] * TITLE_REPEAT + [paper.abstract]).lower()
    return _BREAK.sub(" | ", text).split()


def _is_term(token: str) -> bool:
    return token not in _DROP and len(token) > 1 and _WORD.fullmatch(token) is not None


def _counted(chunks: Sequence[np.ndarray], start: int, is_term: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How often each paper from ``start`` on (``_BLOCK`` of them) holds each term: sorted keys
    ``paper * span + term`` and their counts. A term is a word's number, or ``size + first *
    size + second`` for a phrase of two adjacent words, neither dropped (``span`` numbers both).
    Counted a block of papers at a time, so that the arrays of every word of every paper are
    never all made at once."""
    size = len(is_term)
    span = size + size * size
    block = chunks[start : start + _BLOCK]
    ids = np.concatenate(block).astype(np.int64)
    docs = np.repeat(np.arange(start, start + len(block), dtype=np.int64), [len(c) for c in block])
    kept = is_term[ids]
    pair = kept[:-1] & kept[1:] & (docs[:-1] == docs[1:])
    keys = np.concatenate(
        [docs[kept] * span + ids[kept], docs[:-1][pair] * span + size + ids[:-1][pair] * size + ids[1:][pair]]
    )
    keys, counts = np.unique(keys, return_counts=True)
    return keys, counts.astype(np.int32)


def _ranked(term_of: np.ndarray, score: np.ndarray, start: int, stop: int) -> Iterator[tuple[int, float]]:
    """A paper's ranked (term, score) pairs from ``start`` to ``stop``, made Python values
    ``_WINDOW`` at a time: most papers are done within the first window."""
    for at in range(start, stop, _WINDOW):
        end = min(at + _WINDOW, stop)
        yield from zip(term_of[at:end].tolist(), score[at:end].tolist(), strict=True)


def top_terms(papers: Sequence[Paper]) -> list[tuple[tuple[str, int], ...]]:
    """Each paper's ``TERMS_PER_PAPER`` best terms by tf-idf (sublinear term frequency), with
    integer weights that sum to about ``WEIGHT_SCALE``; best first, ties by the term.

    A term held by one paper only is left out (it can lead to no other paper), and so is a word
    that a phrase of the paper's top already holds ("kv cache" makes "cache" say nothing more).
    Counted on arrays (ten million words at 50,000 papers), a block of papers at a time
    (``_counted``), each array let go once the next is made, and only the first ``_WINDOW`` of a
    paper's ranked terms made Python values: a build makes this beside the search index, and
    made whole they took 1.4 GB at 50,000 papers, now half a GB.
    Deterministic: the same papers give the same terms."""
    n = len(papers)
    if n == 0:
        return []
    vocabulary: defaultdict[str, int] = defaultdict(itertools.count().__next__)  # numbered as met, in C
    lookup = vocabulary.__getitem__
    chunks = [np.fromiter(map(lookup, tokens(p)), dtype=np.int32) for p in papers]
    words = list(vocabulary)
    size = len(words)
    is_term = np.fromiter(map(_is_term, words), dtype=bool, count=size)
    counted = [_counted(chunks, start, is_term) for start in range(0, n, _BLOCK)]
    del chunks
    keys = np.concatenate([k for k, _ in counted])  # by paper, then term: each block's papers follow the last's
    counts = np.concatenate([c for _, c in counted])
    del counted
    doc_of, term_of = np.divmod(keys, size + size * size)
    del keys
    _names, term_id = np.unique(term_of, return_inverse=True)
    df = np.bincount(term_id)[term_id]
    del term_id
    held = (df > 1) & (df < n)
    doc_of, term_of, counts, df = doc_of[held], term_of[held], counts[held], df[held]
    score = (1 + np.log(counts)) * np.log(n / df)
    del counts, df, held
    order = np.lexsort((-score, doc_of))  # stable: ties stay in term order
    term_of, score = term_of[order], score[order]
    starts = np.searchsorted(doc_of[order], np.arange(n + 1)).tolist()
    del order, doc_of
    out: list[tuple[tuple[str, int], ...]] = []
    for d in range(n):
        chosen: list[tuple[float, str]] = []
        in_phrases: set[str] = set()
        for t, s in _ranked(term_of, score, starts[d], starts[d + 1]):
            term = words[t] if t < size else f"{words[(t - size) // size]} {words[(t - size) % size]}"
            if t < size and term in in_phrases:
                continue
            if t >= size:
                in_phrases.update(term.split())
                chosen = [(s0, w) for s0, w in chosen if w not in in_phrases]
            chosen.append((s, term))
            if len(chosen) == TERMS_PER_PAPER:
                break
        total = sum(s for s, _ in chosen) or 1.0
        out.append(tuple((t, max(1, round(WEIGHT_SCALE * s / total))) for s, t in chosen))
    return out
