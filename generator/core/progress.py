"""A one-line progress indicator for long runs, shown only when a person is watching."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws ``label n/total`` in place at most ten times a second on a terminal; silent in
    logs and pipes, where a line per step would only be noise."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() and total > 0
        self._last = 0.0

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < self.total and now - self._last < 0.1:
            return
        self._last = now
        self.stream.write(f"\r{self.label} {done}/{self.total}")
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
