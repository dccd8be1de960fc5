"""The files My shelf reads: paper records, top-term postings and authors, in small shards.

A reader's shelf lives in their browser (``overrides/assets/shelf.js``); the site only publishes
what the browser needs to save a paper, to rank "For you" and to list an author's papers. None
of it grows per request with the collection: each file is a shard found by a hash, so a reader
fetches the few shards their papers, terms or author fall in, at 100 or 75,000 papers alike.

Layout, inside ``SHELF_DIR`` (gzip-compressed JSON, like the search index; ``meta.json`` plain):

- ``meta.json``: the format, a version that changes with the content (shards are fetched as
  ``<name>?v=<version>``, so a new build is never mixed with cached shards of an old one), and
  the number of shards of each kind, and ``slots``.
- ``r<k>.bin``: the records of the papers whose slug hashes (FNV-1a, as ``search.typos.bucket``)
  to ``k``, sorted by slug: what a list shows of a paper (title, dates, first authors, links). A
  paper's number in this build is ``k * slots + its place in the shard``: the postings and the
  authors name papers by it, and the browser finds a record from its number without any table.
  Kept small because "For you" fetches a shard for each paper it shows; what the shelf keeps
  besides (every author, the BibTeX entry exactly as ``papers.bib`` has it) is read from the
  paper's own page when it is saved.
- ``k<g>.bin``: ``{slug: [[term, weight], ...]}``, the top terms of the papers of record shards
  ``g * term_groups`` to ``(g + 1) * term_groups - 1``: read once, when a paper is saved.
- ``t<k>.bin``: ``{term: [number, weight, ...]}`` for the terms that hash to ``k``: the papers that
  have the term among their top terms (``shelf.terms``; a term in one paper's top only is left
  out, of the records too), at most ``POSTINGS_PER_TERM`` of them, the strongest first (a term
  common to thousands of papers ranks by its best holders).
- ``a<k>.bin``: ``{author name: [number, ...]}`` for the names that hash to ``k``, newest paper
  first. One file per author would be 100,000 files at 50,000 papers; these are a few hundred.

The numbers of shards are set by the collection's size so that a shard stays small (a few KB
compressed): ``PAPERS_PER_RECORD_SHARD`` papers, ``POSTINGS_PER_TERM_SHARD`` postings,
``NAMES_PER_AUTHOR_SHARD`` author entries.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from generator.core.gz import compact_json, versioned_folder
from generator.core.links import paper_link, pdf_link
from generator.core.model import Paper
from generator.search.typos import bucket
from generator.shelf.terms import top_terms

SHELF_DIR = "assets/shelf"
FORMAT = 1  # shelf.js reads only the format it knows
PAPERS_PER_RECORD_SHARD = 40  # about 5.5 KB compressed: "For you" fetches one per paper it shows
RECORD_AUTHORS = 3  # names a record lists (the paper's page lists them all)
RECORD_SHARDS_PER_TERMS_SHARD = 10  # the top terms are read only when a paper is saved (about 45 KB)
POSTINGS_PER_TERM = 200
POSTINGS_PER_TERM_SHARD = 700  # about 6 KB compressed: "For you" fetches one per term it looks up
NAMES_PER_AUTHOR_SHARD = 1600  # about 35 KB compressed: an author's page reads one


_json = compact_json


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


def shelf_files(papers: Sequence[Paper]) -> dict[str, bytes]:
    """Every file of ``SHELF_DIR`` for ``papers`` (site order). Pure and deterministic."""
    terms = top_terms(papers)
    held_by: dict[str, int] = defaultdict(int)
    for held_terms in terms:
        for term, _ in held_terms:
            held_by[term] += 1
    # A term in one paper's top only leads nowhere: a query for it would fetch a shard for nothing.
    terms = [tuple((t, w) for t, w in held_terms if held_by[t] > 1) for held_terms in terms]
    n_records = _shards(len(papers), PAPERS_PER_RECORD_SHARD)
    shards: dict[int, list[int]] = defaultdict(list)  # shard -> indexes into papers
    for i, paper in enumerate(papers):
        shards[bucket(paper.slug, n_records)].append(i)
    slots = max((len(held) for held in shards.values()), default=1)
    number = [0] * len(papers)
    named: list[tuple[str, bytes]] = []
    for k in range(n_records):
        held = sorted(shards.get(k, ()), key=lambda i: papers[i].slug)
        for place, i in enumerate(held):
            number[i] = k * slots + place
        named.append((f"r{k}.bin", _json([record(papers[i]) for i in held])))
    n_groups = _shards(n_records, RECORD_SHARDS_PER_TERMS_SHARD)
    for g in range(n_groups):
        held = sorted(
            (
                i
                for k in range(g * RECORD_SHARDS_PER_TERMS_SHARD, (g + 1) * RECORD_SHARDS_PER_TERMS_SHARD)
                for i in shards.get(k, ())
            ),
            key=lambda i: papers[i].slug,
        )
        named.append((f"k{g}.bin", _json({papers[i].slug: [[t, w] for t, w in terms[i]] for i in held})))

    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, held_terms in enumerate(terms):
        for term, weight in held_terms:
            postings[term].append((weight, number[i]))
    lists = {term: sorted(found, key=lambda p: (-p[0], p[1]))[:POSTINGS_PER_TERM] for term, found in postings.items()}
    total = sum(len(v) for v in lists.values())
    n_terms = _shards(total, POSTINGS_PER_TERM_SHARD)
    by_term: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for term in sorted(lists):
        by_term[bucket(term, n_terms)][term] = [x for weight, num in lists[term] for x in (num, weight)]
    named += [(f"t{k}.bin", _json(by_term.get(k, {}))) for k in range(n_terms)]

    authors: dict[str, list[int]] = defaultdict(list)
    for i, paper in enumerate(papers):
        for name in dict.fromkeys(paper.authors):
            authors[name].append(number[i])
    n_authors = _shards(len(authors), NAMES_PER_AUTHOR_SHARD)
    by_author: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for name in sorted(authors):
        by_author[bucket(name, n_authors)][name] = authors[name]
    named += [(f"a{k}.bin", _json(by_author.get(k, {}))) for k in range(n_authors)]

    meta = {
        "format": FORMAT,
        "papers": len(papers),
        "records": n_records,
        "slots": slots,
        "term_groups": RECORD_SHARDS_PER_TERMS_SHARD,
        "terms": n_terms,
        "authors": n_authors,
    }
    return versioned_folder(SHELF_DIR, named, meta)
