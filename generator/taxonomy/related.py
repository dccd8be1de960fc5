"""Related papers: the most similar papers by their title and abstract (and, a little, their topics).

Why scikit-learn: ``TfidfVectorizer`` (sublinear term frequency, L2 rows) and ``TruncatedSVD``
(latent semantic analysis, LSA) are well-kept, documented implementations of exactly the
weighting and the reduction used here, in compiled code; the module only chooses and combines.

How: each paper is a TF-IDF vector of its words (title counted twice, stop words, single letters
and digits left out) and a dense LSA vector (``LSA_DIMS`` dimensions of that matrix, normalised).
LSA finds each paper's ``CANDIDATES`` nearest papers (dense products, a block of rows at a time:
the whole similarity matrix is never held); those are ranked by ``WORDS_WEIGHT`` of the TF-IDF
cosine, the rest of the cosine of the first ``RANK_DIMS`` LSA dimensions (the strongest: they
tell fields apart, where the later ones add details the words already carry), plus
``TOPIC_BONUS`` times the cosine of the topics. LSA alone finds papers of the same field; words
alone reward a shared rare name.

Measured with ``make bench-related`` on real arXiv papers (the share of listed papers in the
paper's own primary category; records 1-10,000 and 10,001-20,000 of the sample): this blend
0.663 and 0.664, plain scikit-learn TF-IDF 0.608 and 0.592, scikit-learn LSA of 256 dimensions
0.621 and 0.617; ranking by all 64 dimensions of an LSA of 64, as before, 0.659 and 0.662.
Tried without gain (at most +0.004): 128 or 256 dimensions, more candidates, bigrams,
min_df/max_df, re-ranking by a vector averaged over the paper and its nearest neighbours
(pseudo-relevance feedback), a bonus for a shared k-means cluster, hubness correction (CSLS), a
bonus for shared authors. At 50,000 papers the lists take 19 s of CPU, against 23 s for this
module's earlier hand-made TF-IDF and 31 s for the 64-dimension version (medians of three runs
of each, taken in turn on one machine).

A paper is listed only when it shares a word or a topic with the paper: LSA gives a small score
to almost any pair, and "related" should mean something in common.

Determinism: papers are ordered by slug before vectorising; the SVD is randomised with a fixed
seed; the scores that rank are computed pair by pair (``_pair_scores``: element-wise products
summed in a fixed order, never a BLAS product whose sums depend on the thread count), rounded to
``SCORE_DECIMALS``, and ties are broken by slug. A collection gives the same lists on every run;
the SVD and the candidate search do use BLAS, and the tests check that one thread and two give
the same lists.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from itertools import filterfalse

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.core.model import Paper
from generator.core.words import words

RELATED_COUNT = 5
LSA_DIMS = 32  # of the LSA vectors that find the candidates (measured: 64 finds a little better, at twice the cost)
RANK_DIMS = 16  # the first (strongest) of them, whose cosine the blend ranks by: fields, not details
CANDIDATES = 20  # nearest papers by LSA that the blended score ranks (measured: 30 or 100 add little)
WORDS_WEIGHT = 0.6  # of the TF-IDF cosine in the blend; the LSA cosine has the rest
TOPIC_BONUS = 0.05  # a shared topic tips a close call, never outweighs the text
TITLE_REPEAT = 2  # the title is short and deliberate: count its words twice
SCORE_DECIMALS = 6
SEED = 0  # of the randomised SVD
LSA_FIT = 10_000  # papers the SVD is fitted on, at most
BLOCK_ROWS = 512  # rows of the similarity matrix formed at once (512 x 50,000 float32: 100 MB)
_SEGMENTS = 256  # pieces of a row whose maxima bound its CANDIDATES-th best score from below

# Words that say nothing about a paper's subject: English stop words, single letters and digits.
_DROP = frozenset(ENGLISH_STOP_WORDS) | frozenset(string.ascii_lowercase + string.digits)


def _tokens(paper: Paper) -> list[str]:
    """The words TF-IDF counts: title (``TITLE_REPEAT`` times) and abstract, without ``_DROP``;
    split by ``core.words`` as the topic rules split them (a preview keeps those splits for
    both). (``filterfalse`` keeps the per-word loop in C: at 10,000 papers that is two and a
    half million words.)"""
    title = list(filterfalse(_DROP.__contains__, words(paper.title)))
    return title * TITLE_REPEAT + list(filterfalse(_DROP.__contains__, words(paper.abstract)))


def _word_matrix(papers: Sequence[Paper]) -> sp.csr_matrix:
    """Rows are papers' TF-IDF vectors (L2-normalised; all zero for a paper of stop words only)."""
    vectorizer = TfidfVectorizer(analyzer=_tokens, sublinear_tf=True, dtype=np.float32)
    try:
        return vectorizer.fit_transform(papers).tocsr()
    except ValueError:  # no word survived anywhere
        return sp.csr_matrix((len(papers), 0), dtype=np.float32)


