"""Stage: write the whole input of the site, rendered and escaped, before any engine runs.

This module is the pipeline in one place (as ``Pelican.run()`` is Pelican's):

1. read   ``content/papers/*.md``            -> ``Collection`` (``content.collection``)
2. check  every other file of ``content/``   -> problems, named by file and line (``content.validate``)
3. assign topics, start the related papers    (``taxonomy``; computed in a child process meanwhile)
4. render listings, topic and info pages       (``site``), feeds and exports (``outputs``),
          the search filter menu               (``search``), maintainers' pages through the sanitizer
5. render every paper's page with its related papers, head tags and escaped metadata
6. write  ``{path: content}`` into the staged folder, only what changed; remove what is gone

The engine's ``docs_dir`` is the staged folder, and contributor sources are never in it: an
engine or a configuration that skips PaperShelf's code (a build without the plugin, another
engine) finds nothing but pages PaperShelf rendered and escaped. Everything but the reading
and the writing is a pure function of the collection and the settings (``paper_file``,
``generated_files``, ``maintainer_files``), so the same input gives a byte-identical folder;
``Stager.run`` is the pipeline, and keeps what an edit leaves unchanged, so an edit rewrites a
handful of files.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.content.collection import page_paths
from generator.content.files import content_problems
from generator.content.pages import Problem, read_page
from generator.content.writer import write_if_changed
from generator.core import routes
from generator.core.model import Paper, sort_key
from generator.core.site_config import SiteConfig, load_site_config
from generator.core.site_identity import SiteIdentity, load_identity
from generator.core.tex import has_math, math_head, plain_title
from generator.engine.run import STAGED_MARKER
from generator.outputs.citations import citation_keys
from generator.outputs.exports import all_exports
from generator.outputs.feeds import all_feeds
from generator.search.pagefind import FILTERS_FILE, filter_menu
from generator.search.typos import typo_files
from generator.site.head import lastmod, page_description, paper_head, robots_txt, site_head
from generator.site.icons import icon_files
from generator.site.listings import archive_pages, home_pages
from generator.site.render import e, paper_page
from generator.site.sanitize import RenderedPage, render_page
from generator.site.subscribe import generated_pages
from generator.taxonomy.background import RelatedJob
from generator.taxonomy.topics import assign_topics, collect_topics, topic_pages

STAGE_DIR = "build/stage"
"""Where ``stage`` writes, relative to the project; ``docs_dir`` in ``mkdocs.yml`` names it."""

Files = dict[str, str | bytes]


@dataclass(frozen=True, slots=True)
class Site:
    """What the staged pages need to know of the site: its identity and its settings."""

    name: str
    url: str
    description: str
    settings: SiteConfig


@dataclass(slots=True)
class StageReport:
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # file (as shown) -> problems
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    files: int = 0
    papers: int = 0

    def lines(self) -> list[str]:
        return [problem.format(path) for path, problems in sorted(self.problems.items()) for problem in problems]


# --------------------------------------------------------------------------- pure: the plan


def staged_page(meta: Mapping[str, str], body: str) -> str:
    """A staged page: front matter whose values are already escaped for the templates (which
    print ``page.meta`` unescaped), written as JSON strings (valid YAML), then the body."""
    fm = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in meta.items() if value)
    return f"---\n{fm}---\n\n{body.strip()}\n"


_TITLE = re.compile(r"^title: (.*)$", re.MULTILINE)


def _yaml_text(value: str) -> str:
    """A generated page's title as its front matter writes it: mostly a JSON string (which
    YAML reads the same), read fast; anything else through YAML (the pages are ours)."""
    try:
        return str(json.loads(value))
    except ValueError:
        return str(yaml.safe_load(value))


def _with_head(markdown: str, site: Site, url: str) -> str:
    """Add the head tags to a generated page's front matter (the page keeps its own title)."""
    if not markdown.startswith("---\n"):
        return markdown
    found = _TITLE.search(markdown)
    title = html.unescape(_yaml_text(found.group(1))) if found else site.name
    head = page_head(site, url, markdown, title=title)
    return markdown.replace("---\n", f"---\npapershelf_head: {json.dumps(head.strip(), ensure_ascii=False)}\n", 1)


