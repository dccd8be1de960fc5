"""The page format: one paper per markdown file, YAML front matter then the abstract.

This module is the contract with contributors (CONTRIBUTING.md describes it for people).
``to_front_matter`` and ``from_front_matter`` are inverses, so a page that the importer wrote,
a person edited and the site read back means the same thing to all three.

Pages come from pull requests, so parsing is defensive: the YAML rules are those of
``generator.content.frontmatter_format`` (safe loader, no aliases, no duplicate keys, dates kept
as text), each value is checked by ``generator.content.fields``, and every problem names its
line and field instead of surfacing as a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.content.fields import (
    Add,
    count_field,
    date_field,
    is_blank_abstract,
    matching_field,
    text_field,
    text_list_field,
)
from generator.content.frontmatter_format import MAX_PAGE_BYTES, FrontMatter, dump_page, read_front_matter
from generator.core.model import FRONT_MATTER_KEYS, Link, Paper
from generator.core.problems import Problem, ProblemError
from generator.core.values import CATEGORY, DOI, GITHUB_LOGIN, HF_LOGIN, is_https_url, normalize_arxiv

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_KNOWN_FIELDS = "allowed: " + ", ".join(FRONT_MATTER_KEYS)


class PageError(ProblemError):
    """Raised by ``from_front_matter`` when a page cannot become a ``Paper``."""


# --------------------------------------------------------------------------- the fields


def _title(page: FrontMatter) -> str | None:
    if "title" not in page.data:
        page.problems.append(Problem(1, "title", "is required", "add a line 'title: …'"))
        return None
    title = text_field(page.data, "title", page.add)
    if title is not None and len(title) > 500:
        page.add("title", "is longer than 500 characters", "shorten it")
    return title


def _date(page: FrontMatter) -> dt.date | None:
    if "date" not in page.data:
        page.problems.append(Problem(1, "date", "is required", "add a line 'date: YYYY-MM-DD'"))
        return None
    return date_field(page.data, page.add)


def _arxiv(data: dict[str, Any], add: Add) -> str | None:
    arxiv = text_field(data, "arxiv", add)
    if arxiv is None:
        return None
    parsed = normalize_arxiv(arxiv)
    if parsed is None:
        add("arxiv", f"{arxiv!r} is not an arXiv id", "for example 2404.14527 or hep-th/9711200")
        return None
    if parsed[0] != arxiv:
        add("arxiv", f"write the bare id {parsed[0]!r}", "no version, 'arXiv:' prefix or URL")
        return None
    return arxiv


def _https_field(data: dict[str, Any], key: str, add: Add, hint: str) -> str | None:
    """A text field that must be an https:// URL: the only links a page may carry."""
    value = text_field(data, key, add)
    if value is not None and not is_https_url(value):
        add(key, f"{value!r} is not an https:// URL", hint)
        return None
    return value


def _code(data: dict[str, Any], add: Add) -> str | None:
    return _https_field(data, "code", add, "link the repository with https://")


def _link(item: object, i: int, add: Add) -> Link | None:
    if not (isinstance(item, dict) and set(item) == {"label", "url"}):
        add("links", f"item {i} must have exactly 'label' and 'url'", "see CONTRIBUTING.md")
        return None
    label, url = item["label"], item["url"]
    if not isinstance(label, str) or not label.strip() or "\n" in label:
        add("links", f"item {i} has an empty or multi-line label", "give it a short name")
        return None
    if not is_https_url(url):
        add("links", f"item {i} url {url!r} is not an https:// URL", "use https://")
        return None
    return Link(label.strip(), url)


def _links(data: dict[str, Any], add: Add) -> tuple[Link, ...]:
    raw = data.get("links")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        add("links", "must be a list of {label, url}", "see CONTRIBUTING.md")
        return ()
    links = (_link(item, i, add) for i, item in enumerate(raw, 1))
    return tuple(link for link in links if link is not None)


def _submitted_by(data: dict[str, Any], add: Add) -> str | None:
    login = text_field(data, "submitted_by", add)
    if login is not None and not GITHUB_LOGIN.match(login):
        add("submitted_by", f"{login!r} is not a GitHub login", "write the login without '@'")
        return None
    return login


