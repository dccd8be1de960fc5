"""Related papers: how long they take at each collection size, and how good they are on real papers.

Run: ``make bench-related``, or
``python -m benchmarks related 1000 10000`` (synthetic papers made from the seed papers: time only), or
``python -m benchmarks related --corpus FILE 10000 50000`` (papers from an arXiv JSON Lines file).

With ``--corpus``, each size also prints the quality figure: the share of the related papers
(``RELATED_COUNT`` a paper) whose primary arXiv category is the paper's own, for the lists the
site ships and for a plain scikit-learn TF-IDF baseline (default ``TfidfVectorizer``, cosine) on
the same texts. Categories are never an input of the lists, so the figure measures the text alone.
A size larger than the corpus repeats its records with new titles and ids (``corpus.load_corpus``;
say so when you quote the figure).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.constants import ROOT
from benchmarks.corpus import load_corpus, seed_papers, synthesize
from generator.core.model import Paper
from generator.core.site_config import load_site_config
from generator.core.words import words
from generator.taxonomy.related import RELATED_COUNT, related_papers
from generator.taxonomy.topics import assign_topics

# --------------------------------------------------------------------------- the quality figure


def category_share(papers: Sequence[Paper], related: dict[str, tuple[str, ...]]) -> float:
    """The share of listed related papers whose primary category is the paper's own."""
    category = {p.slug: p.category for p in papers}
    pairs = [(category[slug], category[other]) for slug, others in related.items() for other in others]
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else 0.0


def plain_tfidf(papers: Sequence[Paper], k: int = RELATED_COUNT, block: int = 1024) -> dict[str, tuple[str, ...]]:
    """The baseline: scikit-learn's default TF-IDF of title and abstract, cosine, the ``k`` best."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(dtype=np.float32).fit_transform([f"{p.title}\n{p.abstract}" for p in papers])
    xt = x.T.tocsr()
    out: dict[str, tuple[str, ...]] = {}
    for start in range(0, x.shape[0], block):
        sims = (x[start : start + block] @ xt).toarray()
        rows = np.arange(sims.shape[0])
        sims[rows, rows + start] = -1.0
        best = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        for row, columns in zip(rows, best, strict=True):
            out[papers[start + row].slug] = tuple(papers[j].slug for j in columns)
    return out


# --------------------------------------------------------------------------- the command


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(sizes: Sequence[int], corpus: Path | None = None, baseline: bool = True) -> int:
    """Print one row per size: topics, related papers, the CPU time of both and the peak memory;
    with a corpus, the category share of the shipped lists and of plain TF-IDF."""
    taxonomy = load_site_config(ROOT / "site_config.yml").taxonomy
    seeds = [] if corpus else seed_papers()
    if not corpus and not seeds:
        print("no seed papers under content/papers")
        return 2
    header = f"{'papers':>8} {'topics s':>9} {'related s':>10} {'total cpu s':>12} {'peak MB':>8}"
    print(header + (f" {'category share':>15} {'tf-idf share':>13}" if corpus else ""), flush=True)
    for size in sizes:
        papers = load_corpus(corpus, size) if corpus else synthesize(seeds, size)
        words.cache_clear()  # measure the split into words too, as a fresh build does
        c0, t0 = time.process_time(), time.perf_counter()
        topics = assign_topics(papers, taxonomy)
        t1 = time.perf_counter()
        related = related_papers(papers, topics)
        c2, t2 = time.process_time(), time.perf_counter()
        if len(related) != size:
            raise RuntimeError(f"related papers for {len(related)} of {size} papers")
        row = f"{size:>8} {t1 - t0:>9.2f} {t2 - t1:>10.2f} {c2 - c0:>12.2f} {_peak_mb():>8.0f}"
        if corpus:
            row += f" {category_share(papers, related):>15.3f}"
            row += f" {category_share(papers, plain_tfidf(papers)):>13.3f}" if baseline else f" {'-':>13}"
        print(row, flush=True)
    return 0
