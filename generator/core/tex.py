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
    """The stylesheet and scripts that typeset a page's math, linked relative to the page.

    Nothing here holds up the first paint: the scripts are deferred, and the stylesheet is only
    preloaded; ``math.js`` applies it and typesets once it has arrived (typesetting before would
    show the math unstyled, then move the text around it when the styles land)."""
    css = relative_url(page_url, KATEX_DIR + "katex.min.css")
    js = relative_url(page_url, KATEX_DIR + "katex.min.js")
    init = relative_url(page_url, MATH_SCRIPT)
    return (
        f'<link rel="preload" as="style" href="{e(css)}">\n'
        f'<script defer src="{e(js)}"></script>\n'
        f'<script defer src="{e(init)}" data-ps-katex-css="{e(css)}"></script>\n'
    )


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
