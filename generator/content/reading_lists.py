"""Reading lists: ``content/collections/<slug>.yml``, a curated list of papers on the shelf.

A list is contributor text reviewed by pull request, and other tools write it too (a reader's
own shelf exports one), so its format is declared here once, as a pydantic model
(``ReadingList``), and documented for people in CONTRIBUTING.md::

    title: Ten papers to read on KV-cache compression
    description: Where to start on making the KV cache smaller, in reading order.
    curator: octocat
    papers:
      - '2404.14527'                  # an arXiv id (quoted: YAML would read it as a number)
      - paper: shadowkv-kv-cache-in-shadows-for-high-throughput-long-context-llm-inference
        note: The one to read first.  # optional, one line of plain text

The YAML is read node by node (``yaml.compose``), not constructed: every value keeps the line
it was written on, so each problem names its file and line, and every scalar stays the text it
was written as (an unquoted ``2401.10020`` is the arXiv id, never the number 2401.1002). No
anchors or aliases, no duplicate keys, no tags: a list is short, and those only hide a value.

Every text is plain: markup (HTML tags or entities, Markdown links, emphasis or code, template
syntax) is refused with its line, so what the curator wrote is what a reader sees, escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from generator.core.model import Paper
from generator.core.problems import Problem
from generator.core.routes import LISTS_DIR as LISTS_DIR
from generator.core.values import GITHUB_LOGIN, normalize_arxiv

LIST_SUFFIX = ".yml"
MAX_LIST_BYTES = 64 * 1024
MAX_ENTRIES = 500
MAX_NOTE_CHARS = 300
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MARKUP = re.compile(
    r"<[A-Za-z!/?][^<>]*>"  # an HTML tag, comment or autolink
    r"|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);"  # an HTML entity
    r"|!?\[[^\]\n]*\]\s*[(\[]"  # a Markdown link or image
    r"|`"  # code
    r"|\*\*|__|~~"  # strong emphasis, strike-through
    r"|(?:^|\s)[*_][^\s*_][^*_\n]*[*_](?=$|[\s.,;:!?])"  # emphasis
    r"|\{\{|\{%|\{#"  # template syntax
    r"|^\s{0,3}(?:#{1,6}\s|>|[-+*]\s|\d+[.)]\s)",  # a heading, quote or list item
)


def plain_text_problem(text: str) -> str | None:
    """Why ``text`` is not plain text, or None: what a curator writes is shown as they wrote it,
    so anything that would format it elsewhere is refused rather than shown as symbols."""
    found = _MARKUP.search(text)
    if found is None:
        return None
    return f"holds markup ({found.group(0).strip()[:40]!r}): write plain text"


def _one_line(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("is empty")
        if "\n" in value:
            raise ValueError("must be on one line")
        if len(value) > limit:
            raise ValueError(f"is longer than {limit} characters")
        if why := plain_text_problem(value):
            raise ValueError(why)
        return value

    return AfterValidator(check)


def _paragraph(value: str) -> str:
    """One paragraph: YAML's folded lines are joined, a blank line is refused."""
    value = value.strip()
    if re.search(r"\n\s*\n", value):
        raise ValueError("must be one paragraph")
    value = " ".join(value.split())
    if len(value) > MAX_DESCRIPTION_CHARS:
        raise ValueError(f"is longer than {MAX_DESCRIPTION_CHARS} characters")
    if why := plain_text_problem(value):
        raise ValueError(why)
    return value


def _paper_ref(value: str) -> str:
    value = value.strip()
    if _SLUG.match(value):
        return value
    parsed = normalize_arxiv(value)
    if parsed is None:
        raise ValueError(f"{value[:100]!r} is neither a paper's slug nor an arXiv id")
    if parsed[0] != value:
        raise ValueError(f"write the bare arXiv id {parsed[0]!r} (no version, 'arXiv:' prefix or URL)")
    return value


