"""TeX math on the site: which pages need the math renderer, and the tags that load it.

The renderer is KaTeX, shipped with the site under ``assets/vendor/katex`` (the built site is
used and tested offline, so nothing may come from a CDN). It weighs about 300 KB, so only
pages that contain math load it; ``render`` marks math as ``class="arithmatex"`` (the markup
of ``pymdownx.arithmatex``), and that marker is what ``has_math`` looks for. Where math cannot be
typeset (``<title>``, meta tags, feeds), ``plain_title`` turns it into Unicode text. Pure functions.
"""

from __future__ import annotations

import functools

from generator.site.render import _MATH, e, math_text, relative_url

KATEX_DIR = "assets/vendor/katex/"
MATH_SCRIPT = "assets/math.js"


def has_math(html: str) -> bool:
    """True when a page's rendered content holds math for the renderer."""
    return 'class="arithmatex"' in html


def math_head(page_url: str) -> str:
    """The stylesheet and script that typeset a page's math, linked relative to the page.

    KaTeX's stylesheet (4 KB compressed) is an ordinary stylesheet: added later by a script,
    it would make the browser restyle the whole page at once, the longest task of the page
    load. Its fonts are fetched only when typeset math uses them. KaTeX's script (75 KB
    compressed) is not in the head: ``math.js``, deferred, fetches it once the page is parsed,
    so that it does not compete with the page's own files for the first paint, then typesets."""
    css = relative_url(page_url, KATEX_DIR + "katex.min.css")
    js = relative_url(page_url, KATEX_DIR + "katex.min.js")
    init = relative_url(page_url, MATH_SCRIPT)
    link = f'<link rel="stylesheet" href="{e(css)}">\n'
    return link + f'<script defer src="{e(init)}" data-ps-katex-js="{e(js)}"></script>\n'


@functools.lru_cache(maxsize=1 << 16)  # every title is asked for by its page, the listings and feeds
def plain_title(title: str) -> str:
    """A title as plain Unicode text, for ``<title>``, meta tags, feeds and JSON-LD: each math
    span (``$…$``, ``\\(…\\)``) becomes readable text (``$O(n^2)$`` -> ``O(n²)``), and nothing
    else is touched, since outside math a ``%`` or ``&`` is just a character. Not escaped."""
    out, pos = [], 0
    for m in _MATH.finditer(title):
        out.append(title[pos : m.start()])
        out.append(math_text(next(g for g in m.groups() if g is not None)))
        pos = m.end()
    out.append(title[pos:])
    return " ".join("".join(out).split())
