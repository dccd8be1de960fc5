"""Paper pages from one rendering of the theme's template: the per-page cost of a large build.

Every paper page sits at the same depth, has the same nav, the same relative asset paths and a
body that is already finished HTML, so the theme's template turns each one into the same text
except for a few values: the title, the meta description, the page's own slug (in its URLs),
the PaperShelf ``<head>`` tags and the body. Rendering the template once with a unique sentinel
in place of each of these values gives a *stencil*; every other paper page is that stencil with
the page's own (already escaped) values put back, which is byte for byte what the template
would have printed, since the template prints these values as they are. The plugin checks that
claim on the first page of each build (stencil filled with that page's values against its real
rendering) and renders as usual any page that breaks an assumption the stencil rests on.

The stencil is also compacted once (``compact``), and each value on its own, which gives the
compacted page without scanning every page whole: no whitespace run or preformatted part may
span a sentinel, which ``make_stencil`` and ``usable`` check.
Pure functions: the MkDocs side is in ``mkdocs_plugin``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jinja2

from generator.engine.compact import compact_html, compacts_alone, keeps_any

MARK = "papershelf-sentinel"
"""No value may contain this text: it would be mistaken for a sentinel."""

KEYS = ("title", "description", "slug", "head", "content")
SENTINELS = {key: f"{MARK}-{key}-0" for key in KEYS}
SENTINELS["content"] = f"<h1>{SENTINELS['content']}</h1>"  # the theme adds a heading to a body without one
_BY_SENTINEL = {s: k for k, s in SENTINELS.items()}
_SPLIT = re.compile("(" + "|".join(re.escape(s) for s in SENTINELS.values()) + ")")
_PLAIN_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


@dataclass(frozen=True)
class Stencil:
    """A rendered page cut at its sentinels: ``parts`` has one more item than ``keys``."""

    parts: tuple[str, ...]
    keys: tuple[str, ...]


def make_stencil(rendered: str) -> Stencil | None:
    """The compacted stencil of a page rendered with ``SENTINELS``, or None if a sentinel is not
    where a paper page needs it: the body exactly once, the title and the head tags at least
    once, and none inside a part that compaction keeps as it is."""
    if keeps_any(rendered, tuple(SENTINELS.values())):
        return None
    pieces = _SPLIT.split(rendered)
    parts, keys = tuple(compact_html(p) for p in pieces[0::2]), tuple(_BY_SENTINEL[s] for s in pieces[1::2])
    if keys.count("content") != 1 or "title" not in keys or "head" not in keys:
        return None
    return Stencil(parts, keys)


def usable(values: dict[str, str]) -> bool:
    """Whether ``values`` can be put into a stencil: every key given, none holding sentinel-like
    text or compacting differently beside its neighbours, and a slug that is printed as it is
    wherever a URL holds it."""
    if set(values) != set(KEYS) or any(MARK in v or not compacts_alone(v) for v in values.values()):
        return False
    return bool(_PLAIN_SLUG.match(values["slug"]))


def fill(stencil: Stencil, values: dict[str, str]) -> str:
    """The compacted page: the stencil with each sentinel replaced by its compacted value (see
    ``usable``)."""
    compacted = {key: compact_html(value) for key, value in values.items()}
    out = [stencil.parts[0]]
    for key, part in zip(stencil.keys, stencil.parts[1:], strict=True):
        out.append(compacted[key])
        out.append(part)
    return "".join(out)


def same_context(context: dict[str, Any], reference: dict[str, Any], ignored: frozenset[str]) -> bool:
    """Whether ``context`` differs from the stencil's only in the page, its head tags and keys
    that no template mentions (MkDocs gives each page its own ``build_date_utc``)."""
    if context.keys() != reference.keys():
        return False
    for key, value in context.items():
        if key in ("page", "papershelf_head") or key in ignored:
            continue
        other = reference[key]
        if value is not other and not (type(value) in (str, list) and value == other):
            return False
    return True


def unused_keys(env: jinja2.Environment, keys: tuple[str, ...]) -> frozenset[str]:
    """Those of ``keys`` that appear in no HTML template of the theme, so cannot be printed."""
    if env.loader is None:
        return frozenset()
    unused = set(keys)
    for name in env.loader.list_templates():
        if name.endswith(".html") and unused:
            source = env.loader.get_source(env, name)[0]
            unused = {key for key in unused if key not in source}
    return frozenset(unused)
