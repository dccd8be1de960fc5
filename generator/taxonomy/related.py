"""Related papers: the most similar papers by tf-idf over title, abstract and topics.

Why scikit-learn: its ``TfidfVectorizer`` is a well-kept, documented implementation of exactly
this weighting (tokenising, stop words, sublinear term frequency, L2 normalisation) that
produces a SciPy sparse matrix, so the similarity of every pair is defined by one sparse matrix
product done in compiled code (and computed by parts of it, below). Writing the same by hand in
Python would be slower by orders of magnitude at 10,000 papers and would be more code to get
right.

Determinism: the vocabulary is sorted, the papers are ordered by slug before vectorising, the
scores are rounded (so that sums computed in another order cannot split a tie) and ties are
broken by slug. The same collection therefore gives the same lists on every machine. The lists
are exactly those of the whole product: every score that can rank is computed by the same
float32 operations in the same order as the product computes it.

Cost: the whole product is quadratic in the collection, and dense: a paper shares a topic with a
large part of it (a fifth, with this site's taxonomy and seed papers), and every such pair is a
score to round and rank. Here it is never formed (see "exact top k"): pairs that share a word
come from the product of the words alone, the others are scored by their topic groups, and
bounds set most pairs aside before their scores are finished. CPU seconds for the lists of
synthetic collections (``make bench-related`` makes them from the seed papers), one run each on
this project's shared 2-core machine, forming the whole product (a dense block of rows at a
time) in brackets: 1.3 at 10,000 papers (2.5), 16 at 50,000 (46), 44 at 100,000 (180). Of the
44, vectorising takes 7 and the product of the words about 22: the synthetic papers come from
fewer than a hundred seeds, so each shares a word with a quarter of the others and that product
is still quadratic. (A real collection's vocabulary grows with it, so its papers may share fewer
words; not measured.) Memory stays bounded: the rows go a block at a time, each block's product
of the words holding at most about ``BLOCK_PAIRS`` pairs; at 100,000 papers the vectorising, not
the scoring, sets the peak.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import filterfalse

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from generator.core.model import Paper
from generator.core.words import words

RELATED_COUNT = 5
# Rows scored together: at most this many, and about BLOCK_PAIRS products in their sparse
# product of the words (its size, and so the block's memory, is at most that).
BLOCK_ROWS = 512
BLOCK_PAIRS = 1 << 24
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


def _matrix(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> tuple[sp.csr_matrix, int]:
    """Rows are papers (L2-normalised), columns are word features, then topic features; with the
    number of word columns. Each row holds its word entries first, then its topic entries."""
    vectorizer = TfidfVectorizer(analyzer=_tokens, sublinear_tf=True, dtype=np.float32)
    try:
        x = _keep_top_terms(vectorizer.fit_transform(papers), TERMS_PER_PAPER)
    except ValueError:  # no word survived (only stop words)
        x = sp.csr_matrix((len(papers), 0), dtype=np.float32)
    n_words = x.shape[1]
    tags = [list(topics.get(p.slug, ())) for p in papers]
    if any(tags):
        topic_vec = TfidfVectorizer(analyzer=lambda names: names, dtype=np.float32)
        t = normalize(topic_vec.fit_transform(tags)) * TOPIC_WEIGHT
        x = sp.hstack([normalize(x) if n_words else x, t], format="csr")
    if not x.shape[1]:  # no word and no topic anywhere (scikit-learn normalises no empty matrix)
        return x.astype(np.float32), n_words
    return normalize(x).astype(np.float32), n_words


# --------------------------------------------------------------------------- exact top k
#
# A pair's score is what the sparse product of the matrix with its transpose gives: a float32
# sum, in the order of the first paper's entries (its words, then its topics), of the products
# of the two papers' shared entries, rounded to SCORE_DECIMALS. The lists below are those of
# that product taken whole; only the work differs, as follows.
#
# Topics are few, so a paper shares one with a large part of the collection, and the whole
# product has a score for every such pair, to be rounded and ranked. But a paper's topic
# entries depend only on its topics and on whether it has words (the row's normalisation), so
# papers fall into groups with identical topic entries, and the topic part of a pair's score is
# a function of the two groups. So:
# - pairs that share a word come from the product of the words alone, and their scores are
#   finished by adding the topic products one by one, as the whole product would;
# - a pair that shares no word scores the topic part alone, its groups' score, so the best such
#   papers are the first (lowest column, that is slug) members of the best-scoring groups;
# - most pairs that share a word cannot be among a row's best: bounds on the score (at least
#   the word sum, at most the word sum plus the row's best group score) and a lower bound on
#   the row's k-th best score discard them before their scores are finished. The bounds keep a
#   margin (``slack``) of a rounding step and float32 rounding: they never discard a pair that
#   could rank, or tie with one once rounded.
# The lists are the same as the whole product's, ties included, because every score that can
# rank is computed by the same float32 operations in the same order, then rounded the same way.

_SEGMENTS = 256  # pieces of a row whose maxima bound its k-th best score from below
_DENSE_LOOKUP = 1 << 22  # a lookup table up to this many cells is kept dense


def _kth_lower_bound(values: np.ndarray, indptr: np.ndarray, k: int) -> np.ndarray:
    """For each row ``values[indptr[r]:indptr[r + 1]]``, a number at most its ``k``-th largest
    value, or -inf for a row of fewer than ``k`` values.

    It is the ``k``-th largest of the maxima of ``_SEGMENTS`` consecutive pieces of the row: ``k``
    distinct values of the row are at least as large. One pass over the values, where the exact
    ``k``-th largest of every row would sort them all. (The pieces are many because the papers
    closest to a row tend to lie together in its row of the product, met through the same words:
    with few pieces they would fill one or two.)"""
    n = len(indptr) - 1
    segments = max(_SEGMENTS, k)
    lengths = np.diff(indptr).astype(np.int64)
    starts = (indptr[:-1, None].astype(np.int64) + lengths[:, None] * np.arange(segments) // segments).ravel()
    ends = np.append(starts[1:], values.size)
    maxima = np.full(starts.size, -np.inf)
    filled = starts < ends
    if filled.any():  # a filled piece ends where the next filled one starts
        maxima[filled] = np.maximum.reduceat(values, starts[filled])
    return np.partition(maxima.reshape(n, segments), segments - k, axis=1)[:, segments - k]


class _Lookup:
    """The values of a sparse matrix at (row, column) pairs, 0 where it has none: a dense table
    when that is small, else a binary search in its sorted (row, column) keys."""

    def __init__(self, m: sp.csr_matrix) -> None:
        self._cols = m.shape[1]
        self._table: np.ndarray | None = None
        if m.shape[0] * m.shape[1] <= _DENSE_LOOKUP:
            self._table = m.toarray()
            return
        m = m.tocsr(copy=True)
        m.sum_duplicates()
        rows = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
        self._keys = rows * self._cols + m.indices
        self._values = m.data

    def __call__(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if self._table is not None:
            return self._table[rows, cols]
        keys = rows.astype(np.int64) * self._cols + cols
        if not self._keys.size:
            return np.zeros(keys.size, dtype=np.float32)
        at = np.minimum(np.searchsorted(self._keys, keys), self._keys.size - 1)
        return np.where(self._keys[at] == keys, self._values[at], np.float32(0))


@dataclass(frozen=True)
class _Topics:
    """Papers grouped by identical topic entries (same columns in the same order, same values)."""

    cols: np.ndarray  # (papers, m): each row's topic columns in the matrix's order, -1 after them
    vals: np.ndarray  # (papers, m): their values, 0 after them
    group: np.ndarray  # each paper's group
    members: np.ndarray  # papers ordered by group, then by column (slug)
    starts: np.ndarray  # group g's members are members[starts[g]:starts[g + 1]]
    matrix: sp.csr_matrix  # one row per group: its topic entries, in the matrix's order
    value: _Lookup  # (group, topic column) -> value

    @classmethod
    def of(cls, x: sp.csr_matrix, n_words: int) -> tuple[_Topics, sp.csr_matrix]:
        """The topics' groups, and the word part of ``x``. Both parts keep each row's order (its
        words come first, then its topics: ``_matrix``), the order in which the whole product
        adds their products."""
        n = x.shape[0]
        rows = np.repeat(np.arange(n), np.diff(x.indptr))
        is_word = x.indices < n_words
        word_ptr = np.concatenate([[0], np.cumsum(np.bincount(rows[is_word], minlength=n))])
        words = sp.csr_matrix((x.data[is_word], x.indices[is_word], word_ptr), shape=(n, n_words))
        t_rows = rows[~is_word]
        counts = np.bincount(t_rows, minlength=n)
        width = int(counts.max()) if n else 0
        position = np.arange(t_rows.size) - (np.cumsum(counts) - counts)[t_rows]
        cols = np.full((n, width), -1, dtype=np.int32)
        vals = np.zeros((n, width), dtype=np.float32)
        cols[t_rows, position] = x.indices[~is_word] - n_words
        vals[t_rows, position] = x.data[~is_word]
        key = np.concatenate([cols, vals.view(np.int32)], axis=1)
        _, first, group = np.unique(key, axis=0, return_index=True, return_inverse=True)
        group = group.ravel()
        present = cols[first] >= 0
        matrix = sp.csr_matrix(
            (vals[first][present], cols[first][present], np.concatenate([[0], np.cumsum(present.sum(axis=1))])),
            shape=(first.size, x.shape[1] - n_words),
        )
        starts = np.concatenate([[0], np.cumsum(np.bincount(group, minlength=first.size))])
        members = np.argsort(group, kind="stable")
        return cls(cols, vals, group, members, starts, matrix, _Lookup(matrix)), words

    def finish(self, scores: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Pairs' scores with the topic products added to ``scores`` (float32) one by one, in the
        order of the first paper's (``rows``) topic entries, as the whole product adds them.
        Past a row's last topic both factors are 0, and adding 0 changes no sum."""
        out = scores.astype(np.float32, copy=True)
        groups = self.group[cols]
        for position in range(self.cols.shape[1]):
            topic = np.maximum(self.cols[rows, position], 0)
            out += self.vals[rows, position] * self.value(groups, topic)
        return out


