"""The site's pages that are not papers (``content/about.md`` and any page a maintainer adds):
Markdown, then an allowlist sanitizer, or a refusal that names the line.

Such pages come from pull requests like paper pages do, but they may hold real markup
(headings, lists, links, tables, images, notes), so they cannot simply be escaped. They are
rendered with Python-Markdown and cleaned with nh3 (the ammonia sanitizer, which parses HTML the
way browsers do). The page is not silently changed: when the sanitizer would have to remove
anything, the page is refused with the line and what was found, so a reviewer sees the build
fail instead of a page that differs from its source.

How "would have to remove" is known without a second HTML parser guessing: the rendered HTML
goes through nh3 twice, once with a pass that keeps every element, attribute and URL it holds
(so only the browser-like parse and serialisation happen) and once with the allowlist. Both
outputs come from the same serialiser, so comparing their elements and attributes is exact.

Pure functions: text in, ``RenderedPage`` or problems out.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

from generator.content.fields import text_field
from generator.content.frontmatter_format import MAX_PAGE_BYTES, read_front_matter
from generator.core.problems import Problem
from generator.site.render import relative_url

PAGE_KEYS: tuple[str, ...] = ("title",)
"""The front matter a page may carry. Anything else (``template``, ``hide``…) would reach the
theme, so it is an error rather than ignored."""

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
    # (generator.site.render, generator.core.tex), so the same KaTeX script typesets both.
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
MAX_REPORTED = 20


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A page ready for the site. ``title`` is plain text (escape it where it is placed);
    ``html`` is the body, already sanitized."""

    title: str
    html: str


def _converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), extension_configs=MARKDOWN_CONFIG)


def _markdown(text: str, md: markdown.Markdown) -> tuple[str, str]:
    """(HTML, text of the first level-1 heading or ""); ``md`` is reset and reused, as making a
    converter costs more than converting a paragraph."""
    md.reset()
    out = md.convert(text)
    tokens = getattr(md, "toc_tokens", [])
    first = next((t for t in tokens if t.get("level") == 1), None)
    return out, html.unescape(first["name"]) if first else ""


# --------------------------------------------------------------------------- what nh3 removed


_TAG_NAME = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_KNOWN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "blob", "about", "ftp", "ws", "wss"})


def _keep_all(fragment: str) -> str:
    """nh3's parse and serialisation of ``fragment`` with nothing removed but comments.

    Tag and attribute names and URL schemes are over-collected from the text (any word that
    could be one), so everything the HTML parser finds is in the lists and kept."""
    words = {w.lower() for w in re.split(r"[\s/>=]+", fragment) if w}
    words |= {w.lower() for w in re.split(r"[\s/>=\"'`<]+", fragment) if w}
    tags = {m.lower() for m in _TAG_NAME.findall(fragment)} | ALLOWED_TAGS
    decoded = html.unescape(fragment).replace("\t", "").replace("\n", "").replace("\r", "")
    schemes = {m.lower() for m in _SCHEME.findall(decoded)} | _KNOWN_SCHEMES | URL_SCHEMES
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
        scheme = _SCHEME.match(html.unescape(value).strip().replace("\t", "").replace("\n", "").replace("\r", ""))
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
class _Verdict:
    clean: str  # the sanitized HTML
    heading: str  # the first level-1 heading's text
    counts: Counter[str]  # how often each finding occurs
    messages: dict[str, tuple[str, str]]  # finding -> (message, hint)


def _findings(body: str, md: markdown.Markdown) -> _Verdict:
    rendered, heading = _markdown(body, md)
    clean, removed = _removed(rendered)
    verdict = _Verdict(clean, heading, Counter(), {})
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
    if _findings("\n".join(lines), md).counts[key] < nth:
        return 0  # not to be told apart line by line: the body's first line
    lo, hi = 1, len(lines)
    while lo < hi:
        mid = (lo + hi) // 2
        if _findings("\n".join(lines[:mid]), md).counts[key] >= nth:
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
        scheme = _SCHEME.match(target)
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            return True
    return False


def _locate(lines: list[str], counts: Counter[str], md: markdown.Markdown) -> list[tuple[int, str]]:
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
        here = _findings("\n".join(sparse[start:end]) + definitions, md).counts  # a link's URL may be far
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


# --------------------------------------------------------------------------- the page


def render_page(text: str, path: str) -> tuple[RenderedPage | None, list[Problem]]:
    """Render a maintainer page: (page, []) when it is clean, or (None, problems) naming each
    line whose markup the site would not publish.

    ``path`` is the page's path inside content/ (``about.md``, ``guide/notes.md``): relative
    links are made relative to its published URL, and its name is the title of last resort."""
    if len(text.encode("utf-8")) > MAX_PAGE_BYTES:
        return None, [Problem(1, "file", "is larger than 256 KB", "split it into several pages")]
    if "\x00" in text:
        return None, [Problem(1, "file", "contains NUL characters", "save it as plain text")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    title: str | None = None
    body, body_line = text, 1
    page, problems = read_front_matter(text)
    if problems:
        return None, problems
    if page is not None:
        body, body_line = page.body, page.body_line
        page.refuse_unknown(PAGE_KEYS, "a page's front matter holds only 'title'")
        title = text_field(page.data, "title", page.add)
        if page.problems:
            return None, page.problems

    md = _converter()
    verdict = _findings(body, md)
    if verdict.counts:
        found = _locate(body.split("\n"), verdict.counts, md)
        problems = [Problem(body_line + i, "body", *verdict.messages[key]) for i, key in found]
        return None, sorted(set(problems), key=lambda p: (p.line, p.message))
    title = title or verdict.heading or _title_from_path(path)
    return RenderedPage(title=title, html=rebase_links(verdict.clean, path)), []


_LINK_ATTR = re.compile(r'(<(?:a|img)\b[^>]*?\s(?:href|src)=")([^"]*)(")')
_SCHEME_OR_ROOT = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|/|#|\?)")


def page_url(path: str) -> str:
    """The directory URL of the page at ``path`` inside content/ (``guide/x.md`` -> ``guide/x/``,
    ``index.md`` -> ``""``), as the engine publishes it with directory URLs."""
    stem = path[: -len(".md")] if path.endswith(".md") else path
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def rebase_links(fragment: str, path: str) -> str:
    """Relative links and images are written from the page's source file (``papers/x.md``,
    ``images/a.png``); the published page lives one folder deeper (``about/``), so each is made
    relative to the page's URL, and a link to a page names the page, not its ``.md`` file."""
    here = page_url(path)
    folder = posixpath.dirname(path)

    def fix(m: re.Match[str]) -> str:
        value = html.unescape(m.group(2))
        if not value or _SCHEME_OR_ROOT.match(value):
            return m.group(0)
        target, sep, fragment_part = value.partition("#")
        target, qsep, query = target.partition("?")
        sep, fragment_part = qsep + query + sep, fragment_part
        target_path = posixpath.normpath(posixpath.join(folder, target)) if target else path
        if target_path.startswith("../"):
            return m.group(0)  # outside the site: the engine reports it; nothing to rebase
        url = page_url(target_path) if target_path.endswith(".md") else target_path
        rel = relative_url(here, url) if target else ""
        if target and url == "" and not rel.endswith("/"):
            rel += "/"  # the home page
        return f"{m.group(1)}{html.escape(rel + sep + fragment_part, quote=True)}{m.group(3)}"

    return _LINK_ATTR.sub(fix, fragment)


def _title_from_path(path: str) -> str:
    """What MkDocs would call a page without a title: its file name, capitalised."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = stem.replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else "Page"