def _topic_matrix(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> sp.csr_matrix:
    """Rows are papers' topics, TF-IDF weighted (a rare topic says more) and L2-normalised."""
    tags = [list(topics.get(p.slug, ())) for p in papers]
    if not any(tags):
        return sp.csr_matrix((len(papers), 0), dtype=np.float32)
    return TfidfVectorizer(analyzer=lambda names: names, dtype=np.float32).fit_transform(tags).tocsr()


def _lsa(x: sp.csr_matrix) -> np.ndarray | None:
    """The papers' LSA vectors (not normalised; components strongest first), or None for a
    collection too small for ``LSA_DIMS`` dimensions, whose papers are then ranked by their words alone.

    The SVD is fitted on at most ``LSA_FIT`` papers (evenly spread in slug order) and applied to
    all: the main directions of a field's vocabulary are already plain in 10,000 papers, and the
    fit is the costly part (a transform is one sparse product)."""
    if min(x.shape) <= LSA_DIMS:
        return None
    svd = TruncatedSVD(LSA_DIMS, algorithm="randomized", random_state=SEED)
    step = -(-x.shape[0] // LSA_FIT)
    z = svd.fit_transform(x) if step == 1 else svd.fit(x[::step]).transform(x)
    return z.astype(np.float32)


def _pair_scores(m: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The dot products of rows ``rows`` and ``cols`` of ``m``, pair by pair: the gathered rows
    multiplied entry by entry and summed in column order, in float64 (SciPy's sparse code, no
    BLAS: the same sums at any thread count). Measured three times as fast as looking each
    partner's entries up among the block's by a binary search."""
    if not m.shape[1] or not rows.size:
        return np.zeros(rows.size, dtype=np.float32)
    products = m[rows].multiply(m[cols]).tocsr()
    return np.asarray(products.sum(axis=1, dtype=np.float64)).ravel().astype(np.float32)


def _candidates(
    z: np.ndarray | None, start: int, stop: int, zt: np.ndarray, sims: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the pairs to score for rows ``start`` to ``stop``: every other paper in
    a small collection, else each row's ``CANDIDATES`` nearest by LSA (ties by column).

    ``zt`` is ``z`` transposed (contiguous, for the product). ``sims`` holds the block's products:
    allocated once for all blocks (filling a fresh 100 MB array per block cost a tenth of the
    time), its columns padded to whole pieces with -inf, which the products never overwrite.
    The row's ``CANDIDATES``-th best is bounded from below by the ``CANDIDATES``-th largest of
    the maxima of ``_SEGMENTS`` pieces of the row (that many distinct values are at least as
    large); only the few values above the bound are sorted. Two passes over the block, where a
    selection in every row would be slower by three (and ``argpartition`` would make an index
    array as large as the block)."""
    n = zt.shape[1]
    rows = np.arange(start, stop)
    if z is None or n - 1 <= max(CANDIDATES, _SEGMENTS):
        # a small collection: every pair
        cols = np.tile(np.arange(n), rows.size)
        rows = np.repeat(rows, n)
        other = rows != cols
        return rows[other], cols[other]
    width = sims.shape[1] // _SEGMENTS
    sims = sims[: rows.size]
    np.matmul(z[start:stop], zt, out=sims[:, :n])
    sims[np.arange(rows.size), rows] = -np.inf
    maxima = sims.reshape(rows.size, _SEGMENTS, width).max(axis=2)
    bound = np.partition(maxima, _SEGMENTS - CANDIDATES, axis=1)[:, _SEGMENTS - CANDIDATES]
    local, cols = np.divmod(np.flatnonzero(sims >= bound[:, None]), sims.shape[1])
    order = np.lexsort((cols, -sims[local, cols], local))
    local, cols = local[order], cols[order]
    first = np.searchsorted(local, np.arange(rows.size))
    keep = np.arange(local.size) - first[local] < CANDIDATES
    return rows[local[keep]], cols[keep]


def related_papers(
    papers: Sequence[Paper], topics: Mapping[str, Sequence[str]], k: int = RELATED_COUNT
) -> dict[str, tuple[str, ...]]:
    """slug -> the slugs of the ``k`` most similar other papers, most similar first.

    Papers with no word and no topic in common are never listed, so a list may be shorter.
    """
    ordered = sorted(papers, key=lambda p: p.slug)
    n = len(ordered)
    if n < 2:
        return {p.slug: () for p in ordered}
    x = _word_matrix(ordered)
    t = _topic_matrix(ordered, topics)
    lsa_vectors = _lsa(x)
    z = zr = None
    if lsa_vectors is not None:
        z, zr = normalize(lsa_vectors), normalize(lsa_vectors[:, :RANK_DIMS])
    zt = np.ascontiguousarray(z.T) if z is not None else np.zeros((0, n), dtype=np.float32)
    sims = np.full((min(BLOCK_ROWS, n), -(-n // _SEGMENTS) * _SEGMENTS), -np.inf, dtype=np.float32)
    out: dict[str, tuple[str, ...]] = {}
    for start in range(0, n, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, n)
        rows, cols = _candidates(z, start, stop, zt, sims)
        shared_words = _pair_scores(x, rows, cols)
        shared_topics = _pair_scores(t, rows, cols)
        if zr is None:
            score = shared_words
        else:
            lsa = np.einsum("ij,ij->i", zr[rows], zr[cols])
            score = WORDS_WEIGHT * shared_words + (1 - WORDS_WEIGHT) * lsa
        score = np.round(score + TOPIC_BONUS * shared_topics, SCORE_DECIMALS)
        common = (shared_words > 0) | (shared_topics > 0)
        rows, cols, score = rows[common], cols[common], score[common]
        order = np.lexsort((cols, -score, rows))
        rows, cols = rows[order], cols[order]
        first = np.searchsorted(rows, np.arange(start, stop + 1))
        for row in range(start, stop):
            best = cols[first[row - start] : first[row - start + 1]][:k]
            out[ordered[row].slug] = tuple(ordered[j].slug for j in best)
    return out