def page_head(site: Site, url: str, body: str, *, title: str | None = None) -> str:
    """The ``<head>`` tags every page carries (feeds, OpenGraph with the page's ``title`` in
    plain text; a paper's own come from ``paper_head``), plus the math renderer where the body
    has math."""
    head = site_head(site.url, site.name, url, title=title, description=site.description)
    if has_math(body):
        head += math_head(url)
    return head


def paper_file(
    paper: Paper, site: Site, topics: tuple[str, ...], related: Sequence[Paper], cite_key: str | None
) -> str:
    """One paper's staged page: the body ``render`` made, its head tags and escaped metadata."""
    url = routes.paper_url(paper.slug)
    body = paper_page(paper, url, topics=topics, related=related, cite_key=cite_key)
    head = page_head(site, url, body) + paper_head(paper, url, site.url, topics, site_name=site.name)
    meta = {
        "title": e(plain_title(paper.title)),  # <title> and meta tags: no reader typesets TeX
        "description": e(page_description(paper.abstract)),
        "lastmod": lastmod([paper]) or "",  # the sitemap's date: the paper's, never the build's
        "papershelf_head": head.strip(),
    }
    return staged_page(meta, body)


def neighbours(papers: Sequence[Paper], related: Mapping[str, Sequence[str]]) -> dict[str, tuple[Paper, ...]]:
    """slug -> its related papers (those still in the collection)."""
    by_slug = {p.slug: p for p in papers}
    return {p.slug: tuple(by_slug[s] for s in related.get(p.slug, ()) if s in by_slug) for p in papers}


def paper_files(
    papers: Sequence[Paper],
    site: Site,
    topics: Mapping[str, tuple[str, ...]],
    related: Mapping[str, Sequence[str]],
) -> Files:
    """Every paper's staged page."""
    near, keys = neighbours(papers, related), citation_keys(papers)
    return {
        routes.paper_src(p.slug): paper_file(p, site, topics.get(p.slug, ()), near[p.slug], keys.get(p.slug))
        for p in papers
    }


def generated_files(papers: Sequence[Paper], site: Site, topics: Mapping[str, tuple[str, ...]]) -> Files:
    """Home, archive, topic, Subscribe and Data pages; feeds, exports and the filter menu.

    Made at build time and never committed, so two pull requests that add papers never touch
    the same file."""
    settings, per_page = site.settings, site.settings.home.papers_per_page
    newest = papers[0].date if papers else None
    excerpt = settings.home.excerpt_chars
    pages = home_pages(papers, per_page, excerpt)
    pages.update(archive_pages(papers, per_page, excerpt_chars=excerpt))
    pages.update(topic_pages(collect_topics(papers, topics, settings.taxonomy), per_page, newest, excerpt))
    pages.update(
        generated_pages(
            site_name=site.name,
            site_url=site.url,
            taxonomy=settings.taxonomy,
            feeds=settings.feeds,
            digest=settings.digest,
        )
    )
    out: Files = {src: _with_head(text, site, routes.src_to_url(src)) for src, text in pages.items()}
    out["robots.txt"] = robots_txt(site.url)
    if site.url:  # feeds and exports need absolute links
        out.update(
            all_feeds(
                papers,
                site_url=site.url,
                site_name=site.name,
                description=site.description,
                topics=topics,
                taxonomy=settings.taxonomy,
                config=settings.feeds,
            )
        )
        out.update(all_exports(papers, site_url=site.url, site_name=site.name, topics=topics))
    out[FILTERS_FILE] = filter_menu(papers, topics)
    out.update(typo_files(papers, topics))  # the search's vocabulary, for misspelt queries
    return out


