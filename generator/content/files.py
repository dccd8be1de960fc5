"""Every file of ``content/`` gets a verdict: published as PaperShelf publishes it, or an error.

Files under ``content/`` come from pull requests. The build must not publish anything that
bypasses PaperShelf's sanitizing, so the rule is an allowlist over the whole folder:

- ``papers/*.md``: paper pages, judged by ``pages.read_page`` (not here: the collection reads them);
- ``collections/*.yml``: reading lists, judged by ``reading_lists`` (they name papers, so the
  collection is needed to judge them), and ``votes.json``, read by the build for trending:
  data the build reads, never published as they are;
- other ``*.md`` pages (``about.md``…): ``sanitize.render_page``, refused if unsafe;
- raster images (png, jpg, jpeg, gif, webp, avif) anywhere, copied as they are;
- listings under ``sources/`` (txt, json, bib, xml), copied as they are;
- everything else is an error whose message says what happens to it: pages spelt
  ``.markdown``/``.mdown``/``.mkd``/``.mkdn``, pages in subfolders of ``papers/``, HTML, scripts,
  stylesheets, SVG, symbolic links and any other file.

Hidden files and folders (``.gitkeep``) are not published by the engine and are skipped.
``validate`` and the build call ``content_problems``, so they always agree.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.content.pages import read_page_file
from generator.content.reading_lists import LIST_SUFFIX
from generator.content.sanitize import render_page
from generator.core.problems import Problem
from generator.core.routes import GENERATED_FOLDERS, GENERATED_PAGES, LISTS_DIR, PAPERS_DIR, SOURCES_DIR, VOTES_FILE

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
LISTING_SUFFIXES = frozenset({".txt", ".json", ".bib", ".xml"})
MARKDOWN_SPELLINGS = frozenset({".markdown", ".mdown", ".mkd", ".mkdn"})
ACTIVE_SUFFIXES = {
    ".html": "an HTML",
    ".htm": "an HTML",
    ".xhtml": "an HTML",
    ".js": "a JavaScript",
    ".mjs": "a JavaScript",
    ".css": "a CSS",
    ".svg": "an SVG",
    ".svgz": "an SVG",
}
ALLOWED = (
    "content/ holds .md pages, images (png, jpg, jpeg, gif, webp, avif) and, in sources/, listings"
    " (txt, json, bib, xml)"
)


def _problem(message: str, hint: str, line: int = 1) -> list[Problem]:
    return [Problem(line, "file", message, hint)]


def is_paper_page(rel: Path) -> bool:
    """``papers/<name>.md``: read by the collection, not by ``content_problems``."""
    return len(rel.parts) == 2 and rel.parts[0] == PAPERS_DIR and rel.name.endswith(".md")


def is_list_file(rel: Path) -> bool:
    """``collections/<name>.yml``: a reading list, judged against the collection (``reading_lists``)."""
    return len(rel.parts) == 2 and rel.parts[0] == LISTS_DIR and rel.name.endswith(LIST_SUFFIX)


def is_data_file(rel: Path) -> bool:
    """A file the build reads and never publishes as it is: a reading list, or ``votes.json``."""
    return is_list_file(rel) or rel.as_posix() == VOTES_FILE


def file_problems(path: Path, rel: Path) -> list[Problem]:
    """The verdict on one regular file of content/ (``rel`` is its path inside content/)."""
    suffix = rel.suffix.lower()
    in_papers = rel.parts[0] == PAPERS_DIR
    if rel.as_posix() in GENERATED_PAGES or rel.parts[0] in GENERATED_FOLDERS:
        return _problem(
            "is not published: the build makes the page at this place itself",
            "give the file another name or folder",
        )
    if is_data_file(rel):
        return []
    if rel.parts[0] == LISTS_DIR:
        return _problem(
            f"is not read: {LISTS_DIR}/ holds reading lists, one <slug>{LIST_SUFFIX} file each",
            f"name it {rel.stem}{LIST_SUFFIX} directly in content/{LISTS_DIR}/ (see CONTRIBUTING.md)",
        )
    if in_papers and len(rel.parts) > 2:
        return _problem(
            f"is in a subfolder of {PAPERS_DIR}/, which the build does not publish",
            f"move it to content/{PAPERS_DIR}/: paper pages go directly in that folder",
        )
    if suffix in MARKDOWN_SPELLINGS or (suffix == ".md" and rel.suffix != ".md"):
        return _problem(
            f"is not published: PaperShelf reads only pages whose name ends in .md, not {rel.suffix}",
            f"rename it to {rel.stem}.md",
        )
    if suffix in IMAGE_SUFFIXES:
        return []
    if rel.suffix == ".md":
        return [] if in_papers else _page_problems(path, rel)
    if suffix in ACTIVE_SUFFIXES:
        return _problem(
            f"is {ACTIVE_SUFFIXES[suffix]} file, which would be refused by the build",
            "pages are written in Markdown (.md); the site's own styles and scripts are kept by maintainers "
            "in overrides/",
        )
    if rel.parts[0] == SOURCES_DIR and suffix in LISTING_SUFFIXES:
        return []
    if in_papers:
        return _problem("is not a page and will not be published", "pages end in .md")
    return _problem("is not published", ALLOWED)


def _page_problems(path: Path, rel: Path) -> list[Problem]:
    raw, problems = read_page_file(path)
    if raw is None:
        return problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return _problem(f"is not UTF-8 (byte {err.start})", "save the file as UTF-8", line)
    return render_page(text, rel.as_posix())[1]


def path_problems(path: Path, rel: Path) -> list[Problem]:
    """The verdict on one entry of content/ given by name (``validate content/about.md``)."""
    try:
        mode = path.lstat().st_mode
    except OSError as err:
        return _problem(f"cannot be read ({err.strerror})", "check the path")
    if stat.S_ISLNK(mode):
        return _problem("is a symbolic link", "commit the file itself")
    if stat.S_ISDIR(mode):
        found = content_problems(path)
        return [p for problems in found.values() for p in problems] if found else []
    if not stat.S_ISREG(mode):
        return _problem("is not a regular file", "content/ holds plain files")
    return file_problems(path, rel)


def content_problems(content_dir: Path) -> dict[Path, list[Problem]]:
    """Each file under ``content_dir`` that the site does not publish, with why; files not in
    the answer are published (paper pages ``papers/*.md`` are judged by ``pages.read_page``).

    Symbolic links are refused, never followed: the engine would follow one out of the folder."""
    return content_verdicts(content_dir)[0]


def content_verdicts(content_dir: Path) -> tuple[dict[Path, list[Problem]], list[str]]:
    """``content_problems``, and the paths inside ``content_dir`` of the other files, the
    published ones (paper pages aside), from the same single walk of the folder."""
    found: dict[Path, list[Problem]] = {}
    published: list[str] = []

    def walk(folder: Path, rel: Path) -> None:
        try:
            children = sorted(os.scandir(folder), key=lambda d: d.name)
        except OSError as err:
            found[folder] = _problem(f"cannot be read ({err.strerror})", "check the folder's permissions")
            return
        in_papers = rel.parts == (PAPERS_DIR,)
        for child in children:
            if child.name.startswith("."):
                continue
            if in_papers and child.name.endswith(".md") and not child.is_dir(follow_symlinks=False):
                continue  # a paper page (``is_paper_page``): the collection reads it and judges it
            child_rel = rel / child.name
            if is_data_file(child_rel) and child.is_file(follow_symlinks=False):
                continue  # read by the build (reading lists, votes), judged there
            path = Path(child.path)
            mode = child.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                found[path] = _problem("is a symbolic link", "commit the file itself")
            elif stat.S_ISDIR(mode):
                walk(path, child_rel)
            elif not stat.S_ISREG(mode):
                found[path] = _problem("is not a regular file", "content/ holds plain files")
            elif problems := file_problems(path, child_rel):
                found[path] = problems
            else:
                published.append(child_rel.as_posix())

    walk(content_dir, Path())
    return found, sorted(published)
