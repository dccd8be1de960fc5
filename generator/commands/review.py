"""``review``: what a pull request does to the shelf, readable without downloading anything.

Lists each paper page the change adds, changes, renames or removes against a base revision,
with the fields a reviewer checks (title, authors, listing date, topics, links) and the page's
validation result, as GitHub-flavoured Markdown for the job summary (``$GITHUB_STEP_SUMMARY``).
Under GitHub Actions each problem is also an annotation on its file and line, made by the same
function ``validate`` uses.

Everything read from a page comes from the pull request, so it is untrusted: every value is
printed as text (HTML and Markdown escaped, control and invisible characters shown as escapes),
and the only links made are to arXiv, from an id validation has accepted.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.collection import load_collection, page_paths
from generator.content.frontmatter_format import front_matter_fields
from generator.content.pages import read_page
from generator.content.reading_lists import LIST_SUFFIX, ListFile, parse_list, read_list_file, shelf_lists
from generator.content.validate import annotation, printable, show_path, validate
from generator.core.model import Paper
from generator.core.problems import Problem
from generator.core.site_config import ConfigError, TopicConfig, load_site_config
from generator.taxonomy.topics import topics_of

STATUS_WORDS = {"A": "added", "M": "changed", "T": "changed", "R": "renamed", "C": "copied", "D": "removed"}
SUMMARY_BUDGET = 900_000  # bytes; GitHub takes at most 1 MiB of summary per step


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="summarise the paper pages and reading lists a change adds or edits, with their validation result",
        description=(
            "Compare the working tree with a base revision (git diff --merge-base) and list each paper page "
            "added, changed, renamed or removed: title, authors, listing date, topics, links and the problems "
            "validate finds. Writes GitHub-flavoured Markdown to --summary, to $GITHUB_STEP_SUMMARY when it is "
            "set, or else to standard output; exits 1 if a page of the change has a problem."
        ),
    )
    p.add_argument("--base", required=True, metavar="REV", help="the revision to compare with, e.g. main or a SHA")
    p.add_argument("--papers", type=Path, default=Path("content/papers"), help="the collection's folder")
    p.add_argument("--config", type=Path, default=Path("site_config.yml"), help="the site settings (for topics)")
    p.add_argument("--lists", type=Path, default=Path("content/collections"), help="the reading lists' folder")
    p.add_argument("--summary", type=Path, help="append the Markdown to this file")
    p.set_defaults(run=run)


@dataclass(frozen=True, slots=True)
class Change:
    """One file of the diff; ``old`` is set for renames and copies."""

    status: str  # one of STATUS_WORDS
    path: str
    old: str | None = None


@dataclass(slots=True)
class Reviewed:
    """A changed page as the summary shows it."""

    change: Change
    shown: str  # the path as printed (and as annotations name it)
    paper: Paper | None = None
    title: str | None = None  # what could be read of a broken page's title
    topics: tuple[str, ...] = ()
    findings: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [f for f in self.findings if f.level == "error"]


class ReviewError(Exception):
    """git could not answer; the message says what to do."""


def parse_name_status(output: bytes) -> list[Change]:
    """``git diff --name-status -z`` output as changes. With ``-z`` paths are never quoted, so
    spaces, quotes and newlines in file names arrive as they are."""
    items = output.decode("utf-8", errors="surrogateescape").split("\0")
    changes: list[Change] = []
    i = 0
    while i < len(items) and items[i]:
        status = items[i][:1]
        if status in ("R", "C"):
            changes.append(Change(status, items[i + 2], items[i + 1]))
            i += 3
        else:
            changes.append(Change(status if status in STATUS_WORDS else "M", items[i + 1]))
            i += 2
    return changes


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as err:
        raise ReviewError(f"cannot run git ({err.strerror})") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        command = next((a for a in args if a and not a.startswith("-") and "=" not in a), "")
        raise ReviewError(f"git {command}: {message[-1] if message else 'failed'}")
    return result.stdout


def changed_pages(base: str, papers: Path) -> list[Change]:
    """The changes under ``papers`` from the merge base of ``base`` and HEAD to the working tree
    (so a local run sees uncommitted edits too), plus untracked pages, paths relative to the
    current folder."""
    cwd = Path.cwd()
    if base.startswith("-"):
        raise ReviewError(f"--base: {base!r} is not a revision")
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
        _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{base}^{{commit}}"], cwd)
    except ReviewError as err:
        raise ReviewError(f"--base {base}: not a commit here ({err}); fetch it first, e.g. fetch-depth: 0") from None
    spec = ["--", str(papers)]
    diff = _git(["-c", "core.quotePath=false", "diff", "--name-status", "-z", "-M", "--merge-base", base, *spec], cwd)
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name", *spec], cwd)
    changes = parse_name_status(diff)
    changes += [Change("A", name) for name in untracked.decode("utf-8", "surrogateescape").split("\0") if name]

    def local(path: str) -> str:
        return os.path.relpath(top / path, cwd)

    found = [Change(c.status, local(c.path), local(c.old) if c.old else None) for c in changes]
    return sorted(found, key=lambda c: c.path)


def review(changes: Sequence[Change], papers: Path, taxonomy: Sequence[TopicConfig]) -> list[Reviewed]:
    """Read and validate each changed page against the whole collection, as ``validate`` does."""
    present = [c for c in changes if c.status != "D"]
    report = validate([Path(c.path) for c in present], papers, [t.name for t in taxonomy], show=show_path)
    by_path: dict[str, list[Problem]] = {}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    out: list[Reviewed] = []
    for change in changes:
        item = Reviewed(change=change, shown=show_path(Path(change.path)))
        if change.status != "D":
            item.findings = by_path.get(item.shown, [])
            item.paper, _ = read_page(Path(change.path))
            if item.paper is not None:
                item.topics = topics_of(item.paper, taxonomy)
            else:
                item.title = _readable_title(Path(change.path))
        out.append(item)
    return out


def _readable_title(path: Path) -> str | None:
    try:
        title = front_matter_fields(path.read_bytes().decode("utf-8-sig")).get("title")
    except (OSError, UnicodeDecodeError):
        return None
    return title if isinstance(title, str) else None


# --------------------------------------------------------------------------- Markdown, escaped

_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def md_text(value: str) -> str:
    """Untrusted text as Markdown that shows exactly that text: on one line, with every ASCII
    punctuation character backslash-escaped, so no tag, link, emphasis, entity, mention or
    table cell can start. (CommonMark lets any ASCII punctuation be escaped this way.)"""
    return _PUNCTUATION.sub(r"\\\1", printable(" ".join(value.split())))


def summary_markdown(items: Sequence[Reviewed], base: str, budget: int = SUMMARY_BUDGET) -> str:
    """The job summary: a headline, then one section per changed page, those with problems
    first. GitHub refuses a step summary over 1 MiB, so past ``budget`` bytes the rest of
    the pages are only counted (their problems are still annotations and printed lines)."""
    lines = ["### Paper pages in this change", ""]
    if not items:
        lines += [f"No paper page is added, changed or removed compared with {md_text(base)}.", ""]
        return "\n".join(lines)
    counts = {word: 0 for word in dict.fromkeys(STATUS_WORDS.values())}
    for item in items:
        counts[STATUS_WORDS[item.change.status]] += 1
    broken = sum(1 for item in items if item.errors)
    head = ", ".join(f"{n} {word}" for word, n in counts.items() if n)
    verdict = f"**{broken} with problems**" if broken else "all pass validation"
    lines += [f"{len(items)} page{'s' if len(items) != 1 else ''} ({head}): {verdict}.", ""]
    size = _bytes(lines) + 400  # room for the closing line
    ordered = sorted(items, key=lambda item: (not item.errors, item.change.path))
    for shown, item in enumerate(ordered):
        section = _section(item)
        size += _bytes(section)
        if size > budget:
            rest = ordered[shown:]
            failing = sum(1 for i in rest if i.errors)
            lines.append(
                f"… and {len(rest)} more page{'s' if len(rest) != 1 else ''} ({failing} with problems), too many "
                f"to show here: run `python -m generator review --base <base>` to see them all."
            )
            break
        lines += section
    return "\n".join(lines)


def _bytes(lines: Sequence[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _section(item: Reviewed) -> list[str]:
    change, paper = item.change, item.paper
    word = STATUS_WORDS[change.status]
    where = f"`{_code(item.shown)}`"
    if change.old:
        where += f" (from `{_code(show_path(Path(change.old)))}`)"
    if change.status == "D":
        return [f"#### Removed: {where}", ""]
    mark = "❌" if item.errors else "✅"
    title = paper.title if paper is not None else item.title
    lines = [f"#### {mark} {word.capitalize()}: {md_text(title) if title else '(no readable title)'}", ""]
    lines.append(f"- **File:** {where}")
    if paper is not None:
        lines.append(f"- **Authors:** {'; '.join(md_text(a) for a in paper.authors) or '(none given)'}")
        lines.append(f"- **Listing date:** {paper.date.isoformat()}")
        lines.append(f"- **Topics:** {', '.join(md_text(t) for t in item.topics) or '(none)'}")
        lines.append(f"- **Links:** {_links(paper)}")
        if paper.submitted_by:
            lines.append(f"- **Submitted by:** {md_text(paper.submitted_by)}")
    if item.errors:
        lines.append(f"- **Validation:** {len(item.errors)} problem{'s' if len(item.errors) != 1 else ''}")
        for finding in item.findings:
            note = "note: " if finding.level == "notice" else ""
            hint = f" — {finding.hint}" if finding.hint else ""
            lines.append(f"  - line {finding.line}: {md_text(f'{finding.field}: {note}{finding.message}{hint}')}")
    else:
        notes = [f for f in item.findings if f.level == "notice"]
        lines.append(
            "- **Validation:** passes" + (f" ({len(notes)} note{'s' if len(notes) != 1 else ''})" if notes else "")
        )
        lines += [f"  - line {f.line}: {md_text(f'{f.field}: note: {f.message}')}" for f in notes]
    lines.append("")
    return lines


def _code(value: str) -> str:
    """Text for inside single backticks: a code span shows its content as it is, so only
    backticks (which would end it) are replaced."""
    return printable(" ".join(value.split())).replace("`", "'")


def _links(paper: Paper) -> str:
    """arXiv as a link (made from the validated bare id); every other URL as text in a code
    span, so the reviewer sees where it really points and nothing in it is a live link."""
    parts = []
    if paper.arxiv:
        parts.append(f"[arXiv {md_text(paper.arxiv)}](https://arxiv.org/abs/{paper.arxiv})")
    if paper.code:
        parts.append(f"code `{_code(paper.code)}`")
    parts += [f"{md_text(link.label)} `{_code(link.url)}`" for link in paper.links]
    return ", ".join(parts) or "(none)"


# --------------------------------------------------------------------------- reading lists


@dataclass(slots=True)
class ReviewedList:
    """A changed reading list: what it holds now, what it held at the base, its problems."""

    change: Change
    shown: str
    found: ListFile | None = None
    titles: dict[str, str] = field(default_factory=dict)  # entry -> the paper's title, for entries on the shelf
    before: tuple[str, ...] = ()  # the entries at the base revision
    findings: list[Problem] = field(default_factory=list)


def _base_entries(base: str, change: Change) -> tuple[str, ...]:
    """The list's entries at the merge base (none for a new list, or one git cannot show)."""
    if change.status == "A":
        return ()
    try:
        top = _git(["merge-base", base, "HEAD"], Path.cwd()).decode().strip()
        text = _git(["show", f"{top}:./{change.old or change.path}"], Path.cwd()).decode("utf-8", "replace")
    except ReviewError:
        return ()
    parsed = parse_list(text)[0]
    return tuple(entry.paper for entry in parsed.papers) if parsed is not None else ()


