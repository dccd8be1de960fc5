"""The benchmark's report: one table per collection size (medians of ours and stock, their
ratio, the targets beside them), a straight-line extrapolation, and every figure as JSON."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict

from benchmarks.measure import BuildFigures, Result
from benchmarks.targets import targets

ROWS: tuple[tuple[str, str, str], ...] = (
    ("build wall time", "wall_s", "s"),
    ("build CPU time", "cpu_s", "s"),
    ("peak memory, proportional (build + children)", "peak_pss_mb", "MB"),
    ("peak memory, resident added up", "peak_mb", "MB"),
    ("site size", "site_mb", "MB"),
    ("files", "files", ""),
    ("largest page", "largest_page_kb", "KB"),
    ("largest paper page", "largest_paper_page_kb", "KB"),
    ("search payload, one query (files)", "search_payload_kb", "KB"),
    ("search: cold first result", "cold_first_result_ms", "ms"),
    ("search: bytes to first result", "cold_kb", "KB"),
    ("search: warm query", "warm_query_ms", "ms"),
    ("search: typed query, after last key", "typed_query_ms", "ms"),
    ("search: misspelt query, cold", "typo_cold_ms", "ms"),
    ("search: bytes to misspelt result", "typo_cold_kb", "KB"),
    ("search: misspelt query, warm", "typo_warm_ms", "ms"),
    ("typo vocabulary files", "typo_files", ""),
    ("typo vocabulary size", "typo_kb", "KB"),
    ("page view without search: search bytes", "idle_search_kb", "KB"),
    ("home page load, other bytes", "page_load_kb", "KB"),
)


OURS_ONLY = frozenset({"typo_cold_ms", "typo_cold_kb", "typo_warm_ms", "typo_files", "typo_kb"})
"""Rows the stock site has no figure for: it corrects no typo (a misspelt word finds nothing)."""


def median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def medians(runs: Sequence[BuildFigures]) -> dict[str, float | None]:
    return {key: median([getattr(r, key) for r in runs]) for _, key, _ in ROWS}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("", "ms", "KB") and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def format_table(result: Result) -> str:
    """One table per size: the medians of ours and stock, and their ratio."""
    ours, stock = medians(result.ours), medians(result.stock)
    runs = len(result.ours)
    head = f"{result.papers:,} papers, {'median of ' + str(runs) + ' runs' if runs > 1 else '1 run'}"
    lines = [head, f"{'':36} {'ours':>12} {'stock':>12} {'ours/stock':>11}"]
    for label, key, unit in ROWS:
        a, b = ours[key], stock[key]
        if a is None and b is None:
            continue
        ratio = f"{a / b:.2f}" if a is not None and b else "—"
        name = f"{label} ({unit})" if unit else label
        lines.append(f"{name:36} {_fmt(a, unit):>12} {_fmt(b, unit):>12} {ratio:>11}")
    page = result.ours[-1].largest_page if result.ours else ""
    lines.append(f"largest page of ours: {page}")
    if result.ours and result.stock:
        lines.append(targets(result.papers, ours, stock))
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
                "median": {"ours": medians(r.ours), "stock": medians(r.stock)},
            }
            for r in results
        ],
        indent=2,
    )
