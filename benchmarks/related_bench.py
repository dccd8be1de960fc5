"""How long topics plus related papers take at each collection size.

Run: ``make bench-related`` (1,000, 10,000 and 50,000 papers) or ``python -m benchmarks related 1000 10000``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from benchmarks.constants import ROOT
from benchmarks.corpus import seed_papers, synthesize
from generator.core.site_config import load_site_config
from generator.taxonomy.related import related_papers
from generator.taxonomy.topics import assign_topics, words


def bench(sizes: Sequence[int]) -> int:
    """Print one row per size: topics, related papers and the CPU time of both."""
    seeds = seed_papers()
    taxonomy = load_site_config(ROOT / "site_config.yml").taxonomy
    if not seeds:
        print("no seed papers under content/papers")
        return 2
    print(f"{'papers':>8} {'topics s':>9} {'related s':>10} {'total cpu s':>12}")
    for size in sizes:
        papers = synthesize(seeds, size)
        words.cache_clear()  # measure the split into words too, as a fresh build does
        c0, t0 = time.process_time(), time.perf_counter()
        topics = assign_topics(papers, taxonomy)
        t1 = time.perf_counter()
        related = related_papers(papers, topics)
        c2, t2 = time.process_time(), time.perf_counter()
        if len(related) != size:
            raise RuntimeError(f"related papers for {len(related)} of {size} papers")
        print(f"{size:>8} {t1 - t0:>9.2f} {t2 - t1:>10.2f} {c2 - c0:>12.2f}")
    return 0
