"""Keep big raw HTML blocks of generated pages away from Markdown, and put them back after.

A listing page is a few Markdown headings around long one-line HTML lists that ``render``
already made safe. Markdown copies such a block to its output unchanged, but only after
running an HTML parser over it (twice, counting MkDocs' own anchor scan), which made the
listings the slowest pages of a build. So before Markdown each such line is swapped for a
placeholder paragraph, and afterwards the paragraph is swapped back: the same output, without
the parse. Headings, their anchors and the table of contents still come from Markdown.

Pure functions; only lines that are a whole block-level element are taken, and if Markdown did
not keep a placeholder exactly as a paragraph, the caller renders the page the ordinary way.
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"^<(ul|ol|nav|div|section|table|p)\b[^\n]*</\1>$")
_ID = re.compile(r'\sid="([^"]+)"')
_TOKEN = "psrawblock{:06d}x"


def stash(markdown: str) -> tuple[str, list[str]]:
    """Replace each one-line HTML block (blank lines around it) with a placeholder word."""
    lines = markdown.split("\n")
    blocks: list[str] = []
    for i, line in enumerate(lines):
        if not _BLOCK.match(line):
            continue
        if (i > 0 and lines[i - 1].strip()) or (i + 1 < len(lines) and lines[i + 1].strip()):
            continue
        lines[i] = _TOKEN.format(len(blocks))
        blocks.append(line)
    return "\n".join(lines), blocks


def restore(html: str, blocks: list[str]) -> str | None:
    """Put the blocks back; None if any placeholder is not where Markdown should have left it."""
    out = html
    for n, block in enumerate(blocks):
        placeholder = f"<p>{_TOKEN.format(n)}</p>"
        if out.count(placeholder) != 1:
            return None
        out = out.replace(placeholder, block)
    return out


def anchor_ids(blocks: list[str]) -> set[str]:
    """The ``id`` attributes inside the blocks, which links to this page may point at."""
    return {found for block in blocks for found in _ID.findall(block)}