def _login(value: str) -> str:
    value = value.strip()
    if not GITHUB_LOGIN.match(value):
        raise ValueError(f"{value[:100]!r} is not a GitHub login (write it without '@')")
    return value


class ListEntry(BaseModel):
    """One paper of a list: its slug (the page's file name) or its bare arXiv id, and an
    optional one-line note, plain text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paper: Annotated[str, AfterValidator(_paper_ref)] = Field(
        description="The paper's slug (its page's file name without .md) or its bare arXiv id."
    )
    note: Annotated[str, _one_line(MAX_NOTE_CHARS)] | None = Field(
        None, description=f"Why it is on the list: one line of plain text, at most {MAX_NOTE_CHARS} characters."
    )


class ReadingList(BaseModel):
    """A reading list as ``content/collections/<slug>.yml`` holds it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, _one_line(MAX_TITLE_CHARS)] = Field(description="The list's name, one line.")
    description: Annotated[str, AfterValidator(_paragraph)] = Field(
        description="What the list is for, one paragraph of plain text."
    )
    curator: Annotated[str, AfterValidator(_login)] = Field(description="The GitHub login of who keeps the list.")
    papers: tuple[ListEntry, ...] = Field(
        min_length=1, max_length=MAX_ENTRIES, description="The papers, in reading order."
    )


LIST_KEYS = tuple(ReadingList.model_fields)
ENTRY_KEYS = tuple(ListEntry.model_fields)


def is_list_slug(name: str) -> bool:
    return _SLUG.match(name) is not None


def list_file(slug: str) -> str:
    """A list's file, relative to ``content/``."""
    return f"{LISTS_DIR}/{slug}{LIST_SUFFIX}"


# --------------------------------------------------------------------------- reading


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "null", "int", "float", "bool", "timestamp"))
"""What a plain scalar resolves to; its text is what is read, whatever YAML would make of it."""


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _scalar(node: yaml.Node, where: str, seen: set[int]) -> str | None:
    """A scalar's text as written; None for an empty value."""
    _once(node, seen)
    if not isinstance(node, yaml.ScalarNode):
        raise _Refused(Problem(_line(node), where, "must be text", "write one value on the line"))
    if node.tag not in _PLAIN_TAGS:
        raise _Refused(Problem(_line(node), where, f"uses the YAML tag {node.tag}", "remove the tag"))
    if node.tag == "tag:yaml.org,2002:null":  # left empty, or written ~ or null
        return None
    return str(node.value)


def _once(node: yaml.Node, seen: set[int]) -> None:
    if id(node) in seen or getattr(node, "anchor", None):
        raise _Refused(Problem(_line(node), "file", "uses YAML anchors or aliases", "write each value out in full"))
    seen.add(id(node))


def _mapping(node: yaml.Node, where: str, seen: set[int]) -> dict[str, tuple[yaml.Node, int]]:
    _once(node, seen)
    if not isinstance(node, yaml.MappingNode):
        raise _Refused(Problem(_line(node), where, "must be a mapping of keys to values", "see CONTRIBUTING.md"))
    out: dict[str, tuple[yaml.Node, int]] = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node, where, seen) or ""
        if key in out:
            raise _Refused(Problem(_line(key_node), key, "appears twice", "keep one of the two lines"))
        out[key] = (value_node, _line(key_node))
    return out


@dataclass(frozen=True, slots=True)
class _Raw:
    """The document as plain values, with the line of each (``loc`` as pydantic names it)."""

    data: dict[str, Any]
    lines: dict[tuple[str | int, ...], int]


def _entry(node: yaml.Node, i: int, raw: _Raw, seen: set[int]) -> dict[str, Any]:
    raw.lines[("papers", i)] = _line(node)
    if isinstance(node, yaml.ScalarNode):
        raw.lines[("papers", i, "paper")] = _line(node)
        return {"paper": _scalar(node, "papers", seen)}
    entry: dict[str, Any] = {}
    for key, (value, line) in _mapping(node, "papers", seen).items():
        raw.lines[("papers", i, key)] = line
        entry[key] = _scalar(value, f"papers.{key}", seen)
    return entry


