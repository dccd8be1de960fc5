"""The targets a build is held to (issues 13 and 24), each checked against the medians of a run."""

from __future__ import annotations

from collections.abc import Mapping


def targets(papers: int, ours: Mapping[str, float | None], stock: Mapping[str, float | None]) -> str:
    """Each target met or not, from the medians of ours and stock at ``papers`` papers."""
    big = papers >= 100_000
    checks = [
        ("build time vs stock", (ours["wall_s"] or 0) / (stock["wall_s"] or 1), 1.0, "×"),
        ("peak memory", (ours["peak_pss_mb"] or 0) / 1000, 6.0 if big else 3.0, "GB"),
        ("site size", ours["site_mb"] or 0, 1000.0 if big else 800.0, "MB"),
        ("files", ours["files"] or 0, 60_000, ""),
        ("largest paper page", ours["largest_paper_page_kb"] or 0, 20.0, "KB"),
        ("bytes to first result", ours["cold_kb"], 300.0, "KB"),
        ("cold first result", ours["cold_first_result_ms"], 1000.0, "ms"),
        ("bytes to misspelt result", ours["typo_cold_kb"], 300.0, "KB"),
        ("cold misspelt result", ours["typo_cold_ms"], 1000.0, "ms"),
    ]
    lines = [f"targets at {papers:,} papers:"]
    for label, value, limit, unit in checks:
        if value is None:
            continue
        verdict = "met" if value <= limit else "MISSED"
        lines.append(f"  {label:28} {value:>10,.2f} {unit:2} (target ≤ {limit:,g} {unit}) {verdict}")
    return "\n".join(lines)