def _doi(data: dict[str, Any], add: Add) -> str | None:
    doi = text_field(data, "doi", add)
    if doi is None:
        return None
    bare = _DOI_PREFIX.sub("", doi)
    if not DOI.match(bare):
        add("doi", f"{doi[:100]!r} is not a DOI", "for example 10.18653/v1/2020.acl-main.1")
        return None
    if bare != doi:
        add("doi", f"write the bare DOI {bare!r}", "no 'doi:' prefix or URL")
        return None
    return doi


def _pdf(data: dict[str, Any], add: Add) -> str | None:
    pdf = _https_field(data, "pdf", add, "link the PDF with https://")
    if pdf is None:
        return None
    if "arxiv" in data:
        add("pdf", "is not needed for an arXiv paper", "remove it: the PDF link follows from the arXiv id")
        return None
    return pdf


def _published(data: dict[str, Any], add: Add) -> dt.date | None:
    return date_field(data, add, "published") if data.get("published") is not None else None


def _text_list(key: str) -> Callable[[dict[str, Any], Add], tuple[str, ...]]:
    return lambda data, add: text_list_field(data, key, add)


def _count(key: str, minimum: int) -> Callable[[dict[str, Any], Add], int | None]:
    return lambda data, add: count_field(data, key, add, minimum)


_OPTIONAL_FIELDS: tuple[tuple[str, Callable[[dict[str, Any], Add], Any]], ...] = (
    ("arxiv", _arxiv),
    ("code", _code),
    ("links", _links),
    ("submitted_by", _submitted_by),
    ("authors", _text_list("authors")),
    ("tags", _text_list("tags")),
    ("source", lambda data, add: text_field(data, "source", add)),
    ("published", _published),
    ("rank", _count("rank", 1)),
    ("upvotes", _count("upvotes", 0)),
    (
        "hf_submitter",
        lambda data, add: matching_field(
            data, "hf_submitter", add, HF_LOGIN, "a Hugging Face login", "julien-c (no '@')"
        ),
    ),
    (
        "category",
        lambda data, add: matching_field(data, "category", add, CATEGORY, "an arXiv category", "cs.CL or hep-th"),
    ),
    ("doi", _doi),
    ("pdf", _pdf),
)
"""The optional fields and their readers, in the order their problems are reported. A field
the page leaves out is not read at all: ``Paper``'s default is what an absent field means."""


def _fields(page: FrontMatter) -> dict[str, Any]:
    """The page's fields as ``Paper`` arguments (title and date, then each optional field the
    page has), their problems filed on ``page``."""
    data, add = page.data, page.add
    fields: dict[str, Any] = {"title": _title(page), "date": _date(page)}
    for key, read in _OPTIONAL_FIELDS:
        if key in data:
            fields[key] = read(data, add)
    return fields


def _abstract(body: str) -> str:
    """The body as paragraphs: each stripped, one blank line between them."""
    text = body.strip()
    if "\n" not in text:  # one paragraph, as most abstracts are
        return text
    return "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", body.strip()) if p.strip())


# --------------------------------------------------------------------------- reading


def parse_page(text: str, slug: str) -> tuple[Paper | None, list[Problem]]:
    """Read a page into a ``Paper``, collecting every problem instead of stopping at the first."""
    page, problems = read_front_matter(text)
    if page is None:
        return None, problems or [
            Problem(1, "front matter", "missing", "start the file with '---', the fields, then '---'")
        ]
    page.refuse_unknown(FRONT_MATTER_KEYS, _KNOWN_FIELDS)
    fields = _fields(page)
    if not _SLUG.match(slug):
        page.problems.append(
            Problem(1, "file name", f"{slug!r} is not a valid slug", "use lowercase letters, digits and hyphens")
        )
    if is_blank_abstract(page.body):
        page.problems.append(
            Problem(page.body_line, "abstract", "is empty", "paste the paper's abstract below the closing '---' line")
        )
    if page.problems or fields["title"] is None or fields["date"] is None:
        return None, page.problems
    return Paper(slug=slug, abstract=_abstract(page.body), **fields), []


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
    """Render a page: keys in the documented order, values quoted where YAML would misread them
    (see ``PageYAMLHandler.export``), then the abstract."""
    return dump_page(_front_matter_dict(paper), paper.abstract)
