"""Compact HTML: drop the indentation the theme's templates leave on every line.

At 10,000 pages the theme's indentation alone is tens of megabytes, and it is about a tenth of
a paper page. Only whitespace at the start of a line goes (and blank lines): the line break
stays, so the text renders the same, and nothing changes inside ``<pre>``, ``<textarea>``,
``<script>`` or ``<style>``, where whitespace can matter. A pure function.
"""

from __future__ import annotations

import re

_KEEP = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
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
