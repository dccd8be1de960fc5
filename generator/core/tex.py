"""TeX math on the site: which pages need the math renderer, and the tags that load it.

The renderer is KaTeX, shipped with the site under ``assets/vendor/katex`` (the built site is
used and tested offline, so nothing may come from a CDN). It weighs about 300 KB, so only
pages that contain math load it; ``render`` marks math as ``class="arithmatex"`` (the markup
of ``pymdownx.arithmatex``), and that marker is what ``has_math`` looks for. Pure functions.
"""

from __future__ import annotations

from generator.site.render import e, relative_url

KATEX_DIR = "assets/vendor/katex/"
MATH_SCRIPT = "assets/math.js"


def has_math(html: str) -> bool:
    """True when a page's rendered content holds math for the renderer."""
    return 'class="arithmatex"' in html


def math_head(page_url: str) -> str:
    """The stylesheet and scripts that typeset a page's math, linked relative to the page."""
    css = relative_url(page_url, KATEX_DIR + "katex.min.css")
    js = relative_url(page_url, KATEX_DIR + "katex.min.js")
    init = relative_url(page_url, MATH_SCRIPT)
    return (
        f'<link rel="stylesheet" href="{e(css)}">\n'
        f'<script defer src="{e(js)}"></script>\n'
        f'<script defer src="{e(init)}"></script>\n'
    )