def review_lists(changes: Sequence[Change], papers_dir: Path, base: str) -> list[ReviewedList]:
    """Each changed list, read and resolved against the shelf as ``validate`` does."""
    papers = load_collection(page_paths(papers_dir)).papers if changes else []
    by_slug = {p.slug: p for p in papers}
    by_id = {**{p.arxiv: p for p in papers if p.arxiv}, **by_slug}
    out = []
    for change in changes:
        item = ReviewedList(change, show_path(Path(change.path)))
        if change.status != "D":
            item.found = read_list_file(Path(change.path))
            _, problems = shelf_lists([item.found], papers)
            item.findings = [p.at(item.shown) for p in problems.get(item.found.src, [])]
            if item.found.reading_list is not None:
                item.titles = {
                    e.paper: by_id[e.paper].title for e in item.found.reading_list.papers if e.paper in by_id
                }
        item.before = _base_entries(base, change)
        out.append(item)
    return out


def lists_markdown(items: Sequence[ReviewedList]) -> list[str]:
    """The lists' part of the summary: each list's title, curator, papers with their notes,
    what was added and removed since the base, and its problems; all contributor text escaped."""
    if not items:
        return []
    lines = ["### Reading lists in this change", ""]
    for item in sorted(items, key=lambda i: (not i.findings, i.change.path)):
        where = f"`{_code(item.shown)}`"
        if item.change.status == "D":
            lines += [f"#### Removed: {where}", ""]
            continue
        rl = item.found.reading_list if item.found is not None else None
        mark = "❌" if item.findings else "✅"
        title = md_text(rl.title) if rl is not None else "(a list that cannot be read)"
        lines += [f"#### {mark} {STATUS_WORDS[item.change.status].capitalize()} list: {title}", ""]
        lines.append(f"- **File:** {where}")
        if rl is not None:
            lines.append(f"- **Curator:** {md_text(rl.curator)}")
            lines.append(f"- **Description:** {md_text(rl.description)}")
            now = [entry.paper for entry in rl.papers]
            added = [p for p in now if p not in item.before]
            removed = [p for p in item.before if p not in now]
            if item.change.status != "A":
                lines.append(
                    f"- **Since the base:** {len(added)} added, {len(removed)} removed"
                    + (f" ({', '.join(md_text(p) for p in removed)} removed)" if removed else "")
                )
            lines.append(f"- **Papers ({len(now)}):**")
            for n, entry in enumerate(rl.papers, 1):
                name = md_text(item.titles[entry.paper]) if entry.paper in item.titles else "(not on the shelf)"
                new = " (new)" if entry.paper in added and item.change.status != "A" else ""
                note = f" — {md_text(entry.note)}" if entry.note else ""
                lines.append(f"  {n}. {name} `{_code(entry.paper)}`{new}{note}")
        if item.findings:
            lines.append(f"- **Validation:** {len(item.findings)} problem{'s' if len(item.findings) != 1 else ''}")
            lines += [f"  - line {f.line}: {md_text(f'{f.field}: {f.message}')}" for f in item.findings]
        else:
            lines.append("- **Validation:** passes")
        lines.append("")
    return lines


