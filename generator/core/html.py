"""Contributor text as safe HTML: the one place where it meets the browser.

The rule, applied to every field a contributor can write: text is plain text (plus TeX math
in abstracts), HTML-escaped exactly once here, and emitted as raw HTML blocks that Markdown
leaves alone. So ``*``, ``_`` and ``~`` in an abstract never become emphasis, ``<script>``
shows as text, and only ``https://`` URLs ever become links.

Below every output (pages, feeds, the digest), so they all escape and link with the same rule;
links between pages are made relative here too (``relative_url``), so the site works under any
base path. Pure functions.
"""

from __future__ import annotations

import functools
import posixpath
import re
from html import escape

from generator.core.tex import MATH, math_text

_URL = re.compile(r"https://[^\s<>\"'{}\[\]]+[^\s<>\"'{}\[\].,;:!?)]")


def e(text: str) -> str:
    """Escape for element content and double-quoted attributes."""
    return escape(text, quote=True)


def relative_url(from_url: str, to_url: str) -> str:
    """Link from one page's directory URL to another's, so the site works under any base path.

    The same answer as ``posixpath.relpath`` (which ``_relative_url_slow`` keeps, for URLs
    holding ``..`` and for the tests), by splitting on slashes: a build makes hundreds of
    thousands of these links and ``relpath`` normalises both paths every time."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    if ".." in base or ".." in to_url:
        return _relative_url_slow(base, to_url)
    here = [part for part in base.split("/") if part and part != "."]
    there = [part for part in to_url.split("/") if part and part != "."]
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    if to_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


def _relative_url_slow(base: str, to_url: str) -> str:
    rel = posixpath.relpath("/" + to_url, "/" + base)
    if to_url.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


def _text_with_links(text: str) -> str:
    out, pos = [], 0
    for m in _URL.finditer(text):
        out.append(e(text[pos : m.start()]))
        url = m.group(0)
        out.append(f'<a href="{e(url)}" rel="nofollow noopener">{e(url)}</a>')
        pos = m.end()
    out.append(e(text[pos:]))
    return "".join(out)


def inline_text(text: str, links: bool = True) -> str:
    """Escape a paragraph, keep its TeX math for the math renderer, link its https URLs
    (unless ``links`` is false: a title is printed inside a link, and links do not nest).

    A math span holds its TeX in ``data-tex`` and shows it as Unicode text (``math_text``) until
    it is typeset: readable without scripts, found by search as words, and close to the typeset
    width, so the text around it barely moves when the renderer replaces it."""
    text_html = _text_with_links if links else e
    out, pos = [], 0
    for m in MATH.finditer(text):
        out.append(text_html(text[pos : m.start()]))
        display, inline, paren, bracket = m.groups()
        if display is not None or bracket is not None:
            tex = display or bracket or ""
            out.append(f'<span class="arithmatex" data-tex="\\[{e(tex)}\\]">{e(math_text(tex))}</span>')
        else:
            tex = inline or paren or ""
            out.append(f'<span class="arithmatex" data-tex="\\({e(tex)}\\)">{e(math_text(tex))}</span>')
        pos = m.end()
    out.append(text_html(text[pos:]))
    return "".join(out)


@functools.lru_cache(maxsize=1 << 16)  # a title shows on its page, in listings and related lists
def title_html(title: str) -> str:
    """A title for a heading or a listing: escaped, with its math marked for the renderer like
    an abstract's, so ``$O(n^2)$`` is typeset wherever the title is shown."""
    return inline_text(title, links=False)


def abstract_html(abstract: str) -> str:
    paragraphs = [p for p in abstract.split("\n\n") if p.strip()]
    return "".join(f"<p>{inline_text(p)}</p>" for p in paragraphs)
