"""Checks over the whole collection, for pull requests: every page's schema plus what no single
page can tell on its own (duplicates, unknown tags, stray files).

The build already leaves broken pages out; validation exists so that a contributor hears about
every problem at once, with the line to fix, before a reviewer does. Everything here is pure
over bytes already read, apart from ``read_entries``, so the command and the tests share it.

Duplicates, and when a shared title is allowed:

- the same arXiv id in any spelling (bare, with a version, ``arXiv:`` prefix, abs/pdf URL) is
  always a duplicate: an arXiv id names exactly one paper;
- the same title after Unicode (NFKC), case and whitespace normalisation is a duplicate unless
  both pages carry arXiv ids and those ids differ: that is how two genuinely different papers
  with one title are told apart (their slugs then differ, e.g. ``-2``);
- two pages with the same slug (possible when pages from two folders are checked together, or
  on case-insensitive file systems) always collide, because they would share one URL.
"""

from __future__ import annotations

import codecs
import difflib
import gc
import os
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.content import files as content_files
from generator.content.frontmatter_format import front_matter_fields, key_line, split_page
from generator.content.pages import read_page_bytes, read_page_file
from generator.content.reading_lists import read_lists, shelf_lists
from generator.content.votes import read_votes
from generator.core.model import Paper
from generator.core.problems import Level, Problem
from generator.core.values import normalize_arxiv

RESERVED_SLUGS = frozenset({"index"})  # papers/index.md would take the URL of the papers folder


def Finding(path: str, line: int, field: str, message: str, hint: str = "", level: Level = "error") -> Problem:
    """One line of validation output, a ``Problem`` at ``path`` (validation names the file
    first, as it prints it). Notices (such as a new tag) never fail a pull request."""
    return Problem(line, field, message, hint, path, level)


@dataclass(slots=True)
class Entry:
    """A page file as read: its bytes' meaning and the identity fields used to find duplicates."""

    path: str
    paper: Paper | None
    problems: list[Problem]
    raw: bytes = b""  # kept to find a key's line only when a finding needs it
    arxiv: str | None = None
    title_key: str | None = None
    slug: str = ""
    bom: bool = False


@dataclass(slots=True)
class Report:
    findings: list[Problem] = field(default_factory=list)
    checked: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [f for f in self.findings if f.level == "error"]

    def summary(self) -> str:
        errors = self.errors
        notes = len(self.findings) - len(errors)
        noun = "page" if self.checked == 1 else "pages"
        if not errors:
            head = f"{self.checked} {noun} checked, no problems"
        else:
            pages = len({f.path for f in errors})
            head = (
                f"{self.checked} {noun} checked, {len(errors)} problem{'s' if len(errors) != 1 else ''}"
                f" in {pages} page{'s' if pages != 1 else ''}"
            )
        return head + (f", {notes} note{'s' if notes != 1 else ''}" if notes else "")


