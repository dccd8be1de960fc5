"""The page format: one paper per markdown file, YAML front matter then the abstract.

This module is the contract with contributors (CONTRIBUTING.md describes it for people).
``to_front_matter`` and ``from_front_matter`` are inverses, so a page that the importer wrote,
a person edited and the site read back means the same thing to all three.

Pages come from pull requests, so parsing is defensive: the safe loader without aliases,
duplicate keys and impossible dates are errors, and every problem names its line and field
instead of surfacing as a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.core.model import FRONT_MATTER_KEYS, Link, Paper

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_PAGE_BYTES = 256 * 1024

_ARXIV_NEW = re.compile(r"\d{4}\.\d{4,5}")
_ARXIV_OLD = re.compile(r"[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7}")
_ARXIV_ANY = re.compile(
    r"^(?:https?://(?:www\.)?(?:export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)?"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7})"
    r"(?P<version>v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
GITHUB_LOGIN = _GITHUB_LOGIN  # public: ``new`` checks a login as it is typed
_HF_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$")
_CATEGORY = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
_DOI = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a page, addressed the way an editor or a CI annotation wants it."""

    line: int
    field: str
    message: str
    hint: str = ""

    def format(self, path: str) -> str:
        tail = f" — {self.hint}" if self.hint else ""
        return f"{path}:{self.line}: {self.field}: {self.message}{tail}"


class PageError(ValueError):
    """Raised by ``from_front_matter`` when a page cannot become a ``Paper``."""

    def __init__(self, problems: list[Problem], path: str = "<page>") -> None:
        self.problems = problems
        self.path = path
        super().__init__("\n".join(p.format(path) for p in problems))


# --------------------------------------------------------------------------- YAML dialect


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class _Loader(_BaseLoader):
    """Safe loader that keeps dates as text (so an impossible date is a field error, not a
    YAML crash) and refuses duplicate keys (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:  # text keys are read off the nodes: no second construction
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:str":
                if key_node.value in seen:
                    raise _DuplicateKey(key_node.value, key_node.start_mark.line + 1)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


def _has_anchor_or_alias(text: str) -> bool:
    """Aliases only matter when ``&`` or ``*`` appear at all, so the event scan is rare."""
    if "&" not in text and "*" not in text:
        return False
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return True
    return False


def split_page(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, line where the body starts), or None without front matter."""
    if not text.startswith("---"):
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1 :]), i + 2
    return None


def key_line(front_matter: str, key: str) -> int:
    """File line of a top-level key (1-based, counting the opening ``---``)."""
    prefix = f"{key}:"
    for i, line in enumerate(front_matter.split("\n")):
        if line.startswith(prefix):
            return i + 2
    return 1


# --------------------------------------------------------------------------- reading


def normalize_arxiv(value: str) -> tuple[str, str | None] | None:
    """Split any spelling of an arXiv id (prefix, abs/pdf URL, version) into (id, version)."""
    m = _ARXIV_ANY.match(value.strip())
    if not m:
        return None
    ident = m.group("id")
    if "/" not in ident:
        return ident, m.group("version")
    archive, number = ident.split("/")
    return f"{archive.lower()}/{number}", m.group("version")


def is_arxiv_category(value: object) -> bool:
    return isinstance(value, str) and _CATEGORY.match(value) is not None


def is_doi(value: object) -> bool:
    """A bare DOI (``10.NNNN/…``), as the page format stores it."""
    return isinstance(value, str) and _DOI.match(value) is not None


def is_hf_login(value: object) -> bool:
    """A Hugging Face login (letters, digits, ``-``, ``_``, ``.``; not a GitHub login's rules)."""
    return isinstance(value, str) and _HF_LOGIN.match(value) is not None


def is_https_url(value: object) -> bool:
    return isinstance(value, str) and re.match(r"^https://[^\s/?#<>\"']+\.[^\s<>\"']*$", value) is not None


