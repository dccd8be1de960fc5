"""What keeps MkDocs quick on the staged folder, apart from the stencil (``fastpages``):
reading a staged page's front matter without a YAML parser, taking a page that is finished
HTML as it is (with its table of contents read from its headings), and keeping compiled
templates between the rebuilds of one preview."""

from __future__ import annotations

import json
import re
from typing import Any

import jinja2
import jinja2.bccache


def staged_meta(source: str) -> tuple[str, dict[str, Any]] | None:
    """``(body, meta)`` of a page in the staged format, or None for any other text. JSON strings
    are YAML strings, so this reads what YAML would, at a fraction of the cost per page."""
    if not source.startswith("---\n"):
        return None
    end = source.find("\n---\n", 3)
    if end < 0:
        return None
    meta: dict[str, Any] = {}
    for line in source[4:end].split("\n"):
        key, sep, value = line.partition(": ")
        if not sep or not value.startswith('"') or not key.isidentifier():
            return None
        try:
            meta[key] = json.loads(value)
        except ValueError:
            return None
        if not isinstance(meta[key], str):
            return None
    return source[end + 5 :].lstrip("\n"), meta


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept in memory between the rebuilds of one ``mkdocs serve``: each
    rebuild makes a new template environment, and compiling the theme again is a sizeable part
    of an edit's rebuild. A template whose source changed does not match its checksum and is
    compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = TemplateCode()


def is_html_body(body: str) -> bool:
    """Whether every line of ``body`` is HTML (starts with a tag): a page Markdown would pass
    through unchanged (listings, the archive). Anything with a line of text is Markdown's."""
    lines = [line for line in body.strip().split("\n") if line.strip()]
    return bool(lines) and all(line.lstrip().startswith("<") for line in lines)


_HEADING = re.compile(r'^<h([2-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.MULTILINE)
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')
_TAG = re.compile(r"<[^>]+>")


def toc_tokens(body: str) -> list[dict[str, Any]]:
    """The table of contents of a finished HTML page, in the shape Markdown's ``toc`` extension
    gives MkDocs: each heading with an id that starts a line, nested by level, named by its
    text (the permalink left out)."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for level, anchor, inner in _HEADING.findall(body):
        inner = _PERMALINK.sub("", inner)
        token = {"level": int(level), "id": anchor, "name": _TAG.sub("", inner).strip(), "html": inner}
        token.update({"data-toc-label": "", "children": []})
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def nav_titles(nav: Any) -> dict[str, str | None]:
    """src path -> the title ``nav`` in mkdocs.yml gives it (None for a bare path)."""
    found: dict[str, str | None] = {}
    items = nav if isinstance(nav, list) else []
    for item in items:
        if isinstance(item, str):
            found.setdefault(item, None)
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    found.setdefault(value, str(title))
                else:
                    for src, name in nav_titles(value).items():
                        found.setdefault(src, name)
    return found


_PLAIN_PATH = re.compile(r"(?:[A-Za-z0-9_~-]+(?:\.[A-Za-z0-9_~-]+)*/)*(?:[A-Za-z0-9_~-]+(?:\.[A-Za-z0-9_~-]+)*)?")
_SITE = re.compile(r"https?://[^/?#]+(/[^?#]*)?")


def _plain(path: str) -> bool:
    """A relative path that ``urljoin`` appends as it is: no scheme, query, fragment, dot
    segment or leading slash."""
    return _PLAIN_PATH.fullmatch(path) is not None


def canonical_urls(base: str | None, url: str) -> tuple[str, str] | None:
    """``(canonical_url, abs_url)`` as MkDocs' ``Page._set_canonical_url`` makes them, without
    ``urljoin``, for the plain case (an http(s) site URL, a plain page URL); None otherwise, and
    MkDocs computes it. Thousands of pages are made on every preview rebuild."""
    if not base or not _plain(url):
        return None
    if not base.endswith("/"):
        base += "/"
    site = _SITE.fullmatch(base)
    if site is None:
        return None
    return base + url, (site.group(1) or "/") + url


def edit_url(repo_url: str | None, edit_uri: str | None, template: str | None, src_uri: str | None) -> str | None:
    """The page's edit link as MkDocs' ``Page._set_edit_url`` makes it, for the plain case (a
    repository URL, a relative ``edit_uri`` ending in ``/``, no template): ``""`` for no link,
    None where MkDocs must compute it."""
    if template:
        return None
    if not edit_uri or src_uri is None:
        return ""
    repo = repo_url if not repo_url or repo_url.endswith("/") else repo_url + "/"
    if not repo or _SITE.fullmatch(repo) is None:
        return None
    if not edit_uri.endswith("/") or not _plain(edit_uri + src_uri):
        return None
    return repo + edit_uri + src_uri


STAMP_POLL_S = 0.1
"""How often the preview server looks at the stager's stamp (MkDocs polls every 0.5 s, which
is right for a folder of files and needlessly slow for the one file it now watches)."""


def watch_often(server: Any, path: str) -> None:
    """``server.watch(path)``, polled every ``STAMP_POLL_S``. The poll interval is the file
    watcher's ``_timeout``, read when a watch is added; where that attribute is missing (another
    watchdog), the watch keeps MkDocs' interval."""
    observer = getattr(server, "observer", None)
    before = getattr(observer, "_timeout", None)
    if isinstance(before, (int, float)):
        observer._timeout = min(before, STAMP_POLL_S)  # type: ignore[union-attr]
    try:
        server.watch(path)
    finally:
        if isinstance(before, (int, float)):
            observer._timeout = before  # type: ignore[union-attr]