def maintainer_files(pages: Mapping[str, RenderedPage], site: Site) -> Files:
    """Pages such as ``about.md``: Markdown made HTML and sanitized (``site.sanitize``)."""
    out: Files = {}
    for src, page in pages.items():
        url = routes.src_to_url(src)
        meta = {"title": e(page.title), "papershelf_head": page_head(site, url, page.html, title=page.title).strip()}
        out[src] = staged_page(meta, page.html)
    return out


# --------------------------------------------------------------------------- reading


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def read_content(
    content_dir: Path, root: Path, report: StageReport
) -> tuple[dict[str, RenderedPage], dict[str, bytes]]:
    """Maintainers' pages (Markdown, sanitized) and the files published as they are. What the
    site does not publish (``content.files``) is named as a problem and left out, as validate
    names it."""
    refused = content_problems(content_dir)
    for path, problems in refused.items():
        report.problems.setdefault(_shown(path, root), []).extend(problems)
    pages: dict[str, RenderedPage] = {}
    assets: dict[str, bytes] = {}
    for path in sorted(content_dir.rglob("*")):
        src = path.relative_to(content_dir).as_posix()
        hidden = any(part.startswith(".") for part in src.split("/"))
        if hidden or path in refused or not path.is_file() or any(p in refused for p in path.parents):
            continue
        if routes.is_paper_src(src) or (src.startswith(routes.SOURCES_DIR + "/") and path.suffix == ".md"):
            continue  # paper pages are read by the collection; notes beside the listings stay there
        if path.suffix == ".md":
            page, problems = render_page(path.read_text(encoding="utf-8", errors="replace"), src)
            if page is None:
                report.problems.setdefault(_shown(path, root), []).extend(problems)
            else:
                pages[src] = page
        else:
            assets[src] = path.read_bytes()
    return pages, assets


def load_site(config_file: Path) -> tuple[SiteIdentity, Site]:
    identity = load_identity(config_file)
    settings = load_site_config(identity.site_config)
    return identity, Site(identity.name, identity.url, identity.description, settings)


# --------------------------------------------------------------------------- writing


def _remove(out: Path, rel: str) -> None:
    path = out / rel
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == out or not folder.is_relative_to(out) or any(folder.iterdir()):
            break
        folder.rmdir()


