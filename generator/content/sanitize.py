"""The site's pages that are not papers (``content/about.md`` and any page a maintainer adds):
Markdown, then an allowlist sanitizer, or a refusal that names the line.

Such pages come from pull requests like paper pages do, but they may hold real markup
(headings, lists, links, tables, images, notes), so they cannot simply be escaped. They are
rendered with Python-Markdown and cleaned with nh3 (the ammonia sanitizer, which parses HTML the
way browsers do). The page is not silently changed: when the sanitizer would have to remove
anything, the page is refused with the line and what was found, so a reviewer sees the build
fail instead of a page that differs from its source.

The allowlist and how a removal is detected are in ``generator.content.html_policy``; finding
the line of each is ``generator.content.finding_lines``; this module is the page: its front matter
(read like a paper page's), its title and its links.

Pure functions: text in, ``RenderedPage`` or problems out.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

from generator.content.fields import text_field
from generator.content.finding_lines import locate
from generator.content.frontmatter_format import MAX_PAGE_BYTES, read_front_matter
from generator.content.html_policy import converter, findings
from generator.core.html import relative_url
from generator.core.problems import Problem

PAGE_KEYS: tuple[str, ...] = ("title",)
"""The front matter a page may carry. Anything else (``template``, ``hide``…) would reach the
theme, so it is an error rather than ignored."""


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A page ready for the site. ``title`` is plain text (escape it where it is placed);
    ``html`` is the body, already sanitized."""

    title: str
    html: str


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

    md = converter()
    verdict = findings(body, md)
    if verdict.counts:
        found = locate(body.split("\n"), verdict.counts, md)
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
