"""Where on a maintainer page each of the sanitizer's findings is: the line a reviewer fixes.

A finding is known for the whole page (``html_policy.findings``); finding its line means
rendering parts of the page, so the search is a bisection over blocks and then lines, which
keeps a long page with one bad line to a few renderings.
"""

from __future__ import annotations

import re
from collections import Counter

import markdown

from generator.content.html_policy import SCHEME, URL_SCHEMES, findings

MAX_REPORTED = 20

_FENCE = re.compile(r"^\s*(```|~~~)")


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, end) line ranges separated by blank lines, a fenced code block kept whole."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    fence: str | None = None
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else fence or m.group(1)
        if not line.strip() and fence is None:
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        out.append((start, len(lines)))
    return out


def _line_of(lines: list[str], key: str, nth: int, md: markdown.Markdown) -> int:
    """Index of the line whose addition makes the ``nth`` occurrence of ``key`` appear (a binary
    search on prefixes: a rendered prefix holds a finding once the line that carries it is in)."""
    if findings("\n".join(lines), md).counts[key] < nth:
        return 0  # not to be told apart line by line: the body's first line
    lo, hi = 1, len(lines)
    while lo < hi:
        mid = (lo + hi) // 2
        if findings("\n".join(lines[:mid]), md).counts[key] >= nth:
            hi = mid
        else:
            lo = mid + 1
    return lo - 1


_LINK_TARGET = re.compile(r"\]\(\s*<?([^\s)>]*)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S*)", re.MULTILINE)


def _may_hold_finding(text: str) -> bool:
    """Whether a block could render to something the allowlist removes: raw HTML and
    autolinks need ``<``, attribute lists ``{``, and a link or image a URL that is not plainly
    http(s), mailto or relative. Only where a finding is looked for depends on this, never
    the verdict, so a doubtful block counts."""
    if "<" in text or "{" in text:
        return True
    for target in _LINK_TARGET.findall(text) + _REFERENCE.findall(text):
        if "&" in target or "%" in target or "\\" in target:
            return True
        scheme = SCHEME.match(target)
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            return True
    return False


def locate(lines: list[str], counts: Counter[str], md: markdown.Markdown) -> list[tuple[int, str]]:
    """(line index, finding) for each occurrence, up to ``MAX_REPORTED``.

    Only blocks that may hold a finding are kept (the others become blank lines, so line numbers
    stay), and they are bisected: a run of blocks is rendered (with the page's reference link
    definitions), and split only if it shows a finding, so a long page with one bad line costs a
    few renderings; a reference link is reported where it is used. Inside the one block that
    shows it, the line is found by bisecting lines. A finding no single block shows (an HTML
    element across blank lines) is then looked for on the reduced page as a whole."""
    blocks = _blocks(lines)
    refs = any(_may_hold_finding(line) for line in lines if _REFERENCE.match(line))
    sparse = [""] * len(lines)
    kept: list[tuple[int, int]] = []
    for start, end in blocks:
        text = "\n".join(lines[start:end])
        if _may_hold_finding(text) or (refs and "[" in text):
            sparse[start:end] = lines[start:end]
            kept.append((start, end))
    definitions = "\n\n" + "\n".join(line for line in lines if _REFERENCE.match(line))
    left = Counter(counts)
    found: list[tuple[int, str]] = []

    def visit(first: int, last: int) -> None:  # the kept blocks first..last-1
        if len(found) >= MAX_REPORTED or not +left:
            return
        start, end = kept[first][0], kept[last - 1][1]
        here = findings("\n".join(sparse[start:end]) + definitions, md).counts  # a link's URL may be far
        if not any(left[key] for key in here):
            return
        if last - first > 1:
            middle = (first + last) // 2
            visit(first, middle)
            visit(middle, last)
            return
        block = sparse[start:end]
        for key, n in here.items():
            for nth in range(1, min(n, left[key]) + 1):
                found.append((start + (_line_of(block, key, nth, md) if len(block) > 1 else 0), key))
            left[key] -= min(n, left[key])

    if kept:
        visit(0, len(kept))
    for key, n in (+left).items():
        for nth in range(counts[key] - n + 1, counts[key] + 1):
            if len(found) < MAX_REPORTED:
                found.append((_line_of(sparse, key, nth, md), key))
    return found[:MAX_REPORTED]