def _document(text: str) -> _Raw:
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise _Refused(Problem(line, "file", f"is not valid YAML: {err.problem or err}", "")) from None
    except yaml.YAMLError as err:
        raise _Refused(Problem(1, "file", f"is not valid YAML: {err}", "")) from None
    if root is None:
        raise _Refused(Problem(1, "file", "is empty", "see CONTRIBUTING.md for a list's fields"))
    seen: set[int] = set()
    raw = _Raw({}, {})
    for key, (value, line) in _mapping(root, "file", seen).items():
        raw.lines[(key,)] = line
        if key == "papers":
            _once(value, seen)
            if not isinstance(value, yaml.SequenceNode):
                raise _Refused(Problem(line, "papers", "must be a list, one '- paper' per line", "see CONTRIBUTING.md"))
            raw.data[key] = [_entry(item, i, raw, seen) for i, item in enumerate(value.value)]
        else:
            raw.data[key] = _scalar(value, key, seen)
    return raw


def _problems(err: ValidationError, raw: _Raw) -> list[Problem]:
    out = []
    errors = err.errors()
    bad_entries = any(len(item["loc"]) > 1 and item["loc"][0] == "papers" for item in errors)
    for item in errors:
        loc = tuple(item["loc"])
        if item["type"] == "too_short" and bad_entries:
            continue  # pydantic counts the entries it could read: the bad ones are named already
        line = next((raw.lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in raw.lines), 1)
        name = ".".join(str(part) for part in loc if isinstance(part, str)) or "file"
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing":
            message, hint = "is required", f"add a line '{loc[-1]}: …'"
        elif item["type"] == "extra_forbidden":
            allowed = ENTRY_KEYS if len(loc) > 1 else LIST_KEYS
            message, hint = "is not a field of a reading list", "allowed: " + ", ".join(allowed)
        elif item["type"] == "too_short":
            message, hint = "lists no paper", "add at least one '- paper' line"
        elif item["type"] == "too_long":
            message, hint = f"lists more than {MAX_ENTRIES} papers", "split it into several lists"
        elif item["type"] == "string_type":
            message = "is empty" if item.get("input") is None else "must be text"
            hint = f"give '{loc[-1]}' a value" if item.get("input") is None else ""
        else:
            hint = ""
        out.append(Problem(line, name, message, hint))
    return sorted(out, key=lambda p: p.line)


def parse_list(text: str) -> tuple[ReadingList | None, list[Problem], dict[int, int]]:
    """A list's text as a ``ReadingList`` (or None), its problems, and each entry's line."""
    try:
        raw = _document(text)
    except _Refused as refused:
        return None, [refused.problem], {}
    entry_lines = {loc[1]: line for loc, line in raw.lines.items() if len(loc) == 2 and isinstance(loc[1], int)}
    try:
        return ReadingList.model_validate(raw.data), [], entry_lines
    except ValidationError as err:
        return None, _problems(err, raw), entry_lines


@dataclass(frozen=True, slots=True)
class ListFile:
    """A list file as read: its slug, the list (None when it has problems) and each entry's line."""

    slug: str
    src: str  # relative to content/
    reading_list: ReadingList | None
    problems: tuple[Problem, ...]
    entry_lines: Mapping[int, int]


def read_list_file(path: Path, slug: str | None = None) -> ListFile:
    """Read one list file; every problem names its line (the slug is the file's name)."""
    slug = slug if slug is not None else path.name.removesuffix(LIST_SUFFIX)
    src = list_file(slug)
    problems: list[Problem] = []
    if not is_list_slug(slug):
        problems.append(Problem(1, "file name", f"{slug!r} is not a valid slug", "use lowercase letters, digits and -"))
    if path.is_symlink() or not path.is_file():  # a link could point anywhere: never followed
        return ListFile(slug, src, None, (Problem(1, "file", "is not a regular file", "commit the file itself"),), {})
    try:
        raw = path.read_bytes()
    except OSError as err:
        return ListFile(slug, src, None, (Problem(1, "file", f"cannot be read ({err.strerror})"),), {})
    if len(raw) > MAX_LIST_BYTES:
        return ListFile(slug, src, None, (Problem(1, "file", "is larger than 64 KB", "a list holds references"),), {})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return ListFile(slug, src, None, (Problem(line, "file", "is not UTF-8", "save the file as UTF-8"),), {})
    reading_list, found, lines = parse_list(text.replace("\r\n", "\n"))
    problems.extend(found)
    return ListFile(slug, src, None if problems else reading_list, tuple(problems), lines)


