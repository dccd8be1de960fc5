"""What the site publishes of a maintainer page's HTML: the Markdown dialect, the allowlist,
and what the allowlist would remove (``findings``), for ``generator.content.sanitize``.

How "would have to remove" is known without a second HTML parser guessing: the rendered HTML
goes through nh3 twice, once with a pass that keeps every element, attribute and URL it holds
(so only the browser-like parse and serialisation happen) and once with the allowlist. Both
outputs come from the same serialiser, so comparing their elements and attributes is exact.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

MARKDOWN_EXTENSIONS: tuple[str, ...] = (
    "toc",
    "attr_list",
    "admonition",
    "tables",
    "fenced_code",
    "pymdownx.arithmatex",
)
MARKDOWN_CONFIG: dict[str, dict[str, object]] = {
    "toc": {"permalink": True},
    "tables": {"use_align_attribute": True},  # align="…" instead of a style attribute
    # Math is kept as TeX inside class="arithmatex", exactly as paper pages mark it
    # (generator.core.html, generator.core.tex), so the same KaTeX script typesets both.
    "pymdownx.arithmatex": {"generic": True},
}

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote"),
        *("ul", "ol", "li", "dl", "dt", "dd", "details", "summary", "figure", "figcaption"),
        *("a", "img", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("code", "pre", "kbd", "samp", "var", "q", "cite", "abbr", "dfn", "time"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "details": {"open"},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
"""Besides relative URLs. Everything else (javascript:, data:, vbscript:, file:…) is refused."""

HINT = "pages are text and links; ask a maintainer for interactive features"


def converter() -> markdown.Markdown:
    """A Markdown converter in the pages' dialect; make one per page and pass it around, since
    making it costs more than converting a paragraph."""
    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), extension_configs=MARKDOWN_CONFIG)


def _markdown(text: str, md: markdown.Markdown) -> tuple[str, str]:
    """(HTML, text of the first level-1 heading or ""); ``md`` is reset and reused, as making a
    converter costs more than converting a paragraph."""
    md.reset()
    out = md.convert(text)
    tokens = getattr(md, "toc_tokens", [])
    first = next((t for t in tokens if t.get("level") == 1), None)
    return out, html.unescape(first["name"]) if first else ""


_TAG_NAME = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_KNOWN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "blob", "about", "ftp", "ws", "wss"})


def _keep_all(fragment: str) -> str:
    """nh3's parse and serialisation of ``fragment`` with nothing removed but comments.

    Tag and attribute names and URL schemes are over-collected from the text (any word that
    could be one), so everything the HTML parser finds is in the lists and kept."""
    words = {w.lower() for w in re.split(r"[\s/>=]+", fragment) if w}
    words |= {w.lower() for w in re.split(r"[\s/>=\"'`<]+", fragment) if w}
    tags = {m.lower() for m in _TAG_NAME.findall(fragment)} | ALLOWED_TAGS
    decoded = html.unescape(fragment).replace("\t", "").replace("\n", "").replace("\r", "")
    schemes = {m.lower() for m in SCHEME.findall(decoded)} | _KNOWN_SCHEMES | URL_SCHEMES
    return nh3.clean(
        fragment,
        tags=tags,
        clean_content_tags=set(),
        attributes={"*": words},
        url_schemes=schemes,
        link_rel=None,
        strip_comments=True,
    )


def _allowed(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        url_relative="pass_through",
        link_rel=None,
        strip_comments=True,
    )


class _Elements(HTMLParser):
    """Every start tag and attribute of a serialised fragment, counted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Counter[tuple[str, str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found[(tag, "", "")] += 1
        for name, value in attrs:
            self.found[(tag, name, value or "")] += 1

    handle_startendtag = handle_starttag


def _elements(fragment: str) -> Counter[tuple[str, str, str]]:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser.found


def _removed(fragment: str) -> tuple[str, Counter[tuple[str, str, str]]]:
    """(the sanitized fragment, what sanitizing removed: (tag, attribute or "", value) -> count)."""
    clean = _allowed(fragment)
    return clean, _elements(_keep_all(fragment)) - _elements(clean)


_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "srcset", "poster", "cite", "background", "data"})
_HIDDEN_MARKUP = re.compile(r"<\s*([A-Za-z][^\t\n\f\r />]*)")


def _finding(tag: str, attr: str, value: str) -> tuple[str, str, str]:
    """(key that tells findings apart, message, hint) for one removal."""
    if not attr:
        return f"<{tag}>", f"<{tag}> is not allowed", HINT
    if attr.startswith("on"):
        return f"{attr}=", f"the {attr}= attribute (on <{tag}>) is not allowed", "event handlers run script; " + HINT
    if attr == "style":
        return "style=", f"the style= attribute (on <{tag}>) is not allowed", "the site's stylesheet sets the look"
    if attr in _URL_ATTRS:
        scheme = SCHEME.match(html.unescape(value).strip().replace("\t", "").replace("\n", "").replace("\r", ""))
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            name = scheme.group(1).lower()
            return (
                f"{name}:",
                f"a {name}: URL (in {attr}= on <{tag}>) is not allowed",
                "links and images are http://, https://, mailto: or relative",
            )
    return f"{attr}=", f"the {attr}= attribute (on <{tag}>) is not allowed", HINT


class _Comments(HTMLParser):
    """Markup hidden in HTML comments: the sanitizer drops comments, but old browsers ran
    "conditional comments", and a hidden <script> is a sign of intent a reviewer should see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[str] = []

    def handle_comment(self, data: str) -> None:
        for name in _HIDDEN_MARKUP.findall(data):
            if name.lower() not in ALLOWED_TAGS:
                self.hidden.append(name.lower())


@dataclass(slots=True)
class Verdict:
    """What the allowlist makes of a rendered body: the clean HTML, and each finding counted."""

    clean: str  # the sanitized HTML
    heading: str  # the first level-1 heading's text
    counts: Counter[str]  # how often each finding occurs
    messages: dict[str, tuple[str, str]]  # finding -> (message, hint)


def findings(body: str, md: markdown.Markdown) -> Verdict:
    """Render ``body`` and tell what the allowlist would remove from it (and what HTML comments
    hide), as counts per finding: the page is published only when there is none."""
    rendered, heading = _markdown(body, md)
    clean, removed = _removed(rendered)
    verdict = Verdict(clean, heading, Counter(), {})
    for (tag, attr, value), n in removed.items():
        if attr and tag not in ALLOWED_TAGS:
            continue  # the element itself is reported
        key, message, hint = _finding(tag, attr, value)
        verdict.counts[key] += n
        verdict.messages.setdefault(key, (message, hint))
    comments = _Comments()
    comments.feed(rendered)
    comments.close()
    for name in comments.hidden:
        key = f"<!-- <{name}>"
        verdict.counts[key] += 1
        verdict.messages.setdefault(key, (f"an HTML comment hides <{name}>", "remove the comment; " + HINT))
    return verdict