def _string(data: dict[str, Any], key: str, add: Any, *, single_line: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        add(key, f"must be text, found {type(value).__name__}", "put the value in quotes")
        return None
    if not value.strip():
        add(key, "is empty", f"remove the '{key}' line or give it a value")
        return None
    if single_line and "\n" in value.strip():
        add(key, "must be on one line", "join the lines")
        return None
    return value.strip()


def _string_list(data: dict[str, Any], key: str, add: Any) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        add(key, "must be a list", f"write it as '{key}: [a, b]' or one '- item' per line")
        return ()
    out: list[str] = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip() or "\n" in item:
            add(key, f"item {i} must be one line of text", "quote it, or remove it if empty")
            continue
        out.append(item.strip())
    return tuple(out)


def _date(data: dict[str, Any], add: Any, key: str = "date") -> dt.date | None:
    value = data.get(key)
    if isinstance(value, dt.date):  # written by a YAML library that resolved it
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        add(key, f"must be a date written YYYY-MM-DD, found {value!r}", "for example 2025-07-08")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        add(key, f"{value} is not a real date", "check the month and the day")
        return None


def _count(data: dict[str, Any], key: str, add: Any, minimum: int) -> int | None:
    """A whole number written without quotes; ``true`` is refused although YAML makes it 1."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        add(key, f"must be a whole number, found {value!r}", "write the number without quotes")
        return None
    if value < minimum or value > 10**9:
        add(key, f"must be between {minimum} and 1000000000, found {value}", "")
        return None
    return value


def _matching(
    data: dict[str, Any], key: str, add: Any, pattern: re.Pattern[str], what: str, example: str
) -> str | None:
    value = _string(data, key, add)
    if value is not None and not pattern.match(value):
        add(key, f"{value[:100]!r} is not {what}", f"for example {example}")
        return None
    return value


_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # an unclosed comment hides the rest too
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
"""Unicode categories that show nothing on their own: controls, format characters (zero-width
space, BOM, soft hyphen, bidi marks), unassigned and private-use code points, every kind of
space (NBSP, ideographic space) and combining marks without a letter to sit on."""


def is_blank_abstract(body: str) -> bool:
    """True when a page's body would show a reader nothing: empty, white space, HTML comments,
    invisible characters. Such a page is an empty page on the site, so it is refused."""
    text = _HTML_COMMENT.sub("", body) if "<!--" in body else body
    if not text or text.isspace():
        return True
    return all(unicodedata.category(ch) in _INVISIBLE for ch in text)  # stops at the first visible one


def load_front_matter(fm: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Front matter text as a mapping, with the page format's YAML rules (safe loader, no
    aliases, no duplicate keys, dates kept as text), or None and the one problem that stops it.

    Every page a contributor can write is read through here: paper pages and the site's other
    pages (``generator.site.sanitize``) must never disagree about what YAML means."""
    if len(fm.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        return None, [Problem(1, "front matter", "is larger than 64 KB", "keep only the documented fields")]
    try:
        if _has_anchor_or_alias(fm):
            return None, [Problem(1, "front matter", "uses YAML anchors or aliases", "write each value out in full")]
        data = yaml.load(fm, Loader=_Loader)
    except _DuplicateKey as err:
        return None, [Problem(err.line + 1, err.key, "appears twice", "keep one of the two lines")]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 2 if mark else 1
        what = (err.problem or str(err)).strip()
        if "nesting depth" in what:
            return None, [
                Problem(line, "front matter", "is nested too deeply", "use the flat fields of the page format")
            ]
        return None, [Problem(line, "front matter", f"is not valid YAML ({what})", "check quotes and indentation")]
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        name = "nested too deeply" if isinstance(err, RecursionError) else f"is not valid YAML ({err})"
        return None, [Problem(1, "front matter", name, "use the flat fields of the page format")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem(2, "front matter", "must be a set of 'key: value' lines", "see CONTRIBUTING.md")]
    return data, []


def text_field(data: dict[str, Any], key: str, add: Callable[..., None]) -> str | None:
    """A one-line text field, stripped; None (and a problem through ``add``) when it is not."""
    return _string(data, key, add)


def parse_page(text: str, slug: str) -> tuple[Paper | None, list[Problem]]:
    """Read a page into a ``Paper``, collecting every problem instead of stopping at the first."""
    parts = split_page(text)
    if parts is None:
        return None, [Problem(1, "front matter", "missing", "start the file with '---', the fields, then '---'")]
    fm, body, body_line = parts
    data, problems = load_front_matter(fm)
    if data is None:
        return None, problems

    def add(key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(key_line(fm, key), key, message, hint))

    for key in data:
        if key not in FRONT_MATTER_KEYS:
            add(str(key), "is not a known field", "allowed: " + ", ".join(FRONT_MATTER_KEYS))

    title = _string(data, "title", add)
    if "title" not in data:
        problems.append(Problem(1, "title", "is required", "add a line 'title: …'"))
    elif title is not None and len(title) > 500:
        add("title", "is longer than 500 characters", "shorten it")
    date = _date(data, add) if "date" in data else None
    if "date" not in data:
        problems.append(Problem(1, "date", "is required", "add a line 'date: YYYY-MM-DD'"))

    arxiv = _string(data, "arxiv", add)
    if arxiv is not None:
        parsed = normalize_arxiv(arxiv)
        if parsed is None:
            add("arxiv", f"{arxiv!r} is not an arXiv id", "for example 2404.14527 or hep-th/9711200")
            arxiv = None
        elif parsed[0] != arxiv:
            add("arxiv", f"write the bare id {parsed[0]!r}", "no version, 'arXiv:' prefix or URL")
            arxiv = None

    code = _string(data, "code", add)
    if code is not None and not is_https_url(code):
        add("code", f"{code!r} is not an https:// URL", "link the repository with https://")
        code = None

    links: list[Link] = []
    raw_links = data.get("links")
    if raw_links is not None:
        if not isinstance(raw_links, list):
            add("links", "must be a list of {label, url}", "see CONTRIBUTING.md")
        else:
            for i, item in enumerate(raw_links, 1):
                if not (isinstance(item, dict) and set(item) == {"label", "url"}):
                    add("links", f"item {i} must have exactly 'label' and 'url'", "see CONTRIBUTING.md")
                    continue
                label, url = item["label"], item["url"]
                if not isinstance(label, str) or not label.strip() or "\n" in label:
                    add("links", f"item {i} has an empty or multi-line label", "give it a short name")
                elif not is_https_url(url):
                    add("links", f"item {i} url {url!r} is not an https:// URL", "use https://")
                else:
                    links.append(Link(label.strip(), url))

    submitted_by = _string(data, "submitted_by", add)
    if submitted_by is not None and not _GITHUB_LOGIN.match(submitted_by):
        add("submitted_by", f"{submitted_by!r} is not a GitHub login", "write the login without '@'")
        submitted_by = None

    authors = _string_list(data, "authors", add)
    tags = _string_list(data, "tags", add)
    source = _string(data, "source", add)

    published = _date(data, add, "published") if data.get("published") is not None else None
    rank = _count(data, "rank", add, 1)
    upvotes = _count(data, "upvotes", add, 0)
    hf_submitter = _matching(data, "hf_submitter", add, _HF_LOGIN, "a Hugging Face login", "julien-c (no '@')")
    category = _matching(data, "category", add, _CATEGORY, "an arXiv category", "cs.CL or hep-th")
    doi = _string(data, "doi", add)
    if doi is not None:
        bare = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE)
        if not _DOI.match(bare):
            add("doi", f"{doi[:100]!r} is not a DOI", "for example 10.18653/v1/2020.acl-main.1")
            doi = None
        elif bare != doi:
            add("doi", f"write the bare DOI {bare!r}", "no 'doi:' prefix or URL")
            doi = None
    pdf = _string(data, "pdf", add)
    if pdf is not None and not is_https_url(pdf):
        add("pdf", f"{pdf!r} is not an https:// URL", "link the PDF with https://")
        pdf = None
    elif pdf is not None and "arxiv" in data:
        add("pdf", "is not needed for an arXiv paper", "remove it: the PDF link follows from the arXiv id")
        pdf = None

    if not _SLUG.match(slug):
        problems.append(
            Problem(1, "file name", f"{slug!r} is not a valid slug", "use lowercase letters, digits and hyphens")
        )
    if is_blank_abstract(body):
        problems.append(
            Problem(body_line, "abstract", "is empty", "paste the paper's abstract below the closing '---' line")
        )
    if problems or title is None or date is None:
        return None, problems
    abstract = "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", body.strip()) if p.strip())
    paper = Paper(
        slug=slug,
        title=title,
        date=date,
        abstract=abstract,
        authors=authors,
        arxiv=arxiv,
        code=code,
        links=tuple(links),
        tags=tags,
        submitted_by=submitted_by,
        source=source,
        published=published,
        rank=rank,
        upvotes=upvotes,
        hf_submitter=hf_submitter,
        category=category,
        doi=doi,
        pdf=pdf,
    )
    return paper, []


