"""The only module that talks to MkDocs: everything else in ``generator`` is engine-agnostic.

A plugin registered by entry point (rather than a ``hooks:`` file) because it gets a typed
config that MkDocs validates, is importable by tests like any module, and is reloaded by
``mkdocs serve``. Each event hands the work to a pure function:

- ``on_config``        read ``site_config.yml`` (errors name the file and key);
- ``on_files``         read every paper page once, leave broken ones out (named, as errors, so
                       ``--strict`` fails), assign topics and related papers once, and add
                       the generated pages (home, archive, topics, subscribe, data);
- ``on_page_content``  note the pages that hold math, so only they load the math renderer;
- ``on_page_markdown`` replace a paper page's body with the HTML made by ``render``, and its
                       metadata with the escaped, validated fields only;
- ``on_page_context``  hand the ``<head>`` tags made by ``head`` to ``overrides/main.html``.
- ``on_post_page``     once every paper page is written, start the search indexer (``search``)
                       on them, so it works beside the build while the listings are rendered;
- ``on_post_build``    write the feeds (``feeds``) and exports (``exports``), then the search
                       index, last of all.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator import rawblocks
from generator.collection import Collection, load_collection
from generator.compact import compact_html
from generator.exports import all_exports
from generator.feeds import all_feeds
from generator.head import paper_head, site_head
from generator.icons import icon_files
from generator.listings import archive_pages, home_pages
from generator.model import Paper
from generator.related import related_papers
from generator.render import e, excerpt, paper_page
from generator.search import IndexJob, SearchIndexError
from generator.site_config import ConfigError, SiteConfig, load_site_config
from generator.subscribe import generated_pages
from generator.tex import has_math, math_head
from generator.topics import assign_topics, collect_topics, topic_pages
from generator.writer import write_if_changed

log = logging.getLogger("mkdocs.plugins.papershelf")


class PaperShelfConfig(base.Config):
    site_config = c.Type(str, default="site_config.yml")
    """Path of the site's own settings, relative to mkdocs.yml."""
    papers_dir = c.Type(str, default="papers")
    """Folder of paper pages inside docs_dir."""


class PaperPage(Page):
    """A paper's page, whose body is already finished HTML (``render.paper_page``).

    Markdown would pass that single raw HTML block through unchanged, yet building a Markdown
    converter and parsing the block is the largest per-page cost of a build; with one page per
    paper it decides how the build scales. So the body is used as it is, unless another plugin
    changed it after us, in which case the page is rendered the ordinary way.
    """

    html: str | None = None

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.html is None or self.markdown != self.html:
            super().render(config, files)
            return
        self.content = self.html
        self.toc = get_toc([])
        self.present_anchor_ids = set(_HTML_ID.findall(self.html))
        self.links_to_anchors = {}


_HTML_ID = re.compile(r'\sid="([^"]+)"')