def list_paths(content_dir: Path) -> list[Path]:
    """The list files (``content/collections/*.yml``), by name."""
    folder = content_dir / LISTS_DIR
    try:
        return sorted(p for p in folder.iterdir() if p.name.endswith(LIST_SUFFIX) and not p.name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return []


def read_lists(content_dir: Path) -> list[ListFile]:
    return [read_list_file(path) for path in list_paths(content_dir)]


# --------------------------------------------------------------------------- resolving


@dataclass(frozen=True, slots=True)
class ShelfList:
    """A list whose entries are papers on the shelf, in the list's order, each with its note."""

    slug: str
    src: str
    title: str
    description: str
    curator: str
    entries: tuple[tuple[Paper, str | None], ...]

    @property
    def papers(self) -> tuple[Paper, ...]:
        return tuple(paper for paper, _ in self.entries)


def resolve(
    found: ListFile, by_slug: Mapping[str, Paper], by_arxiv: Mapping[str, Paper]
) -> tuple[ShelfList | None, list[Problem]]:
    """The list's papers on the shelf. An entry that is not on the shelf, or names a paper
    already listed, is a problem at its line and is left out; the rest of the list stands."""
    rl = found.reading_list
    if rl is None:
        return None, []
    problems: list[Problem] = []
    entries: list[tuple[Paper, str | None]] = []
    first: dict[str, int] = {}
    for i, entry in enumerate(rl.papers):
        line = found.entry_lines.get(i, 1)
        paper = by_slug.get(entry.paper) or by_arxiv.get(entry.paper)
        if paper is None:
            problems.append(
                Problem(line, "papers", f"{entry.paper} is not on the shelf", "add its page first, or fix the name")
            )
        elif paper.slug in first:
            problems.append(
                Problem(line, "papers", f"{entry.paper} is listed twice (first on line {first[paper.slug]})", "")
            )
        else:
            first[paper.slug] = line
            entries.append((paper, entry.note))
    shelf = ShelfList(found.slug, found.src, rl.title, rl.description, rl.curator, tuple(entries))
    return shelf, problems


def shelf_lists(files: Iterable[ListFile], papers: Sequence[Paper]) -> tuple[list[ShelfList], dict[str, list[Problem]]]:
    """Every readable list resolved against the shelf, by slug; problems by file (``content/…``)."""
    by_slug = {p.slug: p for p in papers}
    by_arxiv = {p.arxiv: p for p in papers if p.arxiv}
    lists: list[ShelfList] = []
    problems: dict[str, list[Problem]] = {}
    for found in files:
        shelf, unresolved = resolve(found, by_slug, by_arxiv)
        if found.problems or unresolved:
            problems[found.src] = [*found.problems, *unresolved]
        if shelf is not None:
            lists.append(shelf)
    return sorted(lists, key=lambda s: s.slug), problems


# --------------------------------------------------------------------------- writing


def dump_list(reading_list: ReadingList) -> str:
    """A list as its file holds it: keys in the documented order, an entry without a note as
    its id alone, ids quoted where YAML would read them as numbers."""
    papers: list[Any] = [
        entry.paper if entry.note is None else {"paper": entry.paper, "note": entry.note}
        for entry in reading_list.papers
    ]
    data = {
        "title": reading_list.title,
        "description": reading_list.description,
        "curator": reading_list.curator,
        "papers": papers,
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
