"""The targets the site is held to (issue 24, after issue 13), each beside its figure in the report.

Size targets are stated at 50,000 papers (≤ 800 MB, ≤ 60,000 files); per paper they hold at any
size, so the report checks them per paper: 16 KB and 1.2 files a paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

Medians = Mapping[str, float | None]


@dataclass(frozen=True, slots=True)
class Target:
    """A limit on one row of the report: ``ours`` (or ours over stock when ``ratio``) ≤ ``limit``."""

    limit: float
    text: str
    ratio: bool = False


def _per_paper(papers: int) -> dict[str, Target]:
    return {
        "wall_s": Target(1.0, "≤ 1.0× stock", ratio=True),
        "peak_pss_mb": Target(6000.0 if papers >= 100_000 else 3000.0, "≤ 3 GB" if papers < 100_000 else "≤ 6 GB"),
        "kb_per_paper": Target(16.0, "≤ 16 KB/paper"),
        "files": Target(1.2 * papers, "≤ 1.2 a paper (60,000 at 50,000)"),
        "largest_paper_page_kb": Target(20.0, "≤ 20 KB"),
        "typed_kb": Target(300.0, "≤ 300 KB"),
        "typed_query_ms": Target(1000.0, "≤ 1 s"),
        "cold_kb": Target(300.0, "≤ 300 KB"),
        "cold_first_result_ms": Target(1000.0, "≤ 1 s"),
        "typo_cold_kb": Target(300.0, "≤ 300 KB"),
        "typo_cold_ms": Target(1000.0, "≤ 1 s"),
    }


def verdict(key: str, papers: int, ours: Medians, stock: Medians) -> str:
    """The target of a row and whether ours meets it ("" for a row without one)."""
    if key == "typo_files":  # the typo vocabulary may grow the site's file count by 10 % at most
        typo, files = ours.get("typo_files"), ours.get("files")
        if typo is None or not files:
            return ""
        limit = 0.1 * (files - typo)
        return f"≤ 10 % of the others ({limit:,.0f}) {'met' if typo <= limit else 'MISSED'}"
    target = _per_paper(papers).get(key)
    value = ours.get(key)
    if target is None or value is None:
        return ""
    if target.ratio:
        base = stock.get(key)
        if not base:
            return target.text
        value = value / base
    return f"{target.text} {'met' if value <= target.limit else 'MISSED'}"


def quality_verdict(ours: tuple[int, int], others: list[tuple[int, int]]) -> str:
    """Ours at least as good as the best of the other engines, on the same queries."""
    best = max((found for found, _ in others), default=0)
    return f"≥ {best} (the best of the others) {'met' if ours[0] >= best else 'MISSED'}"
