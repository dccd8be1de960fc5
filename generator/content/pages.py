"""The page format: one paper per markdown file, YAML front matter then the abstract.

This module is the contract with contributors (CONTRIBUTING.md describes it for people).
``to_front_matter`` and ``from_front_matter`` are inverses, so a page that the importer wrote,
a person edited and the site read back means the same thing to all three.

Pages come from pull requests, so parsing is defensive: the YAML rules are those of
``generator.content.frontmatter_format`` (safe loader, no aliases, no duplicate keys, dates kept
as text), each field is read and checked as ``generator.content.paper_fields`` declares it, and every problem names its
line and field instead of surfacing as a traceback.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from generator.content.fields import is_blank_abstract
from generator.content.frontmatter_format import MAX_PAGE_BYTES, FrontMatter, dump_page, read_front_matter
from generator.content.paper_fields import FRONT_MATTER_KEYS, front_matter_values, read_fields
from generator.core.model import Paper
from generator.core.problems import Problem, ProblemError

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KNOWN_FIELDS = "allowed: " + ", ".join(FRONT_MATTER_KEYS)


class PageError(ProblemError):
    """Raised by ``from_front_matter`` when a page cannot become a ``Paper``."""


# --------------------------------------------------------------------------- the fields


def _fields(page: FrontMatter) -> dict[str, Any]:
    """The page's fields as ``Paper`` arguments (``paper_fields.FIELDS`` says which, how each is
    read and in what order), their problems filed on ``page``; a required field the page lacks
    is reported at its first line."""

    def missing(key: str, message: str, hint: str = "") -> None:
        page.problems.append(Problem(1, key, message, hint))

    return read_fields(page.data, page.add, missing)


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


def to_front_matter(paper: Paper) -> str:
    """Render a page: keys in the documented order, values quoted where YAML would misread them
    (see ``PageYAMLHandler.export``), then the abstract."""
    return dump_page(front_matter_values(paper), paper.abstract)
