"""What an import says once its pages are written: the same lines for every source."""

from __future__ import annotations

import sys

from generator.content.writer import WriteSummary


def report_written(summary: WriteSummary, read_errors: int, *extra: str) -> int:
    """Print each page filled, kept, skipped, warned about or not written (on stderr, by file), then one line
    of counts (plus ``extra`` parts such as "3 withdrawn"); the import's exit status."""
    for path, fields in summary.filled:
        print(f"filled {path}: {fields}", file=sys.stderr)
    for path, reason in summary.differ:
        print(f"kept {path}: {reason}", file=sys.stderr)
    for path, reason in summary.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    for path, reason in summary.warnings:
        print(f"warning: {path}: {reason}", file=sys.stderr)
    for path, reason in summary.errors:
        print(f"error: {path}: {reason}", file=sys.stderr)
    parts = [summary.line()]
    if read_errors:
        parts.append(f"{read_errors} records not read")
    print(", ".join([*parts, *extra]))
    return 1 if summary.errors or read_errors else 0