class Stager:
    """Stages the site, again and again under ``serve``, redoing only what an edit changed.

    Between runs it keeps each page file's ``Paper`` (read again when the file's size or time
    changes), each paper's own topics, each staged paper page with what it was made from, and
    what the staged folder holds, so an edit re-reads one file, re-renders the pages that show
    it and writes only the files whose bytes changed. With ``wait_for_related=False`` (preview)
    the related papers are recomputed in the background and the pages use the last lists until
    then; ``on_related`` is called when new lists are ready, to stage once more.
    """

    def __init__(self, config_file: Path, out: Path | None = None, *, wait_for_related: bool = True) -> None:
        self.config_file = config_file
        self.out = out
        self.wait_for_related = wait_for_related
        self.on_related: Callable[[], None] | None = None
        self._site: Site | None = None
        self._read: dict[Path, tuple[tuple[int, int], Paper | None, list[Problem]]] = {}
        self._topics: dict[Paper, tuple[str, ...]] = {}
        self._pages: dict[str, tuple[tuple[object, ...], str]] = {}
        self._written: dict[str, str | bytes] | None = None
        self._related: Mapping[str, Sequence[str]] = {}
        self._related_for: int | None = None
        self._job: RelatedJob | None = None

    def run(self) -> StageReport:
        identity, site = load_site(self.config_file)
        if site != self._site:  # other settings: nothing made from the old ones is kept
            self._site, self._topics, self._pages, self._related_for = site, {}, {}, None
        root = self.config_file.resolve().parent
        out = self.out or identity.docs_dir
        report = StageReport()
        papers = self._collection(identity.content_dir / routes.PAPERS_DIR, root, report)
        topics = assign_topics(papers, site.settings.taxonomy, self._topics)
        related = self._related_lists(papers, topics)
        pages, assets = read_content(identity.content_dir, root, report)
        assets.update(icon_files())
        files: Files = dict(assets)
        files.update(maintainer_files(pages, site))
        files.update(generated_files(papers, site, topics))
        files.update(self._paper_files(papers, site, topics, related()))
        files[STAGED_MARKER] = "Written by PaperShelf's stage step: every page here is rendered and escaped.\n"
        self._write(files, out, report)
        report.papers = len(papers)
        return report

    def close(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None

    def _collection(self, papers_dir: Path, root: Path, report: StageReport) -> list[Paper]:
        read: dict[Path, tuple[tuple[int, int], Paper | None, list[Problem]]] = {}
        for path in page_paths(papers_dir):
            try:
                info = path.lstat()
            except OSError:
                continue
            key = (info.st_mtime_ns, info.st_size)
            known = self._read.get(path)
            read[path] = known if known is not None and known[0] == key else (key, *read_page(path))
        self._read = read
        papers = []
        for path, (_, paper, problems) in read.items():
            if paper is None:
                report.problems.setdefault(_shown(path, root), []).extend(problems)
            else:
                papers.append(paper)
        papers.sort(key=sort_key)
        return papers

    def _related_lists(
        self, papers: list[Paper], topics: Mapping[str, tuple[str, ...]]
    ) -> Callable[[], Mapping[str, Sequence[str]]]:
        """The related papers, as a call made as late as possible (the child works meanwhile)."""
        signature = hash((tuple(papers), tuple(topics.items())))
        if signature == self._related_for:
            return lambda: self._related
        self.close()
        job = self._job = RelatedJob(papers, topics)
        if self.wait_for_related:

            def wait() -> Mapping[str, Sequence[str]]:
                self._related, self._related_for = job.result(), signature
                self.close()
                return self._related

            return wait

        def finish() -> None:
            result = job.result()
            if self._job is job:
                self._related, self._related_for, self._job = result, signature, None
                if self.on_related is not None:
                    self.on_related()

        threading.Thread(target=finish, daemon=True).start()
        return lambda: self._related

    def _paper_files(
        self,
        papers: Sequence[Paper],
        site: Site,
        topics: Mapping[str, tuple[str, ...]],
        related: Mapping[str, Sequence[str]],
    ) -> Files:
        near, keys = neighbours(papers, related), citation_keys(papers)
        pages: dict[str, tuple[tuple[object, ...], str]] = {}
        for paper in papers:
            key = (paper, topics.get(paper.slug, ()), near[paper.slug], keys.get(paper.slug))
            known = self._pages.get(paper.slug)
            pages[paper.slug] = (
                known if known is not None and known[0] == key else (key, paper_file(paper, site, *key[1:]))
            )
        self._pages = pages
        return {routes.paper_src(slug): text for slug, (_, text) in pages.items()}

    def _write(self, files: Files, out: Path, report: StageReport) -> None:
        """Write what changed, remove what is no longer staged. The first run compares with
        the folder on disk; later ones with what the last run wrote."""
        if self._written is None or not out.is_dir():
            for path, content in sorted(files.items()):
                if write_if_changed(out / path, content):
                    report.written.append(path)
            for dirpath, _, filenames in os.walk(out):
                for name in filenames:
                    rel = Path(dirpath, name).relative_to(out).as_posix()
                    if rel not in files:
                        report.removed.append(rel)
        else:
            for path, content in sorted(files.items()):
                old = self._written.get(path)
                if (old is not content and old != content) and write_if_changed(out / path, content):
                    report.written.append(path)
            report.removed = sorted(set(self._written) - set(files))
        for rel in report.removed:
            _remove(out, rel)
        self._written = files
        report.files = len(files)


def stage(config_file: Path, out: Path | None = None) -> StageReport:
    """Read ``content/``, render the site's input and write it to ``out`` (the engine's ``docs_dir``)."""
    stager = Stager(config_file, out)
    try:
        return stager.run()
    finally:
        stager.close()
