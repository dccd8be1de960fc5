"""Related papers: the most similar papers by tf-idf over title, abstract and topics.

Why scikit-learn: its ``TfidfVectorizer`` is a well-kept, documented implementation of exactly
this weighting (tokenising, stop words, sublinear term frequency, L2 normalisation) that
produces a SciPy sparse matrix, so the similarity of every pair is one sparse matrix product
done in compiled code. Writing the same by hand in Python would be slower by orders of
magnitude at 10,000 papers and would be more code to get right.

Determinism: the vocabulary is sorted, the papers are ordered by slug before vectorising, the
scores are rounded (so that sums computed in another order cannot split a tie) and ties are
broken by slug. The same collection therefore gives the same lists on every machine.

Cost: the products are taken a block of rows at a time, so memory stays bounded
(``BLOCK_ROWS`` x papers floats) however large the collection grows. Measured by
``make bench-related``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from itertools import filterfalse

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.core.model import Paper
from generator.taxonomy.topics import words

RELATED_COUNT = 5
BLOCK_ROWS = 512
# Weight of the topics block against the words block (both L2-normalised before weighting):
# a shared topic matters, but two papers should mostly be related by what they say.
TOPIC_WEIGHT = 0.5
TITLE_REPEAT = 2  # the title is short and deliberate: count its words twice
# Each paper keeps only its most distinctive words. Similarity is dominated by them anyway,
# and it keeps the products sparse: without it, common words make every pair of papers share
# a term and the product dense (10,000 x 10,000) at large collections.
TERMS_PER_PAPER = 32
SCORE_DECIMALS = 6


# Words that say nothing about a paper's subject: English stop words, single letters and digits.
_DROP = frozenset(ENGLISH_STOP_WORDS) | frozenset(string.ascii_lowercase + string.digits)


def _tokens(paper: Paper) -> list[str]:
    """The words tf-idf counts: title (twice) and abstract, without ``_DROP``; split by
    ``topics.words``, whose cache the topic rules have just filled. (``filterfalse`` keeps the
    per-word loop in C: at 10,000 papers that is two and a half million words.)"""
    title = list(filterfalse(_DROP.__contains__, words(paper.title)))
    return title * TITLE_REPEAT + list(filterfalse(_DROP.__contains__, words(paper.abstract)))


def _keep_top_terms(x: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the ``k`` largest entries of each row (ties by column, so the choice is stable)."""
    x = x.tocsr()
    x.sort_indices()
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    # One stable sort on "row, then larger value first": values are in (0, 1], so adding them
    # to the row number as 1 - value keeps rows apart; equal values stay in column order.
    order = np.argsort(rows + (1.0 - x.data.astype(np.float64)), kind="stable")
    rank = np.arange(order.size) - x.indptr[rows[order]]
    keep = np.sort(order[rank < k])
    return sp.csr_matrix((x.data[keep], (rows[keep], x.indices[keep])), shape=x.shape)


def _matrix(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> sp.csr_matrix:
    """Rows are papers (L2-normalised), columns are word and topic features."""
    vectorizer = TfidfVectorizer(analyzer=_tokens, sublinear_tf=True, dtype=np.float32)
    try:
        x = _keep_top_terms(vectorizer.fit_transform(papers), TERMS_PER_PAPER)
    except ValueError:  # no word survived (only stop words)
        x = sp.csr_matrix((len(papers), 0), dtype=np.float32)
    tags = [list(topics.get(p.slug, ())) for p in papers]
    if any(tags):
        topic_vec = TfidfVectorizer(analyzer=lambda names: names, dtype=np.float32)
        t = normalize(topic_vec.fit_transform(tags)) * TOPIC_WEIGHT
        x = sp.hstack([normalize(x), t], format="csr")
    return normalize(x).astype(np.float32)


def _top_in_block(scores: np.ndarray, first_row: int, k: int) -> list[list[int]]:
    """For each row of a block of scores, the columns of the ``k`` best positive scores, best
    first, ties by column (slug order); the paper itself (column ``first_row + row``) excluded."""
    n_rows, n_cols = scores.shape
    rows = np.arange(n_rows)
    scores[rows, rows + first_row] = 0.0
    if n_cols > k:
        kth = np.partition(scores, n_cols - k, axis=1)[:, n_cols - k]
    else:
        kth = np.zeros(n_rows, dtype=scores.dtype)
    cand_rows, cand_cols = np.nonzero((scores >= kth[:, None]) & (scores > 0))
    order = np.lexsort((cand_cols, -scores[cand_rows, cand_cols], cand_rows))
    out: list[list[int]] = [[] for _ in range(n_rows)]
    for i in order:
        chosen = out[cand_rows[i]]
        if len(chosen) < k:
            chosen.append(int(cand_cols[i]))
    return out


def related_papers(
    papers: Sequence[Paper], topics: Mapping[str, Sequence[str]], k: int = RELATED_COUNT
) -> dict[str, tuple[str, ...]]:
    """slug -> the slugs of the ``k`` most similar other papers, most similar first.

    Papers with nothing in common (score 0) are never listed, so a list may be shorter.
    """
    ordered = sorted(papers, key=lambda p: p.slug)
    if len(ordered) < 2:
        return {p.slug: () for p in ordered}
    x = _matrix(ordered, topics)
    xt = x.T.tocsc()
    out: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(ordered), BLOCK_ROWS):
        block = (x[start : start + BLOCK_ROWS] @ xt).toarray()
        block = np.round(block, SCORE_DECIMALS)
        for row, columns in enumerate(_top_in_block(block, start, k)):
            out[ordered[start + row].slug] = tuple(ordered[j].slug for j in columns)
    return out


# --------------------------------------------------------------------------- benchmark
