"""The files My shelf reads: paper records, with each paper's top terms and nearest papers, and
authors, in small shards.

A reader's shelf lives in their browser (``overrides/assets/shelf.js``); the site only publishes
what the browser needs to save a paper, to rank "For you" and to list an author's papers. None
of it grows per request with the collection: each file is a shard found by a hash, so a reader
fetches the few shards their papers or author fall in, at 100 or 75,000 papers alike.

Layout, inside ``SHELF_DIR`` (gzip-compressed JSON, like the search index; ``meta.json`` plain):

- ``meta.json``: the format, a version that changes with the content (shards are fetched as
  ``<name>?v=<version>``, so a new build is never mixed with cached shards of an old one), the
  number of shards of each kind, and ``slots``.
- ``r<k>.bin``: the records of the papers whose slug hashes (FNV-1a, as ``search.typos.bucket``)
  to ``k``, sorted by slug: what a list shows of a paper (title, dates, first authors, links),
  its top terms (``shelf.terms``) and its nearest papers. A paper's number in this build is
  ``k * slots + its place in the shard``: the nearest papers and the authors name papers by it,
  and the browser finds a record from its number without any table. What the shelf keeps
  besides (every author, the BibTeX entry exactly as ``papers.bib`` has it) is read from the
  paper's own page when it is saved.
- ``a<k>.bin``: ``{author name: [number, ...]}`` for the names that hash to ``k``, newest paper
  first. One file per author would be 100,000 files at 50,000 papers; these are a few dozen.

"For you" ranks by the nearest papers of the saved ones (``neighbours``): a saved paper keeps
its record's list, so the page fetches only the records of the papers it shows, one shard each,
and no index of terms. Before, it fetched the postings of the saved papers' 24 strongest terms
(a shard per term) and then the records: twice as many files, in two rounds, and a ranking that
matched less (``python -m benchmarks foryou --quality``, in ``neighbours``).

The numbers of shards are set by the collection's size so that a shard stays small (a few KB
compressed): ``PAPERS_PER_RECORD_SHARD`` papers, ``NAMES_PER_AUTHOR_SHARD`` author entries.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sparse

from generator.core.gz import compact_json, versioned_folder
from generator.core.links import paper_link, pdf_link
from generator.core.model import Paper
from generator.search.typos import bucket
from generator.shelf.terms import top_terms

SHELF_DIR = "assets/shelf"
FORMAT = 2  # shelf.js reads only the format it knows (1: the postings of terms, before ``neighbours``)
PAPERS_PER_RECORD_SHARD = 24  # about 8 KB compressed: "For you" fetches one per paper it shows
RECORD_AUTHORS = 3  # names a record lists (the paper's page lists them all)
NEIGHBOURS = 20  # nearest papers a record lists: "For you" shows 20, so one saved paper fills it
POSTINGS_PER_TERM = 200  # a term links a paper to its strongest holders only (a term common to
# thousands of papers says little of any two of them, and would make the similarity matrix dense)
NAMES_PER_AUTHOR_SHARD = 1600  # about 35 KB compressed: an author's page reads one


Terms = Sequence[tuple[str, int]]


def _shards(count: int, per_shard: int) -> int:
    return max(1, math.ceil(count / per_shard))


def record(paper: Paper) -> dict[str, Any]:
    """What a list of papers shows of one: title, dates, the first authors, links. Its BibTeX
    entry and every author are read from its page when it is saved (the page shows them)."""
    return {
        "slug": paper.slug,
        "title": paper.title,
        "date": paper.date.isoformat(),
        "published": paper.published.isoformat() if paper.published else "",
        "authors": list(paper.authors[:RECORD_AUTHORS]),
        "more_authors": max(0, len(paper.authors) - RECORD_AUTHORS),
        "arxiv": paper.arxiv or "",
        "doi": paper.doi or "",
        "code": paper.code or "",
        "link": paper_link(paper) or "",
        "pdf": pdf_link(paper) or "",
    }


def _ranked_per_row(rows: Any, cols: Any, values: Any, keep: int) -> Any:
    """The positions of the ``keep`` largest values of each row (ties by column), row by row."""
    order = np.lexsort((cols, -values, rows))
    sorted_rows = rows[order]
    first = np.searchsorted(sorted_rows, sorted_rows, side="left")
    return order[np.arange(len(order)) - first < keep]


def neighbours(terms: Sequence[Terms], k: int = NEIGHBOURS) -> list[list[tuple[int, int, int]]]:
    """Each paper's ``k`` nearest papers by the top terms they share: ``(index, score, shared)``,
    strongest first (ties by index). The score is the sum, over the terms both hold, of the two
    weights, a term counting only for its ``POSTINGS_PER_TERM`` strongest holders; ``shared`` is
    a bit mask of the paper's own terms the other holds (bit i: its i-th term), for the reason
    "For you" gives. Summed over a reader's saved papers in the browser, this ranks better than
    looking up the postings of their strongest terms (``benchmarks.foryou.quality``) and needs
    no file of postings. Sparse products: about a second at 50,000 papers."""
    n = len(terms)
    vocabulary: dict[str, int] = {}
    rows, cols, weights = [], [], []
    for i, held in enumerate(terms):
        for term, weight in held:
            rows.append(i)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
            weights.append(weight)
    if not weights:
        return [[] for _ in range(n)]
    r, c, w = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(weights, dtype=np.int64)
    size = len(vocabulary)
    held_by = sparse.csr_matrix((w, (r, c)), shape=(n, size))
    strongest = _ranked_per_row(c, r, w, POSTINGS_PER_TERM)  # per term: its strongest holders
    postings = sparse.csr_matrix((w[strongest], (r[strongest], c[strongest])), shape=(n, size))
    similar = (held_by @ postings.T).tocoo()
    other = similar.row != similar.col
    si, sj, sv = similar.row[other].astype(np.int64), similar.col[other].astype(np.int64), similar.data[other]
    kept = _ranked_per_row(si, sj, sv, k)
    si, sj, sv = si[kept], sj[kept], sv[kept]
    # Which of a paper's own terms the other holds: a key per (paper, term) held.
    keys = np.sort(r * size + c)
    slots = max(len(held) for held in terms)
    own = np.full((n, slots), -1, dtype=np.int64)
    for i, held in enumerate(terms):
        own[i, : len(held)] = [vocabulary[term] for term, _ in held]
    shared = np.zeros(len(si), dtype=np.int64)
    for slot in range(slots):
        term = own[si, slot]
        wanted = sj * size + term
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        shared |= ((term >= 0) & (keys[at] == wanted)).astype(np.int64) << slot
    out: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    for i, j, score, mask in zip(si.tolist(), sj.tolist(), sv.tolist(), shared.tolist(), strict=True):
        out[i].append((j, score, mask))
    return out


def shelf_files(papers: Sequence[Paper]) -> dict[str, bytes]:
    """Every file of ``SHELF_DIR`` for ``papers`` (site order). Pure and deterministic."""
    terms = top_terms(papers)
    held_by: dict[str, int] = defaultdict(int)
    for held_terms in terms:
        for term, _ in held_terms:
            held_by[term] += 1
    # A term in one paper's top only leads nowhere: it would name no paper in common.
    terms = [tuple((t, w) for t, w in held_terms if held_by[t] > 1) for held_terms in terms]
    near = neighbours(terms)
    n_records = _shards(len(papers), PAPERS_PER_RECORD_SHARD)
    shards: dict[int, list[int]] = defaultdict(list)  # shard -> indexes into papers
    for i, paper in enumerate(papers):
        shards[bucket(paper.slug, n_records)].append(i)
    slots = max((len(held) for held in shards.values()), default=1)
    number = [0] * len(papers)
    held_in = [sorted(shards.get(k, ()), key=lambda i: papers[i].slug) for k in range(n_records)]
    for k, held in enumerate(held_in):
        for place, i in enumerate(held):
            number[i] = k * slots + place

    def full(i: int) -> dict[str, Any]:
        nearest = [x for j, score, mask in near[i] for x in (number[j], score, mask)]
        return {**record(papers[i]), "terms": [[t, w] for t, w in terms[i]], "near": nearest}

    named = [(f"r{k}.bin", compact_json([full(i) for i in held])) for k, held in enumerate(held_in)]

    authors: dict[str, list[int]] = defaultdict(list)
    for i, paper in enumerate(papers):
        for name in dict.fromkeys(paper.authors):
            authors[name].append(number[i])
    n_authors = _shards(len(authors), NAMES_PER_AUTHOR_SHARD)
    by_author: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for name in sorted(authors):
        by_author[bucket(name, n_authors)][name] = authors[name]
    named += [(f"a{k}.bin", compact_json(by_author.get(k, {}))) for k in range(n_authors)]

    meta = {"format": FORMAT, "papers": len(papers), "records": n_records, "slots": slots, "authors": n_authors}
    return versioned_folder(SHELF_DIR, named, meta)
