"""What trending and reading lists add to a build at N papers: time and staged bytes.

Staged-only: it times the stage step's own work for them (reading the lists and ``votes.json``,
the trending pages and feeds, the lists' pages, feeds and BibTeX files) beside all of the
generated files, on N papers (real-shaped synthetic ones, or ``--corpus``) with votes on every
``--votes-every``-th paper and ``--lists`` reading lists of ``--list-size`` papers (CPU seconds,
medians of ``--runs``), and
sizes what they stage, with the line naming the lists on each paper page. The engine then renders
the few pages they add (2 trending pages, the lists' index and one page per list) like any other.

Run: ``python -m benchmarks community --papers 50000``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchmarks.constants import ROOT
from benchmarks.corpus import collection
from generator.content.reading_lists import ListEntry, ReadingList, dump_list
from generator.content.votes import Vote, dump_votes
from generator.core.model import sort_key
from generator.core.site_config import load_site_config
from generator.outputs.citations import citation_keys
from generator.outputs.feeds import FeedInfo, atom_feed
from generator.plan import Site, generated_files, list_files
from generator.site.collections import collection_pages
from generator.site.render import lists_html
from generator.site.trending import trending_pages
from generator.stage import StageReport, read_community
from generator.taxonomy.topics import assign_topics

T = TypeVar("T")


def _timed(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    times = []
    for _ in range(runs):
        start = time.process_time()  # CPU time: the machine may be shared, and wall time with it
        result = work()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def _size(files: dict[str, str | bytes]) -> int:
    return sum(len(v.encode("utf-8") if isinstance(v, str) else v) for v in files.values())


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("community", help="time and size of trending and reading lists at N papers")
    parser.add_argument("--papers", type=int, default=50_000, metavar="N")
    parser.add_argument("--lists", type=int, default=50, metavar="L", help="reading lists (default 50)")
    parser.add_argument("--list-size", type=int, default=30, metavar="K", help="papers on each list (default 30)")
    parser.add_argument("--votes-every", type=int, default=3, metavar="M", help="votes on every M-th paper")
    parser.add_argument("--runs", type=int, default=3, metavar="R")
    parser.add_argument("--corpus", type=Path, metavar="FILE", help="papers as JSON Lines in arXiv's shape")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:

    settings = load_site_config(ROOT / "site_config.yml")
    site = Site("PaperShelf", "https://papershelf.example.org/", "A shelf.", settings)
    papers = collection(args.papers, args.corpus)
    papers.sort(key=sort_key)
    topics = assign_topics(papers, settings.taxonomy)
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp)
        (content / "collections").mkdir()
        votes = {p.slug: Vote(i % 97, None) for i, p in enumerate(papers) if i % args.votes_every == 0}
        (content / "votes.json").write_text(dump_votes(votes), encoding="utf-8")
        for n in range(args.lists):
            chosen = papers[n * 7 :: max(1, len(papers) // args.list_size)][: args.list_size]
            entries = tuple(
                ListEntry(paper=p.slug, note="Why this one matters." if i % 2 else None) for i, p in enumerate(chosen)
            )
            rl = ReadingList(title=f"Reading list {n}", description="A list.", curator="octocat", papers=entries)
            (content / "collections" / f"list-{n}.yml").write_text(dump_list(rl), encoding="utf-8")
        read_s, found = _timed(args.runs, lambda: read_community(content, papers, content, StageReport()))
    lists, votes_read, on_lists = found
    excerpt = settings.home.excerpt_chars
    # A build makes the home, archive and topic pages first, which fill the per-paper caches the
    # listings share; the figures below are what trending and the lists add on top of that.
    whole_s, whole = _timed(1, lambda: generated_files(papers, site, topics, lists, votes_read))
    trend_s, (trend_pages, by_window) = _timed(
        args.runs, lambda: trending_pages(papers, votes_read, settings.trending, excerpt)
    )
    trend_files = {src: whole[src] for src in trend_pages}
    trend_files.update({w.feed: whole[w.feed] for w in by_window})
    feeds_s, _ = _timed(
        args.runs,
        lambda: [
            atom_feed(chosen, FeedInfo("t", "", w.url, w.url), site.url, site.name, topics)
            for w, chosen in by_window.items()
        ],
    )
    keys = citation_keys(papers)
    list_s, list_pages = _timed(args.runs, lambda: collection_pages(lists, excerpt))
    files_s, extra = _timed(args.runs, lambda: list_files(lists, site, topics, keys))
    list_all = {src: whole[src] for src in list_pages} | extra
    line_bytes = sum(len(lists_html(names, f"papers/{slug}/")) + 1 for slug, names in on_lists.items())
    print(f"{args.papers} papers, {len(votes_read)} with votes, {len(lists)} lists of {args.list_size} papers")
    print("CPU seconds (median of the runs):")
    print(f"read lists and votes.json         {read_s:7.2f} s")
    print(f"all generated files (one run)     {whole_s:7.2f} s, of which:")
    print(f"  trending pages                  {trend_s:7.2f} s   {len(trend_pages)} pages")
    print(f"  trending feeds                  {feeds_s:7.2f} s")
    print(f"  reading list pages              {list_s:7.2f} s   {len(list_pages)} pages")
    print(f"  reading list feeds and BibTeX   {files_s:7.2f} s   {len(extra)} files")
    print(f"trending, staged                  {_size(trend_files) / 1024:7.0f} KB")
    print(f"reading lists, staged             {_size(list_all) / 1024:7.0f} KB")
    print(f"'On reading lists' lines          {line_bytes / 1024:7.0f} KB on {len(on_lists)} paper pages")
    return 0
