"""Maintainers' pages (``content/about.md`` and the like): Markdown, then an allowlist sanitizer.

Interim version; the full allowlist and its tests land separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import markdown
import nh3

from generator.content.pages import Problem, split_page


@dataclass(frozen=True, slots=True)
class RenderedPage:
    title: str
    html: str


def render_page(text: str, path: str) -> tuple[RenderedPage | None, list[Problem]]:
    parts = split_page(text)
    body = parts[1] if parts else text
    title = ""
    if parts:
        for line in parts[0].splitlines():
            if line.startswith("title:"):
                title = line.removeprefix("title:").strip().strip("'\"")
    html = markdown.markdown(body, extensions=["toc", "attr_list", "admonition", "tables", "fenced_code"])
    clean = nh3.clean(html, attributes={"*": {"class", "id"}, "a": {"href", "title"}, "img": {"src", "alt"}})
    return RenderedPage(title or path, f'<div class="ps-page">\n{clean}\n</div>'), []
