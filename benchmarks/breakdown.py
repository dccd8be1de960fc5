"""Where a built site's files and bytes go: files and bytes by top-level folder, bytes by kind
(paper pages, listings, search index, My shelf's data, feeds, exports...), and the average paper
page cut into its parts (head metadata, header, tabs, the paper itself, footer, scripts).

A size budget is met by knowing which part to cut: "17 KB a paper" alone says nothing of
whether the pages, the search index or the feeds grew. ``python -m benchmarks breakdown SITE``
prints the same tables for any built site.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.search.index import INDEX_DIR
from generator.search.typos import TYPOS_DIR
from generator.shelf.data import SHELF_DIR

KINDS: tuple[tuple[str, str], ...] = (
    ("paper pages", r"papers/[^/]+/index\.html"),
    ("search index", rf"{INDEX_DIR}/.*|assets/search[^/]*|search/.*"),  # the last: stock Material's
    ("search typos", rf"{TYPOS_DIR}/.*"),
    ("shelf data", rf"{SHELF_DIR}/.*|assets/shelf[^/]*|shelf/.*"),
    ("feeds", r"(.*/)?(atom|rss)\.xml|(.*/)?feed\.json"),
    ("exports", r".*\.bib|.*\.json\.gz|papers\.schema\.json|sources/.*"),
    ("sitemap", r"(.*/)?sitemap\.xml(\.gz)?|robots\.txt"),
    ("theme assets", r"assets/.*"),
    ("listing pages", r".*\.html"),
)
"""Each published file's kind: the first pattern that matches its whole site-relative path.
"Listing pages" are every other page: the home page and its later pages, topics, archive
days and months, trending, reading lists, authors, subscribe, about."""

_KIND_RES = [(kind, re.compile(pattern)) for kind, pattern in KINDS]


def kind_of(rel: str) -> str:
    for kind, pattern in _KIND_RES:
        if pattern.fullmatch(rel):
            return kind
    return "other"


def folder_of(rel: str) -> str:
    """The top-level folder a file is in, with ``assets/`` split one level further (the search
    index, My shelf's data and the theme's files all live there); files at the top: "(top)"."""
    parts = rel.split("/")
    if len(parts) == 1:
        return "(top)"
    if parts[0] == "assets" and len(parts) > 2:
        return f"assets/{parts[1]}/"
    if parts[0] == "assets":
        return "assets/ (files)"
    return parts[0] + "/"


HEAD_PARTS: tuple[tuple[str, str], ...] = (
    ("head: citation tags", r'<meta name="citation_[^>]*>\n?'),
    ("head: JSON-LD", r'<script type="application/ld\+json">.*?</script>\n?'),
    ("head: OpenGraph/Twitter", r'<meta (?:property="og:|name="twitter:)[^>]*>\n?'),
    ("head: meta description", r'<meta name="description"[^>]*>\n?'),
    ("head: feed links", r'<link rel="alternate"[^>]*>\n?'),
    ("head: math", r'<link rel="stylesheet" href="[^"]*katex[^>]*>\n?|<script defer src="[^"]*math\.js.*?</script>\n?'),
)
BODY_PARTS: tuple[tuple[str, str], ...] = (
    ("header", r'<header class="md-header".*?</header>\n?'),
    ("tabs", r'<nav class="md-tabs[" ].*?</nav>\n?'),
    ("paper: related papers", r'<section class="ps-related">.*?</section>\n?'),
    ("paper: BibTeX", r'<section class="ps-cite">.*?</section>\n?'),
    ("paper: abstract", r'<div class="ps-abstract">.*?</div>\n?'),
    ("paper: authors", r'<p class="ps-authors">.*?</p>\n?'),
    ("footer", r'<footer class="md-footer">.*?</footer>\n?'),
)
"""Parts of a paper page, each a pattern cut out of its head or body in this order. What is
left is the rest of the head (the theme's: charset, title, stylesheets, its first script), the
rest of the paper's article, the scripts after the footer, and the rest of the page's chrome."""

_HEAD_RES = [(name, re.compile(pattern, re.S)) for name, pattern in HEAD_PARTS]
_BODY_RES = [(name, re.compile(pattern, re.S)) for name, pattern in BODY_PARTS]
_ARTICLE = re.compile(r'<article class="ps-paper">.*</article>', re.S)
_SCRIPT = re.compile(r"<script[^>]*>.*?</script>\n?", re.S)


def _cut(text: str, parts: list[tuple[str, re.Pattern[str]]], out: dict[str, int]) -> str:
    for name, pattern in parts:
        found = 0

        def cut(match: re.Match[str]) -> str:
            nonlocal found
            found += len(match.group(0).encode())
            return ""

        text = pattern.sub(cut, text)
        out[name] = found
    return text


def _size(text: str) -> int:
    return len(text.encode())


def page_parts(html: str) -> dict[str, int]:
    """The bytes (UTF-8) of each part of one paper page; the parts add up to the page."""
    out: dict[str, int] = {}
    head, marker, body = html.partition("</head>")
    head = _cut(head + marker, _HEAD_RES, out)
    out["head: the theme's"] = _size(head)
    end = body.rfind("</div>")  # the page's last element; the theme's scripts follow it
    scripts = _SCRIPT.findall(body, end)
    out["scripts after the page"] = sum(map(_size, scripts))
    body = body[:end] + _SCRIPT.sub("", body[end:])
    body = _cut(body, _BODY_RES, out)
    article = _ARTICLE.search(body)
    out["paper: the rest"] = _size(article.group(0)) if article else 0
    out["other chrome"] = _size(body) - out["paper: the rest"]
    return out


@dataclass(slots=True)
class Breakdown:
    files: int = 0
    bytes: int = 0
    folders: Counter[str] = field(default_factory=Counter)  # folder: files
    folder_bytes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)  # kind: files
    kind_bytes: Counter[str] = field(default_factory=Counter)
    paper_pages: int = 0
    sampled: int = 0
    parts: Counter[str] = field(default_factory=Counter)  # part: bytes summed over the sample


def _every(paths: list[Path], most: int) -> Iterable[Path]:
    step = max(1, -(-len(paths) // most))
    return paths[::step]


def breakdown(site: Path, sample: int = 2000) -> Breakdown:
    """Walk a built site; cut up to ``sample`` paper pages (evenly spread, by path) into parts."""
    out = Breakdown()
    papers: list[Path] = []
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        size = path.stat().st_size
        kind, folder = kind_of(rel), folder_of(rel)
        out.files += 1
        out.bytes += size
        out.folders[folder] += 1
        out.folder_bytes[folder] += size
        out.kinds[kind] += 1
        out.kind_bytes[kind] += size
        if kind == "paper pages":
            papers.append(path)
    out.paper_pages = len(papers)
    for path in _every(sorted(papers), sample) if sample > 0 else ():
        out.parts.update(page_parts(path.read_text(encoding="utf-8")))
        out.sampled += 1
    return out


def as_figures(b: Breakdown) -> dict[str, float]:
    """The breakdown as flat figures for the benchmark's JSON (``BuildFigures.extra``)."""
    out: dict[str, float] = {}
    for folder, n in b.folders.items():
        out[f"files in {folder}"] = n
        out[f"MB in {folder}"] = b.folder_bytes[folder] / 1e6
    for kind, n in b.kinds.items():
        out[f"files of {kind}"] = n
        out[f"MB of {kind}"] = b.kind_bytes[kind] / 1e6
    for part, total in b.parts.items():
        out[f"paper page bytes: {part}"] = total / max(1, b.sampled)
    return out


def format_breakdown(b: Breakdown, papers: int = 0) -> str:
    """Three tables: files and MB by folder, by kind (with KB a paper), and the average paper page."""
    per = papers or b.paper_pages or 1
    lines = [f"{'files by folder':40} {'files':>9} {'MB':>9}"]
    for folder, n in sorted(b.folders.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {folder:38} {n:>9,} {b.folder_bytes[folder] / 1e6:>9,.1f}")
    lines.append(f"  {'all':38} {b.files:>9,} {b.bytes / 1e6:>9,.1f}")
    others = b.files - b.kinds["paper pages"]
    lines.append(f"files that are not paper pages: {others:,} ({others / per:.3f} a paper; the budget leaves 0.2)")
    lines.append(f"{'bytes by kind':40} {'files':>9} {'MB':>9} {'KB/paper':>9}")
    for kind, size in sorted(b.kind_bytes.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {kind:38} {b.kinds[kind]:>9,} {size / 1e6:>9,.1f} {size / 1000 / per:>9,.2f}")
    if b.sampled:
        total = sum(b.parts.values()) / b.sampled
        lines.append(f"average paper page ({b.sampled:,} of {b.paper_pages:,} pages): {total / 1000:,.2f} KB")
        for part, size in sorted(b.parts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {part:38} {size / b.sampled:>9,.0f} B")
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "breakdown",
        help="files and bytes of a built site by folder and kind, and its average paper page by part",
    )
    p.add_argument("site", type=Path, metavar="SITE", help="a built site's folder")
    p.add_argument("--papers", type=int, default=0, metavar="N", help="papers for KB a paper (default: paper pages)")
    p.add_argument("--sample", type=int, default=2000, metavar="K", help="paper pages cut into parts (default 2000)")
    p.set_defaults(run=lambda a: print(format_breakdown(breakdown(a.site, a.sample), a.papers)))
