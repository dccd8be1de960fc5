"""TeX math as text: where math spans are, and how one reads as Unicode where it cannot be
typeset (``<title>``, meta tags, feeds, the text a span shows until KaTeX replaces it).

Kept below every output, since a page, a listing, a feed and the search's excerpts find math
spans with the same rule (``MATH``), so a formula is never cut or shown differently in one of
them. Which pages load KaTeX, and how, is the site's business (``site.head.math_head``). Pure
functions.
"""

from __future__ import annotations

import functools
import re

from pylatexenc.latex2text import LatexNodes2Text

# Each span stops at the next opener of its kind, so a page full of unclosed ``\(`` is read in
# linear time (a plain ``.+?`` rescans to the end from every opener: minutes for one page).
MATH = re.compile(
    r"\$\$((?:(?!\$\$).)+?)\$\$|\$([^$\n]+?)\$|\\\(((?:(?!\\[()]).)+?)\\\)|\\\[((?:(?!\\[\[\]]).)+?)\\\]",
    re.DOTALL,
)
"""A math span: groups are display ``$$…$$``, inline ``$…$``, ``\\(…\\)`` and ``\\[…\\]``."""
# Unicode has super- and subscript forms for digits, signs and a few letters: enough for the
# exponents and indices that titles hold (``$O(n^2)$``, ``$x_1$``). Others stay ``^x``/``_x``.
_SUPER = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUB = dict(zip("0123456789+-=()aeioxnkmt", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢₒₓₙₖₘₜ", strict=True))
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]+)\}|([0-9A-Za-z+\-]))")
_latex = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def _scripts(tex: str) -> str:
    def one(m: re.Match[str]) -> str:
        table = _SUPER if m.group(1) == "^" else _SUB
        body = m.group(2) if m.group(2) is not None else m.group(3)
        if all(ch in table for ch in body):
            return "{}" + "".join(table[ch] for ch in body)  # "{}": ends a macro name (\\sum_i)
        return m.group(0)

    return _SCRIPT.sub(one, tex)


@functools.lru_cache(maxsize=1 << 16)
def math_text(tex: str) -> str:
    """One math span as Unicode text (``n \\log n`` -> ``n log n``, ``\\alpha`` -> ``α``): what
    the page shows until the math is typeset, and what ``<title>``, meta tags and feeds show
    instead (``plain_title``). TeX that pylatexenc cannot read stays as it was written,
    without its delimiters."""
    try:
        text = _latex.latex_to_text("$" + _scripts(tex) + "$")
    except Exception:  # pylatexenc raises several types on malformed TeX; the source is kept
        text = ""
    return " ".join(text.split()) or tex.strip()


@functools.lru_cache(maxsize=1 << 16)  # every title is asked for by its page, the listings and feeds
def plain_title(title: str) -> str:
    """A title as plain Unicode text, for ``<title>``, meta tags, feeds and JSON-LD: each math
    span (``$…$``, ``\\(…\\)``) becomes readable text (``$O(n^2)$`` -> ``O(n²)``), and nothing
    else is touched, since outside math a ``%`` or ``&`` is just a character. Not escaped."""
    out, pos = [], 0
    for m in MATH.finditer(title):
        out.append(title[pos : m.start()])
        out.append(math_text(next(g for g in m.groups() if g is not None)))
        pos = m.end()
    out.append(title[pos:])
    return " ".join("".join(out).split())