def from_front_matter(text: str, slug: str, path: str = "<page>") -> Paper:
    """Inverse of ``to_front_matter``; raises ``PageError`` listing every problem."""
    paper, problems = parse_page(text, slug)
    if paper is None:
        raise PageError(problems, path)
    return paper


def read_page_bytes(raw: bytes, slug: str) -> tuple[Paper | None, list[Problem]]:
    """Decode and parse, so that encoding problems get the same treatment as field problems."""
    if len(raw) > MAX_PAGE_BYTES:
        return None, [Problem(1, "file", "is larger than 256 KB", "a page holds one abstract")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(line, "file", f"is not UTF-8 (byte {err.start})", "save the file as UTF-8")]
    if "\x00" in text:
        return None, [Problem(1, "file", "contains NUL characters", "save it as plain text")]
    return parse_page(text.replace("\r\n", "\n"), slug)


def read_page_file(path: Path) -> tuple[bytes | None, list[Problem]]:
    """A page file's bytes. Symlinks are refused because they can point anywhere, and anything
    but a regular file (a folder, a pipe) because reading it could fail or never end. At most
    one byte past the size limit is read, so a huge file costs no memory."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if path.is_symlink():
            return None, [Problem(1, "file", "is a symbolic link", "commit the page itself")]
        return None, [Problem(1, "file", f"cannot be read ({err.strerror})", "check that it is a readable file")]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem(1, "file", "is not a regular file", "a page is one plain text file")]
        if info.st_size > MAX_PAGE_BYTES:
            return None, [Problem(1, "file", "is larger than 256 KB", "a page holds one abstract")]
        chunks, size = [], 0
        while size <= MAX_PAGE_BYTES:  # plain reads: a buffered file object costs more than the read
            chunk = os.read(fd, MAX_PAGE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), []
    finally:
        os.close(fd)


def read_page(path: Path) -> tuple[Paper | None, list[Problem]]:
    """Read one page file from disk (see ``read_page_file`` for what is refused)."""
    raw, problems = read_page_file(path)
    if raw is None:
        return None, problems
    return read_page_bytes(raw, path.stem)


def front_matter_fields(text: str) -> dict[str, Any]:
    """The front matter as plain data, or ``{}`` when it cannot be read safely.

    Validation uses it to spot duplicates (say, an arXiv id written with a version) even on
    pages that have other problems, so one run reports both.
    """
    parts = split_page(text)
    if parts is None or len(parts[0].encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        return {}
    try:
        if _has_anchor_or_alias(parts[0]):
            return {}
        data = yaml.load(parts[0], Loader=_Loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------------------- writing


def _front_matter_dict(paper: Paper) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": paper.title,
        "date": paper.date,
        "authors": list(paper.authors),
        "arxiv": paper.arxiv,
        "code": paper.code,
        "links": [{"label": link.label, "url": link.url} for link in paper.links],
        "tags": list(paper.tags),
        "submitted_by": paper.submitted_by,
        "source": paper.source,
        "published": paper.published,
        "rank": paper.rank,
        "upvotes": paper.upvotes,
        "hf_submitter": paper.hf_submitter,
        "category": paper.category,
        "doi": paper.doi,
        "pdf": paper.pdf,
    }
    return {k: values[k] for k in FRONT_MATTER_KEYS if values[k] is not None and values[k] not in ([], "")}


def to_front_matter(paper: Paper) -> str:
    """Render a page: keys in the documented order, values quoted where YAML would misread them.

    PyYAML's safe dumper quotes any string that its resolver would read back as another type
    (``2103.00020``, ``NO``, ``on``, ``007``, ``a: b``), which is what makes the round trip hold.
    """
    fm = yaml.dump(
        _front_matter_dict(paper),
        Dumper=_BaseDumper,
        sort_keys=False,
        allow_unicode=True,
        width=10**9,
        default_flow_style=False,
    )
    body = paper.abstract.strip()
    return f"---\n{fm}---\n\n{body}\n" if body else f"---\n{fm}---\n"


def dump_many(papers: Iterable[Paper]) -> dict[str, str]:
    """slug -> page text, for writers that handle a batch."""
    return {p.slug: to_front_matter(p) for p in papers}
