"""Compact HTML: drop the indentation the theme's templates leave on every line.

At 10,000 pages the theme's indentation alone is tens of megabytes, and it is about a tenth of
a paper page. Only whitespace at the start of a line goes (and blank lines): the line break
stays, so the text renders the same, and nothing changes inside ``<pre>``, ``<textarea>``,
``<script>`` or ``<style>``, where whitespace can matter. A pure function.
"""

from __future__ import annotations

import re

_KEEP = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_OPEN = re.compile(r"<(?:pre|textarea|script|style)\b", re.IGNORECASE)
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def compact_html(html: str) -> str:
    """``html`` without leading whitespace on its lines or blank lines, outside preformatted parts."""
    out, pos = [], 0
    for m in _KEEP.finditer(html):
        out.append(_INDENT.sub("\n", html[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_INDENT.sub("\n", html[pos:]))
    return "".join(out)


def compacts_alone(html: str) -> bool:
    """Whether ``compact_html`` of a text that holds ``html`` between two other pieces equals
    the three compacted apart: no whitespace at its ends that could join a neighbour's, and
    every preformatted part it opens closed inside it."""
    if html != html.strip():
        return False
    return len(_OPEN.findall(html)) == sum(1 for _ in _KEEP.finditer(html))


def keeps_any(html: str, needles: tuple[str, ...]) -> bool:
    """Whether any of ``needles`` lies inside a part that ``compact_html`` leaves as it is."""
    return any(needle in m.group(0) for m in _KEEP.finditer(html) for needle in needles)