class PaperShelfPlugin(BasePlugin[PaperShelfConfig]):
    def __init__(self) -> None:
        self.site: SiteConfig = SiteConfig()
        self.collection = Collection()
        self._papers_by_src: dict[str, Paper] = {}
        self.topics: dict[str, tuple[str, ...]] = {}  # slug -> topics, computed once per build
        self.index_job: IndexJob | None = None  # search indexing, running beside the build
        self._papers_to_render = -1  # paper pages not yet written in this build
        self._generated_srcs: set[str] = set()
        self._raw_blocks: dict[str, tuple[str, list[str]]] = {}  # src -> (markdown, stashed blocks)
        self.related: dict[str, tuple[str, ...]] = {}  # slug -> related slugs, once per build
        self._math_pages: set[str] = set()  # src paths of pages whose content holds math
        self._by_slug: dict[str, Paper] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        path = Path(config.config_file_path).parent / self.config.site_config
        try:
            self.site = load_site_config(path)
        except ConfigError as err:
            raise PluginError(str(err)) from None
        return config

    def _is_paper(self, file: File) -> bool:
        prefix = self.config.papers_dir.strip("/") + "/"
        rest = file.src_uri.removeprefix(prefix)
        return file.src_uri.startswith(prefix) and rest.endswith(".md") and "/" not in rest

    @event_priority(100)  # before Material's plugins, which must see the generated pages
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        paper_files = {f.abs_src_path: f for f in files if self._is_paper(f) and f.abs_src_path}
        self.collection = load_collection(Path(p) for p in paper_files)
        docs = Path(config.docs_dir)
        for path, problems in sorted(self.collection.broken.items()):
            rel = path.relative_to(docs.parent) if path.is_relative_to(docs.parent) else path
            for problem in problems:
                log.error("left out of the site: %s", problem.format(str(rel)))
            files.remove(paper_files[str(path)])
        prefix = self.config.papers_dir.strip("/") + "/"
        self._papers_by_src = {f"{prefix}{p.slug}.md": p for p in self.collection.papers}
        for src in self._papers_by_src:
            file = files.get_file_from_path(src)
            if file is not None and file.page is None:
                PaperPage(None, file, config)  # MkDocs keeps a page a plugin made for a file
        self._papers_to_render = len(self._papers_by_src)
        papers, per_page = self.collection.papers, self.site.home.papers_per_page
        self.topics = assign_topics(papers, self.site.taxonomy)
        self.related = related_papers(papers, self.topics)
        self._by_slug = self.collection.by_slug()
        self._math_pages = set()
        newest = papers[0].date if papers else None
        generated = home_pages(papers, per_page)
        generated.update(archive_pages(papers, per_page))
        generated.update(topic_pages(collect_topics(papers, self.topics, self.site.taxonomy), per_page, newest))
        generated.update(self._subscribe_pages(config))
        self._generated_srcs = set(generated)
        for src, markdown in generated.items():
            existing = files.get_file_from_path(src)
            if existing is not None:
                log.warning("%s is generated at build time; the file in %s is ignored", src, config.docs_dir)
                files.remove(existing)
            files.append(File.generated(config, src, content=markdown))
        for src, data in icon_files().items():
            if files.get_file_from_path(src) is None:
                files.append(File.generated(config, src, content=data))
        return files

    @event_priority(100)  # first, so no other plugin sees a contributor's raw front matter
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        paper = self._papers_by_src.get(page.file.src_uri)
        if paper is None:
            return self._stash_raw_blocks(markdown, page)
        page.meta = self._page_meta(paper)
        related = [self._by_slug[s] for s in self.related.get(paper.slug, ()) if s in self._by_slug]
        html = paper_page(paper, page.url, topics=self.topics.get(paper.slug, ()), related=related)
        if isinstance(page, PaperPage):
            page.html = html
        return html

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html = self._restore_raw_blocks(html, page, config, files)
        if has_math(html):
            self._math_pages.add(page.file.src_uri)
        return html

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        site_url = config.site_url or ""
        head = site_head(site_url, config.site_name, page.url)
        paper = self._papers_by_src.get(page.file.src_uri)
        if paper is not None:
            head += paper_head(paper, page.url, site_url, self.topics.get(paper.slug, ()))
        if page.file.src_uri in self._math_pages:
            head += math_head(page.url)
        context["papershelf_head"] = head
        return context

    def on_template_context(
        self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig
    ) -> dict[str, Any]:
        """The 404 page is a template, not a page: it gets the site-wide head tags here."""
        if template_name == "404.html":
            context["papershelf_head"] = site_head(config.site_url or "", config.site_name, template_name)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """MkDocs writes each page right after this event, so when a later page gets here and no
        paper page is left to render, every paper page is on disk and indexing can begin.
        The page is compacted first (``compact``): the theme's indentation is a tenth of it."""
        output = compact_html(output)
        if page.file.src_uri in self._papers_by_src:
            self._papers_to_render -= 1
            # The page is rendered: let its body go, or 10,000 of them stay in memory while the
            # search indexer, which needs memory of its own, runs beside the build.
            page.markdown = page.content = None
            if isinstance(page, PaperPage):
                page.html = None
        elif self._papers_to_render == 0 and self.index_job is None and self._papers_by_src:
            self.index_job = self._start_index(config)
        return output

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._write_feeds_and_exports(config)
        if not self._papers_by_src:
            log.info("no papers: no search index written")
            return
        job, self.index_job = self.index_job or self._start_index(config), None
        try:
            result = job.wait()
        except SearchIndexError as err:
            raise PluginError(str(err)) from None
        log.info("search index: %d papers, %d KB", result.pages, result.bytes // 1024)

    def on_build_error(self, *, error: Exception) -> None:
        if self.index_job is not None:
            self.index_job.cancel()
            self.index_job = None

    def _start_index(self, config: MkDocsConfig) -> IndexJob:
        glob = self.config.papers_dir.strip("/") + "/**/*.html"  # only paper pages are indexed
        try:
            return IndexJob(Path(config.site_dir), glob)
        except SearchIndexError as err:
            raise PluginError(str(err)) from None

    def _stash_raw_blocks(self, markdown: str, page: Page) -> str:
        """Generated listings: their long HTML lists skip Markdown (see ``rawblocks``)."""
        if page.file.src_uri not in self._generated_srcs:
            return markdown
        stashed, blocks = rawblocks.stash(markdown)
        if not blocks:
            return markdown
        self._raw_blocks[page.file.src_uri] = (markdown, blocks)
        return stashed

    def _restore_raw_blocks(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        original, blocks = self._raw_blocks.pop(page.file.src_uri, ("", []))
        if not blocks:
            return html
        restored = rawblocks.restore(html, blocks)
        if restored is None:  # Markdown did not keep a placeholder as it was: render as usual
            page.markdown = original
            Page.render(page, config, files)
            return page.content or ""
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= rawblocks.anchor_ids(blocks)
        return restored

    def _subscribe_pages(self, config: MkDocsConfig) -> dict[str, str]:
        return generated_pages(
            site_name=config.site_name,
            site_url=config.site_url or "",
            taxonomy=self.site.taxonomy,
            feeds=self.site.feeds,
            digest=self.site.digest,
        )

    def _write_feeds_and_exports(self, config: MkDocsConfig) -> None:
        site_url = config.site_url or ""
        if not site_url:
            log.warning("site_url is not set in mkdocs.yml: feeds and exports need absolute links; none written")
            return
        papers, name = self.collection.papers, config.site_name
        files = all_feeds(
            papers,
            site_url=site_url,
            site_name=name,
            description=config.site_description or "",
            topics=self.topics,
            taxonomy=self.site.taxonomy,
            config=self.site.feeds,
        )
        files.update(all_exports(papers, site_url=site_url, site_name=name, topics=self.topics))
        for path, text in files.items():
            write_if_changed(Path(config.site_dir) / path, text)
        log.info("feeds and exports: %d files", len(files))

    def _page_meta(self, paper: Paper) -> dict[str, Any]:
        """Only escaped values reach the templates, which print ``page.meta`` unescaped."""
        return {
            "title": e(paper.title),
            "description": e(excerpt(paper.abstract, 200)),
        }
