"""Text cleanup for titles and abstracts copied from listings: pure functions, no I/O.

Listings are copied from rendered pages, so they carry half-converted TeX (``M\\'elange``,
``\\textit{…}``, ``10times`` where a ``\\times`` lost its backslash) and URLs glued to markup
debris. Math (``$…$``) and URLs are set aside first so that no cleanup rule can damage them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pylatexenc.latex2text import LatexNodes2Text

from generator.core.model import Link

# Spans stop at the next opener of their kind: linear time even on unclosed ``\(`` (see render).
_MATH = re.compile(
    r"\$\$(?:(?!\$\$).)+?\$\$|\$[^$\n]+?\$|\\\((?:(?!\\[()]).)+?\\\)|\\\[(?:(?!\\[\[\]]).)+?\\\]",
    re.DOTALL,
)
_URL = re.compile(r"https?://[^\s<>\"'{}\[\]]+")
# A URL wrapped in TeX markup debris: ``X{https://…}`` (``\href``/``\url``/``\textcolor`` remains).
# The prefix is bounded: unbounded, every position of a long word rescans it (minutes on 64 KB).
_URL_DEBRIS = re.compile(r"(?P<pre>\S{0,100}?)\{(?P<url>https?://[^\s{}]+)\}+")
_TEX_FRAGMENT = re.compile(
    r"\\[`'^\"~=.uvHckbdr](?:\{[A-Za-z]?\}|[A-Za-z])"  # accents: \'e, \'{e}, \"{}
    r"|\\[A-Za-z]+\*?(?:\{[^{}$]*\})*"  # commands with brace groups: \textit{x}, \times
    r"|\\[%&#_$]"  # escaped specials: \%
)
_TIMES = re.compile(r"(?<![A-Za-z])(\d+(?:\.\d+)?)times(?=[A-Z]|\b)")
_QUOTE = re.compile(r"`([^`'\n]{1,80})'")
_COLOR_WORDS = frozenset({"blue", "red", "green", "magenta", "cyan", "black", "purple", "orange", "gray"})
_TRAILING = ".,;:!?)]}>'\"*"

CODE_HOSTS = (
    "github.com",
    "gitlab.com",
    "huggingface.co",
    "bitbucket.org",
    "codeberg.org",
    "gitee.com",
    "sourceforge.net",
)

_latex = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


_MACRO_NAME = re.compile(r"\\[A-Za-z]+\*?")
_COLOUR_ARGUMENT = re.compile(r"\\(?:text)?colou?r\{[^{}]*\}")


def _tex_to_unicode(fragment: str) -> str:
    """Convert one TeX fragment; an unknown macro (an author's ``\\proj``) keeps its name.

    A macro cut from its arguments by the fragment's end (``\\href`` or ``\\textcolor{red}`` before
    a URL, as real arXiv abstracts have) makes pylatexenc raise instead of converting: such a
    fragment keeps its arguments' text without the macro, so no abstract is lost to it."""
    try:
        converted = _latex.latex_to_text(fragment)
    except (IndexError, KeyError, ValueError):
        fragment = _COLOUR_ARGUMENT.sub("", fragment).replace("}{", "} {")
        return _MACRO_NAME.sub("", fragment)
    if converted.strip():
        return converted
    m = re.match(r"\\([A-Za-z]+)", fragment)
    return m.group(1) if m else ""


def clean_url(url: str) -> str:
    """Strip the punctuation and TeX debris that a sentence leaves stuck to a URL."""
    url = url.split("{", 1)[0]
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _fix_url_debris(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        pre, url = m.group("pre"), m.group("url")
        bare = pre.lstrip("\\")
        if bare.startswith("http") or bare in _COLOR_WORDS or bare in {"url", "href", "textcolor"}:
            return url
        return f"{pre} {url}" if pre else url

    return _URL_DEBRIS.sub(repl, text)


def _clean_prose(text: str) -> str:
    """Cleanup for text that is neither math nor a URL."""
    text = _TEX_FRAGMENT.sub(lambda m: _tex_to_unicode(m.group(0)), text)
    text = _TIMES.sub(lambda m: m.group(1) + "×", text)
    text = text.replace("``", "“").replace("''", "”")
    text = _QUOTE.sub(lambda m: f"‘{m.group(1)}’", text)
    text = text.replace("~", " ")
    text = text.replace("{", "").replace("}", "")
    return text


def clean_text(text: str) -> str:
    """Turn listing text into clean Unicode, keeping math and URLs intact.

    >>> clean_text(r"M\\'elange runs 10times faster~(see $O(n^2)$)")
    'Mélange runs 10× faster (see $O(n^2)$)'
    """
    text = _fix_url_debris(text)
    out: list[str] = []
    pos = 0
    protected = sorted(
        [(m.start(), m.end(), m.group(0)) for m in _MATH.finditer(text)]
        + [(m.start(), m.end(), None) for m in _URL.finditer(text)],
    )
    for start, end, math in protected:
        if start < pos:
            continue  # a URL inside math, or math inside a URL: the first one wins
        out.append(_clean_prose(text[pos:start]))
        if math is not None:
            out.append(math)
            pos = end
        else:
            raw = text[start:end]
            url = clean_url(raw)
            out.append(url)
            pos = start + len(url)
    out.append(_clean_prose(text[pos:]))
    joined = "".join(out)
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", joined))
    return "\n\n".join(p for p in paragraphs if p)


@dataclass(frozen=True, slots=True)
class ExtractedLinks:
    code: str | None
    links: tuple[Link, ...]


def _is_code_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in CODE_HOSTS) and not host.endswith("github.io")


def _label_for(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("github.io") or host.startswith("sites.google.") or "project" in url.lower():
        return "Project page"
    return host.removeprefix("www.") or "Link"


def extract_links(clean: str) -> ExtractedLinks:
    """Pull URLs out of a cleaned abstract: the first repository becomes ``code``, the rest links.

    Only https URLs are kept as fields (the page format allows nothing else); the abstract text
    itself is left as it was.
    """
    code: str | None = None
    links: list[Link] = []
    seen: set[str] = set()
    for m in _URL.finditer(clean):
        url = clean_url(m.group(0))
        if url in seen or not url.startswith("https://"):
            continue
        seen.add(url)
        if code is None and _is_code_host(url):
            code = url
        else:
            links.append(Link(_label_for(url), url))
    return ExtractedLinks(code, tuple(links))