def title_key(title: str) -> str:
    """The form in which two titles count as the same: NFKC, casefolded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def same_paper(arxiv_a: str | None, title_a: str | None, arxiv_b: str | None, title_b: str | None) -> bool:
    """The one rule for "the same paper" (see the module's docstring), given arXiv ids and
    ``title_key`` forms: equal ids when both have one, else equal titles."""
    if arxiv_a and arxiv_b:
        return arxiv_a == arxiv_b
    return title_a is not None and title_a == title_b


def read_entry(path: Path, shown: str) -> Entry:
    """Read one page for validation. Pages with problems still yield their arXiv id and title
    where the YAML is readable, so a duplicate is reported alongside the other problems."""
    raw, problems = read_page_file(path)
    entry = Entry(path=shown, paper=None, problems=problems, slug=path.stem)
    if raw is None:
        return entry
    entry.raw = raw
    entry.bom = raw.startswith(codecs.BOM_UTF8)
    entry.paper, entry.problems = read_page_bytes(raw, path.stem)
    if entry.paper is not None:
        entry.arxiv = entry.paper.arxiv
        entry.title_key = title_key(entry.paper.title)
        return entry
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return entry
    data = front_matter_fields(text)
    raw_arxiv, raw_title = data.get("arxiv"), data.get("title")
    if isinstance(raw_arxiv, str) and (parsed := normalize_arxiv(raw_arxiv)):
        entry.arxiv = parsed[0]
    if isinstance(raw_title, str) and raw_title.strip():
        entry.title_key = title_key(raw_title)
    return entry


def read_entries(items: Sequence[tuple[Path, str]]) -> list[Entry]:
    """Read pages in order, with the cycle collector paused: YAML parsing makes many small
    objects and no cycles, and the collector's passes over them cost a sixth of the run.
    (One process: spreading the work over processes was slower on a two-core machine, as
    sending the results back costs about as much as parsing.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [read_entry(path, shown) for path, shown in items]
    finally:
        if enabled:
            gc.enable()


def page_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(pages, stray files) directly inside a papers folder. Hidden files are ignored; anything
    else that is not ``*.md`` would silently never be published, so it is reported."""
    pages: list[Path] = []
    strays: list[Path] = []
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return [], []
    for child in children:
        if child.name.startswith("."):
            continue
        (pages if child.name.endswith(".md") else strays).append(child)
    return pages, strays


def _line(entry: Entry, key: str) -> int:
    try:
        parts = split_page(entry.raw.decode("utf-8-sig").replace("\r\n", "\n"))
    except UnicodeDecodeError:
        return 1
    return key_line(parts[0], key) if parts else 1


def _suggest(tag: str, known: Sequence[str]) -> str:
    folded = {k.casefold(): k for k in known}
    if tag.casefold() in folded:
        return f"did you mean {folded[tag.casefold()]!r}? Tags match the taxonomy exactly"
    close = difflib.get_close_matches(tag, known, n=1, cutoff=0.75)
    if close:
        return f"did you mean {close[0]!r}? If not, a maintainer may add it to taxonomy in site_config.yml"
    return "fine if it is meant to be new; a maintainer may add it to taxonomy in site_config.yml"


def _page_findings(entry: Entry, known: set[str], taxonomy: Sequence[str]) -> list[Problem]:
    out = [p.at(entry.path) for p in entry.problems]
    if entry.bom:
        out.append(Finding(entry.path, 1, "file", "starts with a byte-order mark", "save it as UTF-8 without BOM"))
    if entry.slug in RESERVED_SLUGS:
        out.append(Finding(entry.path, 1, "file name", f"{entry.slug!r} is reserved", "name the file after the title"))
    if entry.paper is not None:
        line = _line(entry, "tags")
        for tag in entry.paper.tags:
            if tag not in known:
                hint = _suggest(tag, taxonomy)
                out.append(Finding(entry.path, line, "tags", f"{tag!r} is a new tag", hint, level="notice"))
    return out


def _duplicates(entries: Sequence[Entry], wanted: set[str]) -> list[Problem]:
    """Each page in ``wanted`` that shares an arXiv id, a title or a slug with another page."""
    by_arxiv: dict[str, list[Entry]] = defaultdict(list)
    by_title: dict[str, list[Entry]] = defaultdict(list)
    by_slug: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.arxiv:
            by_arxiv[entry.arxiv].append(entry)
        if entry.title_key:
            by_title[entry.title_key].append(entry)
        by_slug[entry.slug.casefold()].append(entry)

    def pairs(groups: dict[str, list[Entry]]) -> Iterable[tuple[str, Entry, Entry]]:
        for key, group in groups.items():
            for entry in group:
                if entry.path in wanted:
                    yield from ((key, entry, other) for other in group if other is not entry)

    out: list[Problem] = []
    for ident, entry, other in pairs(by_arxiv):
        msg = f"{ident} is also the arXiv id of {other.path}"
        out.append(Finding(entry.path, _line(entry, "arxiv"), "arxiv", msg, "a paper is listed once: keep one page"))
    for _, entry, other in pairs(by_title):
        if entry.arxiv and other.arxiv:
            continue  # ``same_paper`` decides by the ids then: equal ones were reported above
        hint = "if it is the same paper keep one page; if it is another paper, give both pages their arXiv ids"
        out.append(Finding(entry.path, _line(entry, "title"), "title", f"same title as {other.path}", hint))
    for slug, entry, other in pairs(by_slug):
        msg = f"the slug {slug!r} is also used by {other.path}"
        out.append(Finding(entry.path, 1, "file name", msg, "two pages cannot share a URL: rename one"))
    return out


def check_entries(entries: Sequence[Entry], targets: Iterable[str], taxonomy: Sequence[str]) -> list[Problem]:
    """Findings for the pages in ``targets`` (paths as shown), judged against all ``entries``."""
    wanted = set(targets)
    known = set(taxonomy)
    out = [f for entry in entries if entry.path in wanted for f in _page_findings(entry, known, taxonomy)]
    out += _duplicates(entries, wanted)
    out.sort(key=lambda f: (f.path, f.line, f.field, f.message))
    return out


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _inside(path: Path, folder: Path) -> Path | None:
    """``path`` relative to ``folder`` when it is inside it (``..`` and links resolved), else None."""
    try:
        return path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return None


def validate(
    paths: Sequence[Path],
    papers_dir: Path,
    taxonomy: Sequence[str],
    show: Callable[[Path], str] = str,
    content_dir: Path | None = None,
) -> Report:
    """Check ``paths`` (files or folders; the papers folder when empty) against the collection.

    With ``content_dir``, every other file of that folder is checked too (``content_files``):
    pages through the sanitizer, and files the site would not publish are errors."""
    collection, strays = page_files(papers_dir)
    targets: list[Path] = []
    missing: list[Path] = []
    others: dict[Path, list[Problem]] = {}
    papers_rel = _inside(papers_dir, content_dir) if content_dir is not None else None
    if content_dir is not None and papers_rel != Path(content_files.PAPERS_DIR):
        content_dir = None  # a papers folder of its own: only it is checked, as before
    community: set[str] | None = None  # reading lists and votes to check: all (None) or these
    if content_dir is not None and not paths:
        strays = []  # reported by the content check, with the rest of content/
        others = content_files.content_problems(content_dir)
    if paths:
        strays = []
        community = set()
        for path in paths:
            rel = _inside(path, content_dir) if content_dir is not None else None
            if content_dir is not None and rel == Path():
                others.update(content_files.content_problems(content_dir))
                targets += collection
                community = None
            elif rel is not None and community is not None and content_files.is_data_file(rel):
                community.add(rel.as_posix())
            elif rel is not None and community is not None and rel == Path(content_files.LISTS_DIR):
                community.update(f"{content_files.LISTS_DIR}/{p.name}" for p in path.glob("*.yml"))
                others[path] = content_files.path_problems(path, rel)
            elif rel is not None and rel != papers_rel and not content_files.is_paper_page(rel) and path.exists():
                others[path] = content_files.path_problems(path, rel)
            elif path.is_dir() and not path.is_symlink():
                found, more = page_files(path)
                targets += found
                strays += more
            elif path.exists() or path.is_symlink():
                targets.append(path)
            else:
                missing.append(path)
    else:
        targets = list(collection)
    seen: dict[str, Path] = {}
    for path in collection:
        seen.setdefault(_key(path), path)
    if paths:
        keyed = [(_key(t), t) for t in targets]
        target_keys = {key for key, _ in keyed}
        for key, path in keyed:
            seen.setdefault(key, path)
    else:
        target_keys = set(seen)
    shown = {k: show(p) for k, p in seen.items()}
    entries = read_entries([(p, shown[k]) for k, p in seen.items()])
    findings = check_entries(entries, {shown[k] for k in target_keys}, taxonomy)
    findings += [Finding(show(p), 1, "file", "does not exist", "check the path") for p in missing]
    findings += [
        Finding(show(p), 1, "file", "is not a page and will not be published", "pages end in .md") for p in strays
    ]
    findings += [p.at(show(path)) for path, problems in others.items() for p in problems]
    if content_dir is not None and (community is None or community):
        findings += _community_findings(content_dir, [e.paper for e in entries if e.paper], community, show)
    findings.sort(key=lambda f: (f.path, f.line, f.field, f.message))
    return Report(findings=findings, checked=len(target_keys))


def _community_findings(
    content_dir: Path, papers: Sequence[Paper], wanted: set[str] | None, show: Callable[[Path], str]
) -> list[Problem]:
    """Reading lists (every entry not on the shelf, every paper listed twice, every bad field)
    and ``votes.json``, each problem at its file and line; ``wanted`` limits them to files
    given by name (paths inside content/)."""
    _, by_list = shelf_lists(read_lists(content_dir), papers)
    _, votes = read_votes(content_dir, {p.slug: p for p in papers})
    found = {**by_list, content_files.VOTES_FILE: votes} if votes else by_list
    return [
        p.at(show(content_dir / src))
        for src, problems in found.items()
        if wanted is None or src in wanted
        for p in problems
    ]


# --------------------------------------------------------------------------- output


def printable(text: str) -> str:
    """Contributor text on one safe line: control and invisible formatting characters (newlines,
    bidi overrides) are shown as escapes, so output cannot be split or visually spoofed."""
    if text.isprintable():  # the common case, checked in C
        return text
    out = []
    for ch in text:
        if ch == " " or unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp", "Zs"}:
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return "".join(out)


def show_path(path: Path) -> str:
    """The path as the contributor typed it, made safe to start a line with: a name such as
    ``::error::x.md`` must never read as a workflow command."""
    text = printable(str(path))
    return f"./{text}" if text[:1] in (":", " ") else text


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Problem) -> str:
    """A GitHub Actions workflow command that marks the line in the pull request's diff.

    Values are escaped as the runner expects (``%``, CR, LF everywhere; ``:`` and ``,`` in
    properties), so contributor text can neither end the command early nor start another one.
    """
    tail = f" — {finding.hint}" if finding.hint else ""
    props = ",".join(
        (
            f"file={_escape_property(finding.path)}",
            f"line={finding.line}",
            f"title={_escape_property(finding.field)}",
        )
    )
    return f"::{finding.level} {props}::{_escape_data(finding.message + tail)}"


def render_report(report: Report, github_actions: bool) -> list[str]:
    """Output lines: one per finding, annotations too under GitHub Actions, then the summary."""
    lines = [printable(f.format()) for f in report.findings]
    if github_actions:
        lines += [annotation(f) for f in report.findings]
    lines.append(report.summary())
    return lines
