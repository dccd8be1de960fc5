"""Related papers: how long they take at each collection size, and how good they are on real papers.

Run: ``make bench-related``, or
``python -m benchmarks related 1000 10000`` (synthetic papers made from the seed papers: time only), or
``python -m benchmarks related --corpus FILE 10000 50000`` (papers from an arXiv JSON Lines file),
``python -m benchmarks related --corpus FILE --skip 10000 10000`` (the next 10,000 papers of the file).

With ``--corpus``, each size also prints the quality figure: the share of the related papers
(``RELATED_COUNT`` a paper) whose primary arXiv category is the paper's own, for the lists the
site ships and for two stock scikit-learn baselines on the same texts: plain TF-IDF (default
``TfidfVectorizer``, cosine) and its LSA (``TruncatedSVD`` to ``BASELINE_LSA_DIMS`` dimensions,
normalised, cosine). Categories are never an input of the lists, so the figure measures the text
alone. A size larger than the corpus repeats its records with new titles and ids
(``corpus.load_corpus``; say so when you quote the figure).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from benchmarks.constants import ROOT
from benchmarks.corpus import load_corpus, seed_papers, synthesize
from generator.core import caches
from generator.core.model import Paper
from generator.core.site_config import load_site_config
from generator.taxonomy.related import RELATED_COUNT, related_papers
from generator.taxonomy.topics import assign_topics

# --------------------------------------------------------------------------- the quality figure


def category_share(papers: Sequence[Paper], related: dict[str, tuple[str, ...]]) -> float:
    """The share of listed related papers whose primary category is the paper's own."""
    category = {p.slug: p.category for p in papers}
    pairs = [(category[slug], category[other]) for slug, others in related.items() for other in others]
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else 0.0


BASELINE_LSA_DIMS = 256  # the stock LSA baseline's dimensions


def _plain_matrix(papers: Sequence[Paper]) -> sp.csr_matrix:
    """scikit-learn's default TF-IDF of title and abstract (rows L2-normalised)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(dtype=np.float32).fit_transform([f"{p.title}\n{p.abstract}" for p in papers]).tocsr()


def _nearest(
    papers: Sequence[Paper], m: sp.csr_matrix | np.ndarray, k: int, block: int = 1024
) -> dict[str, tuple[str, ...]]:
    """slug -> the ``k`` papers whose rows of ``m`` have the largest dot product with its own."""
    mt = m.T.tocsr() if isinstance(m, sp.csr_matrix) else np.ascontiguousarray(m.T)
    out: dict[str, tuple[str, ...]] = {}
    for start in range(0, m.shape[0], block):
        product = m[start : start + block] @ mt
        sims = product.toarray() if sp.issparse(product) else product
        rows = np.arange(sims.shape[0])
        sims[rows, rows + start] = -np.inf
        best = np.argsort(-sims, axis=1, kind="stable")[:, : min(k, m.shape[0] - 1)]  # never the paper itself
        for row, columns in zip(rows, best, strict=True):
            out[papers[start + row].slug] = tuple(papers[j].slug for j in columns)
    return out


def plain_tfidf(papers: Sequence[Paper], k: int = RELATED_COUNT) -> dict[str, tuple[str, ...]]:
    """The first baseline: scikit-learn's default TF-IDF of title and abstract, cosine, the ``k`` best."""
    return _nearest(papers, _plain_matrix(papers), k)


def stock_lsa(papers: Sequence[Paper], k: int = RELATED_COUNT) -> dict[str, tuple[str, ...]]:
    """The second baseline: that TF-IDF reduced by ``TruncatedSVD`` to ``BASELINE_LSA_DIMS``
    dimensions (fewer for a tiny collection), rows normalised, cosine, the ``k`` best."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    x = _plain_matrix(papers)
    dims = min(BASELINE_LSA_DIMS, min(x.shape) - 1)
    if dims < 1:
        return plain_tfidf(papers, k)
    with np.errstate(invalid="ignore", divide="ignore"):  # its explained variance, of no use here, is 0/0 on twins
        z = TruncatedSVD(dims, random_state=0).fit_transform(x)
    return _nearest(papers, normalize(z).astype(np.float32), k)


# --------------------------------------------------------------------------- the command


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(sizes: Sequence[int], corpus: Path | None = None, baseline: bool = True, skip: int = 0) -> int:
    """Print one row per size: topics, related papers, the CPU time of both and the peak memory;
    with a corpus (its papers after the first ``skip``), the category share of the shipped lists
    and of the two baselines."""
    taxonomy = load_site_config(ROOT / "site_config.yml").taxonomy
    seeds = [] if corpus else seed_papers()
    if not corpus and not seeds:
        print("no seed papers under content/papers")
        return 2
    header = f"{'papers':>8} {'topics s':>9} {'related s':>10} {'total cpu s':>12} {'peak MB':>8}"
    print(
        header + (f" {'category share':>15} {'tf-idf share':>13} {'lsa-256 share':>14}" if corpus else ""), flush=True
    )
    for size in sizes:
        papers = load_corpus(corpus, skip + size)[skip:] if corpus else synthesize(seeds, size)
        caches.release()  # measure the split into words too, as a fresh build does
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
            if baseline:
                row += f" {category_share(papers, plain_tfidf(papers)):>13.3f}"
                row += f" {category_share(papers, stock_lsa(papers)):>14.3f}"
            else:
                row += f" {'-':>13} {'-':>14}"
        print(row, flush=True)
    return 0
