"""The benchmark's report: one table per collection size (medians of ours and stock, their
ratio, the targets beside them), a straight-line extrapolation, and every figure as JSON."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict

from benchmarks.measure import BuildFigures, Result
from benchmarks.queries import KINDS, MISSPELT
from benchmarks.targets import quality_verdict, verdict

ROWS: tuple[tuple[str, str, str], ...] = (
    ("build wall time", "wall_s", "s"),
    ("build CPU time", "cpu_s", "s"),
    ("peak memory, proportional (build + children)", "peak_pss_mb", "MB"),
    ("peak memory, resident added up", "peak_mb", "MB"),
    ("site size", "site_mb", "MB"),
    ("site size per paper", "kb_per_paper", "KB"),
    ("files", "files", ""),
    ("typo vocabulary files", "typo_files", ""),
    ("typo vocabulary size", "typo_kb", "KB"),
    ("largest page", "largest_page_kb", "KB"),
    ("largest paper page", "largest_paper_page_kb", "KB"),
    ("typed 4-word query: search KB fetched", "typed_kb", "KB"),
    ("typed 4-word query: files fetched", "typed_files", ""),
    ("typed 4-word query: result after last key", "typed_query_ms", "ms"),
    ("search: cold first result", "cold_first_result_ms", "ms"),
    ("search: bytes to first result", "cold_kb", "KB"),
    ("search: warm query", "warm_query_ms", "ms"),
    ("search: misspelt query, cold", "typo_cold_ms", "ms"),
    ("search: bytes to misspelt result", "typo_cold_kb", "KB"),
    ("search: misspelt query, warm", "typo_warm_ms", "ms"),
    ("page view without search: search bytes", "idle_search_kb", "KB"),
    ("home page load, other bytes", "page_load_kb", "KB"),
)


OURS_ONLY = frozenset({"typo_cold_ms", "typo_cold_kb", "typo_warm_ms", "typo_files", "typo_kb"})
"""Rows the stock site has no figure for: it corrects no typo (a misspelt word finds nothing)."""

_DERIVED = frozenset({"kb_per_paper"})


def median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def medians(runs: Sequence[BuildFigures], papers: int = 0) -> dict[str, float | None]:
    """The median of each row over the runs; site KB per paper from the median size."""
    out = {key: median([getattr(r, key) for r in runs]) for _, key, _ in ROWS if key not in _DERIVED}
    site = out["site_mb"]
    out["kb_per_paper"] = site * 1000 / papers if site is not None and papers else None
    return out


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("", "ms", "KB") and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def format_table(result: Result) -> str:
    """One table per size: the medians of ours and stock, their ratio, and the target beside
    each figure that has one; then the engines' known-item rates when they were measured."""
    ours, stock = medians(result.ours, result.papers), medians(result.stock, result.papers)
    runs = len(result.ours)
    spread = "median of " + str(runs) + " runs" if runs > 1 else "1 run"
    head = f"{result.papers:,} papers ({result.corpus}), {spread}"
    lines = [head, f"{'':50} {'ours':>10} {'stock':>10} {'ours/stock':>10}  target (issue 24)"]
    for label, key, unit in ROWS:
        a, b = ours[key], stock[key]
        if a is None and b is None:
            continue
        ratio = f"{a / b:.2f}" if a is not None and b else "—"
        name = f"{label} ({unit})" if unit else label
        target = verdict(key, result.papers, ours, stock)
        lines.append(f"{name:50} {_fmt(a, unit):>10} {_fmt(b, unit):>10} {ratio:>10}  {target}".rstrip())
    for who, figures in (("ours", result.ours), ("stock", result.stock)):
        if figures and figures[-1].typed:
            each = "; ".join(f"“{q}” {kb:,.0f} KB in {files} files" for q, kb, files, _ in figures[-1].typed)
            lines.append(f"typed queries, {who}: {each}")
    page = result.ours[-1].largest_page if result.ours else ""
    lines.append(f"largest page of ours: {page}")
    if result.ours and result.ours[-1].breakdown:
        lines.append(f"where the files and bytes of ours go (last run):\n{result.ours[-1].breakdown}")
    if result.quality:
        lines.append(format_quality(result))
    return "\n".join(lines)


def format_quality(result: Result) -> str:
    """Each engine's top-3 rate per kind of query, ours checked against the best of the others."""
    engines = list(result.quality)
    kinds = [k for k in ("known item", *KINDS, MISSPELT) if k in result.quality[engines[0]]]
    lines = [f"known-item search, paper in the top 3 ({result.corpus}, {result.papers:,} papers):"]
    lines.append(f"{'':16}" + "".join(f"{e:>12}" for e in engines) + "  target")
    for kind in kinds:
        cells = [result.quality[e].get(kind, (0, 0)) for e in engines]
        row = f"{kind:16}" + "".join(f"{f'{found}/{asked}':>12}" for found, asked in cells)
        if kind in ("known item", MISSPELT):
            row += "  " + quality_verdict(cells[0], cells[1:])
        lines.append(row.rstrip())
    if result.pagefind is not None:
        pf = result.pagefind
        lines.append(
            f"Pagefind's index of the stock site: {pf.wall_s:,.1f} s, peak {pf.peak_pss_mb:,.0f} MB, "
            f"{pf.files:,} files, {pf.site_mb:,.1f} MB"
        )
    for engine in engines:
        missed = result.misses.get(engine) or []
        if missed:
            lines.append(f"{engine} missed: " + "; ".join(missed))
    return "\n".join(lines)


def extrapolate(results: Sequence[Result], target: int) -> str:
    """Straight line through the two largest measured sizes (cost per paper is meant to be flat)."""
    pts = sorted(results, key=lambda r: r.papers)[-2:]
    if len(pts) < 2 or pts[0].papers == pts[1].papers:
        return ""
    lines = [f"extrapolated to {target:,} papers (line through {pts[0].papers:,} and {pts[1].papers:,}):"]
    for label, key, unit in (ROWS[0], ROWS[2], ROWS[3]):
        for who in ("ours", "stock"):
            (x0, y0), (x1, y1) = ((r.papers, medians(getattr(r, who))[key] or 0.0) for r in pts)
            slope = (y1 - y0) / (x1 - x0)
            value = y1 + slope * (target - x1)
            per = slope * 1000
            lines.append(f"  {label} {who:5}: {value:,.0f} {unit} ({per:.2f} {unit} per 1,000 papers)")
    return "\n".join(lines)


def to_json(results: Sequence[Result]) -> str:
    return json.dumps(
        [
            {
                "papers": r.papers,
                "ours": [asdict(f) for f in r.ours],
                "stock": [asdict(f) for f in r.stock],
                "median": {"ours": medians(r.ours, r.papers), "stock": medians(r.stock, r.papers)},
                "corpus": r.corpus,
                "pagefind": asdict(r.pagefind) if r.pagefind else None,
                "quality": r.quality,
                "misses": r.misses,
            }
            for r in results
        ],
        indent=2,
    )