class _Scorer:
    """The exact top ``k`` of every row of the similarity matrix, a block of rows at a time."""

    def __init__(self, x: sp.csr_matrix, n_words: int, k: int) -> None:
        self.k = k
        self.topics, self.words = _Topics.of(x, n_words)
        self.words_t = self.words.T.tocsr()
        self.topics_t = self.topics.matrix.T.tocsr()
        # How far below a row's k-th best score a pair must be to be set aside: more than one
        # rounding step, so that the two cannot tie once rounded, plus what float32 rounding can
        # move a score or its estimate from a word sum and a group score (under 2**-24 of a
        # score of at most 1 per addition, at most one addition per topic and one more).
        eps = float(np.finfo(np.float32).eps)
        self.slack = 2.0 * 10.0**-SCORE_DECIMALS + 8.0 * (self.topics.cols.shape[1] + 2) * eps

    def blocks(self) -> list[tuple[int, int]]:
        """Consecutive rows, each block with at most ``BLOCK_ROWS`` rows and about ``BLOCK_PAIRS``
        products in its sparse product (a row's: the papers holding each of its words)."""
        n = self.words.shape[0]
        postings = np.diff(self.words_t.indptr)
        rows = np.repeat(np.arange(n), np.diff(self.words.indptr))
        work = np.cumsum(np.bincount(rows, weights=postings[self.words.indices], minlength=n))
        out, start = [], 0
        while start < n:
            before = work[start - 1] if start else 0.0
            stop = int(np.searchsorted(work, before + BLOCK_PAIRS, side="right"))
            stop = min(max(stop, start + 1), start + BLOCK_ROWS, n)
            out.append((start, stop))
            start = stop
        return out

    def top(self, start: int, stop: int) -> list[list[int]]:
        """For rows ``start`` to ``stop``, the columns of the ``k`` best positive scores, best
        first, ties by column; a row never lists itself."""
        k, topics = self.k, self.topics
        n_rows = stop - start
        block_groups, local_group = np.unique(topics.group[start:stop], return_inverse=True)
        group_scores = (topics.matrix[block_groups] @ self.topics_t).tocsr()
        group_score = _Lookup(group_scores)
        best_group = group_scores.max(axis=1).toarray().ravel()[local_group].astype(np.float64)

        z = self.words[start:stop] @ self.words_t
        # A word sum is at most its pair's score, and the row itself is one of the sums.
        floor = np.maximum(_kth_lower_bound(z.data, z.indptr, k + 1), 0.0)
        limit = (floor - best_group - self.slack).astype(np.float32)
        # Row by row: a threshold repeated over the block's pairs would cost more than the test.
        bounds = zip(z.indptr[:-1], z.indptr[1:], limit, strict=True)
        kept = [np.flatnonzero(z.data[lo:hi] >= cut) + lo for lo, hi, cut in bounds]
        rows = np.repeat(np.arange(n_rows), [part.size for part in kept])
        keep = np.concatenate(kept)
        cols, sums = z.indices[keep], z.data[keep]
        del z
        other = cols != rows + start
        rows, cols, sums = rows[other], cols[other], sums[other]

        estimate = sums + group_score(local_group[rows], topics.group[cols])
        ptr = np.searchsorted(rows, np.arange(n_rows + 1))
        floor = np.maximum(floor, _kth_lower_bound(estimate, ptr, k) - self.slack)
        near = estimate.astype(np.float64) + self.slack >= floor[rows]
        rows, cols, sums = rows[near], cols[near], sums[near]

        scores = np.round(topics.finish(sums, rows + start, cols), SCORE_DECIMALS)
        positive = scores > 0
        rows, cols, scores = rows[positive], cols[positive], scores[positive]
        order = np.lexsort((cols, -scores, rows))
        rows, cols, scores = rows[order], cols[order], scores[order]
        ptr = np.searchsorted(rows, np.arange(n_rows + 1))

        best_topic = np.round(best_group.astype(np.float32), SCORE_DECIMALS)
        out: list[list[int]] = []
        for row in range(n_rows):
            lo, hi = ptr[row], ptr[row + 1]
            if best_topic[row] > 0 and (hi - lo < k or scores[lo + k - 1] <= best_topic[row]):
                out.append(
                    self._with_topic_only(start + row, group_scores, local_group[row], cols[lo:hi], scores[lo:hi])
                )
            else:
                out.append(cols[lo : min(hi, lo + k)].tolist())
        return out

    def _with_topic_only(
        self, row: int, group_scores: sp.csr_matrix, local: int, cols: np.ndarray, scores: np.ndarray
    ) -> list[int]:
        """The row's top ``k`` when papers that share no word with it may rank: those scored
        (``cols``, exact ``scores``) and the best of the others, scored by their group alone.

        A paper scored by its group here although it shares a word is scored below its real
        score; the bounds put its real score below the k-th best, so it cannot rank either way."""
        k, topics = self.k, self.topics
        lo, hi = group_scores.indptr[local], group_scores.indptr[local + 1]
        groups = group_scores.indices[lo:hi]
        levels = np.round(group_scores.data[lo:hi], SCORE_DECIMALS)
        known = np.append(cols, row)
        found_cols, found_scores = [cols], [scores]
        found = 0
        for level in np.unique(levels[levels > 0])[::-1]:
            tied = []
            for g in groups[levels == level]:
                members = topics.members[topics.starts[g] : topics.starts[g + 1]][: k + known.size]
                tied.append(members[~np.isin(members, known)])
            chosen = np.sort(np.concatenate(tied))[: k - found]
            found_cols.append(chosen)
            found_scores.append(np.full(chosen.size, level, dtype=np.float32))
            found += chosen.size
            if found >= k:
                break
        all_cols, all_scores = np.concatenate(found_cols), np.concatenate(found_scores)
        return all_cols[np.lexsort((all_cols, -all_scores))][:k].tolist()


def related_papers(
    papers: Sequence[Paper], topics: Mapping[str, Sequence[str]], k: int = RELATED_COUNT
) -> dict[str, tuple[str, ...]]:
    """slug -> the slugs of the ``k`` most similar other papers, most similar first.

    Papers with nothing in common (score 0) are never listed, so a list may be shorter.
    """
    ordered = sorted(papers, key=lambda p: p.slug)
    if len(ordered) < 2:
        return {p.slug: () for p in ordered}
    scorer = _Scorer(*_matrix(ordered, topics), k=k)
    out: dict[str, tuple[str, ...]] = {}
    for start, stop in scorer.blocks():
        for row, columns in enumerate(scorer.top(start, stop), start):
            out[ordered[row].slug] = tuple(ordered[j].slug for j in columns)
    return out