# --------------------------------------------------------------------------- the command


def run(args: argparse.Namespace) -> int:
    try:
        taxonomy = load_site_config(args.config).taxonomy
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as err:
        print(f"error: {args.config}: cannot be read ({err})", file=sys.stderr)
        return 2
    try:
        changes = changed_pages(args.base, args.papers)
    except ReviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        list_changes = [c for c in changed_pages(args.base, args.lists) if c.path.endswith(LIST_SUFFIX)]
    except ReviewError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    items = review(changes, args.papers, taxonomy)
    lists = review_lists(list_changes, args.papers, args.base)
    markdown = "\n".join([summary_markdown(items, args.base), *lists_markdown(lists)])
    target = args.summary or (
        Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None
    )
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for change, shown, errors, findings in [(i.change, i.shown, i.errors, i.findings) for i in items] + [
        (listed.change, listed.shown, listed.findings, listed.findings) for listed in lists
    ]:
        state = "" if change.status == "D" else (f": {len(errors)} problem(s)" if errors else ": ok")
        print(f"{STATUS_WORDS[change.status]} {shown}{state}")
        for finding in findings:
            print(printable(finding.format()))
            if github:
                print(annotation(finding))
    if target is None:
        print(markdown)
    else:
        try:
            with target.open("a", encoding="utf-8") as fh:
                fh.write(markdown + "\n")
        except OSError as err:
            print(f"error: {target}: cannot write the summary ({err.strerror})", file=sys.stderr)
            return 2
    return 1 if any(item.errors for item in items) or any(listed.findings for listed in lists) else 0
