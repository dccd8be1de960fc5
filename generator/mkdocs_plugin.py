"""The only module that talks to MkDocs: everything else in ``generator`` is engine-agnostic.

A plugin registered by entry point (rather than a ``hooks:`` file) because it gets a typed
config that MkDocs validates, is importable by tests like any module, and is reloaded by
``mkdocs serve``. Each event hands the work to a pure function:

- ``on_config``        read ``site_config.yml`` (errors name the file and key);
- ``on_files``         read every paper page once, leave broken ones out (named, as errors, so
                       ``--strict`` fails), assign topics once, start the related papers and
                       the search indexer on the other core (``background``, ``search``), and
                       add the generated pages (home, archive, topics, subscribe, data);
- ``on_page_markdown`` replace a paper page's body with the HTML made by ``render``, and its
                       metadata with the escaped, validated fields only; hand the body to the
                       search indexer;
- ``on_page_content``  note the pages that hold math, so only they load the math renderer;
- ``on_env``           every page is read: let the indexer write the index while the templates
                       are rendered, and let paper pages be made from one rendering of the
                       template (``fastpages``);
- ``on_page_context``  put the related papers into a paper page, and hand the ``<head>`` tags
                       made by ``head`` to ``overrides/main.html``;
- ``on_post_page``     compact the page (``compact``) and let a written paper's body go;
- ``on_post_build``    write the feeds (``feeds``) and exports (``exports``), then wait for the
                       search index, last of all.
"""

from __future__ import annotations

import copy
import logging
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta

from generator import fastpages, rawblocks
from generator.background import RelatedJob
from generator.collection import Collection, load_collection
from generator.compact import compact_html
from generator.exports import all_exports
from generator.feeds import all_feeds
from generator.head import paper_head, site_head
from generator.icons import icon_files
from generator.listings import archive_pages, home_pages
from generator.model import Paper
from generator.render import e, excerpt, paper_page, related_html
from generator.search import FILTERS_FILE, INDEX_DIR, IndexService, SearchIndexError, filter_menu, write_files
from generator.search.typos import TYPOS_DIR, typo_files
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
    fast_paper_pages = c.Type(bool, default=True)
    """Make paper pages from one rendering of the theme's template (``fastpages``); the output
    is the same either way, so this is off only to compare the two."""


class PaperPage(Page):
    """A paper's page, whose body is already finished HTML (``render.paper_page``).

    Markdown would pass that single raw HTML block through unchanged, yet building a Markdown
    converter and parsing the block is the largest per-page cost of a build; with one page per
    paper it decides how the build scales. So the body is used as it is, unless another plugin
    changed it after us, in which case the page is rendered the ordinary way.
    """

    html: str | None = None

    def read_source(self, config: MkDocsConfig) -> None:
        """The plugin read and checked this file a moment ago (``collection``) and replaces its
        body and metadata (``on_page_markdown``), so a second read and YAML parse of every
        paper would be wasted; another plugin's ``on_page_read_source`` still has its say."""
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is not None:
            self.markdown, self.meta = meta.get_data(source)
            return
        self.markdown, self.meta = "", {}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.html is None or self.markdown != self.html:
            super().render(config, files)
            return
        self.content = self.html
        self.toc = get_toc([])
        self.present_anchor_ids = set(_HTML_ID.findall(self.html))
        self.links_to_anchors = {}


_HTML_ID = re.compile(r'\sid="([^"]+)"')

_RELATED_SLOT = "<!--papershelf:related-->"
"""Stands in a paper page's body for its related papers until the page is rendered: they are
computed in another process while the pages are read (``background``), and escaped text cannot
hold ``<!--``."""

_STENCIL_CHECKS = 2  # paper pages rendered in full in each build to check the stencil
_FAST_TEMPLATE = "papershelf-paper-page.html"
"""Paper pages name this template, which hands the rendering to ``PaperShelfPlugin._paper_html``
at the moment MkDocs renders the page, so it sees the context every plugin left."""


class PaperShelfPlugin(BasePlugin[PaperShelfConfig]):
    def __init__(self) -> None:
        self.site: SiteConfig = SiteConfig()
        self.collection = Collection()
        self._papers_by_src: dict[str, Paper] = {}
        self.topics: dict[str, tuple[str, ...]] = {}  # slug -> topics, computed once per build
        self.index: IndexService | None = None  # search indexing, running beside the build
        self._indexed: set[str] = set()  # paper pages handed to the indexer in this build
        self._generated_srcs: set[str] = set()
        self._raw_blocks: dict[str, tuple[str, list[str]]] = {}  # src -> (markdown, stashed blocks)
        self._related_job: RelatedJob | None = None  # related papers, computed beside the build
        self._math_pages: set[str] = set()  # src paths of pages whose content holds math
        self._by_slug: dict[str, Paper] = {}
        self._stencil: fastpages.Stencil | None = None  # paper pages' template, once per build
        self._stencil_context: dict[str, Any] = {}  # the context the stencil was rendered with
        self._stencil_checks = 0  # paper pages rendered in full to check the stencil against
        self._ignored_keys: frozenset[str] = frozenset()  # context keys no template prints
        self._compacted: set[str] = set()  # pages whose output is compact already (fastpages)

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
        self._start_index()
        papers, per_page = self.collection.papers, self.site.home.papers_per_page
        self.topics = assign_topics(papers, self.site.taxonomy)
        if self._related_job is not None:
            self._related_job.cancel()
        self._related_job = RelatedJob(papers, self.topics)
        self._by_slug = self.collection.by_slug()
        self._math_pages = set()
        self._stencil, self._stencil_context, self._stencil_checks = None, {}, 0
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
        html = paper_page(paper, page.url, topics=self.topics.get(paper.slug, ()), related_slot=_RELATED_SLOT)
        self._index_page(page.file.src_uri, page.url, html)
        if isinstance(page, PaperPage):
            page.html = html
        return html

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html = self._restore_raw_blocks(html, page, config, files)
        if has_math(html):
            self._math_pages.add(page.file.src_uri)
        return html

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Every page has been read: the indexer has all the papers and writes the index while
        the templates are rendered (a page ``--dirty`` did not read is handed over here)."""
        for src, paper in self._papers_by_src.items():
            file = files.get_file_from_path(src)
            if src not in self._indexed and file is not None:
                self._index_page(src, file.url, paper_page(paper, file.url, topics=self.topics.get(paper.slug, ())))
        if self.index is not None:
            self.index.write(Path(config.site_dir) / INDEX_DIR)
        if self.config.fast_paper_pages:
            loader = jinja2.DictLoader({_FAST_TEMPLATE: "{{ papershelf_paper_html() }}"})
            env.loader = jinja2.ChoiceLoader([loader, env.loader]) if env.loader else loader

            @jinja2.pass_context
            def paper_html(ctx: jinja2.runtime.Context) -> Markup:
                return self._paper_html(ctx)

            env.globals["papershelf_paper_html"] = paper_html
            for src in self._papers_by_src:
                file = files.get_file_from_path(src)
                page = file.page if file is not None else None
                if isinstance(page, PaperPage) and "template" not in page.meta:
                    page.meta["template"] = _FAST_TEMPLATE  # removed again as the page is rendered
        return env

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        site_url = config.site_url or ""
        head = site_head(site_url, config.site_name, page.url)
        paper = self._papers_by_src.get(page.file.src_uri)
        if paper is not None:
            self._put_related(page, paper)
            head += paper_head(paper, page.url, site_url, self.topics.get(paper.slug, ()))
        if page.file.src_uri in self._math_pages:
            head += math_head(page.url)
        context["papershelf_head"] = head.strip()  # on its own line: compacts the same alone (fastpages)
        return context

    def on_template_context(
        self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig
    ) -> dict[str, Any]:
        """The 404 page is a template, not a page: it gets the site-wide head tags here."""
        if template_name == "404.html":
            context["papershelf_head"] = site_head(config.site_url or "", config.site_name, template_name).strip()
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """The page is compacted (``compact``): the theme's indentation is a tenth of it. A page
        made from the compacted stencil is compact already."""
        if page.file.src_uri in self._compacted:
            self._compacted.discard(page.file.src_uri)  # made from the compacted stencil
        else:
            output = compact_html(output)
        if page.file.src_uri in self._papers_by_src:
            # The page is rendered: let its body go, or 10,000 of them stay in memory while the
            # search indexer, which needs memory of its own, runs beside the build.
            page.markdown = page.content = None
            if isinstance(page, PaperPage):
                page.html = None
        return output

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._write_feeds_and_exports(config)
        menu = filter_menu(self.collection.papers, self.topics)
        write_if_changed(Path(config.site_dir) / FILTERS_FILE, menu)
        write_files(Path(config.site_dir), typo_files(self.collection.papers, self.topics), prune=TYPOS_DIR)
        index, self.index = self.index, None
        if index is None:
            log.info("no papers: no search index written")
            return
        try:
            result = index.finish()
        except SearchIndexError as err:
            raise PluginError(str(err)) from None
        log.info("search index: %d papers, %d KB", result.pages, result.bytes // 1024)

    def on_build_error(self, *, error: Exception) -> None:
        if self._related_job is not None:
            self._related_job.cancel()
            self._related_job = None
        if self.index is not None:
            self.index.cancel()
            self.index = None

    def _put_related(self, page: Page, paper: Paper) -> None:
        """Replace the page's related-papers slot with the list, now that it is needed."""
        if not page.content or _RELATED_SLOT not in page.content:
            return
        related = self._related_job.result() if self._related_job is not None else {}
        block = related_html([self._by_slug[s] for s in related.get(paper.slug, ()) if s in self._by_slug], page.url)
        page.content = page.content.replace(_RELATED_SLOT, block, 1)
        if has_math(block):  # a related paper's title holds math
            self._math_pages.add(page.file.src_uri)

    def _paper_html(self, ctx: jinja2.runtime.Context) -> Markup:
        """A paper page as ``main.html`` renders it: from the stencil when every assumption
        ``fastpages`` rests on holds for this page and context, else by rendering it."""
        context = ctx.get_all()
        page = context["page"]
        if page.meta.get("template") == _FAST_TEMPLATE:
            del page.meta["template"]
        main = ctx.environment.get_template("main.html")
        values = self._fast_values(page, context)
        if values is None:
            return Markup(main.render(context))
        if self._stencil_checks < _STENCIL_CHECKS:
            # The first pages are rendered in full and must match the stencil, the second one
            # showing that no value of the first page was left in it.
            self._stencil_checks += 1
            real = main.render(context)
            if self._stencil_checks == 1:
                self._stencil = self._make_stencil(page, context, main)
                self._stencil_context = context
                self._ignored_keys = _unused_keys(ctx.environment, ("build_date_utc",))
            same = _same_context(context, self._stencil_context, self._ignored_keys)
            if self._stencil is None or (same and fastpages.fill(self._stencil, values) != compact_html(real)):
                log.info("paper pages are rendered one by one: the template's stencil did not match")
                self._stencil, self._stencil_checks = None, _STENCIL_CHECKS
            return Markup(real)
        if self._stencil is None or not _same_context(context, self._stencil_context, self._ignored_keys):
            return Markup(main.render(context))
        self._compacted.add(page.file.src_uri)
        return Markup(fastpages.fill(self._stencil, values))

    def _fast_values(self, page: Page, context: dict[str, Any]) -> dict[str, str] | None:
        """This page's values for the stencil, or None if the page may render differently from
        the stencil's (other metadata, a toc, a place in the nav, a body without a heading...)."""
        paper = self._papers_by_src.get(page.file.src_uri)
        meta, head, content = page.meta, context.get("papershelf_head"), page.content
        if paper is None or not isinstance(page, PaperPage) or set(meta) != {"title", "description"}:
            return None
        if not (meta["title"] and meta["description"] and isinstance(head, str) and content):
            return None
        if page.title != meta["title"] or list(page.toc) or "<h1" not in content:
            return None
        if page.previous_page or page.next_page or page.parent or page.edit_url or page.is_homepage:
            return None
        if page.url.count(paper.slug) != 1 or page.file.src_uri.count(paper.slug) != 1:
            return None
        values = {
            "title": str(meta["title"]),
            "description": str(meta["description"]),
            "slug": paper.slug,
            "head": head,
            "content": content,
        }
        return values if fastpages.usable(values) else None

    def _make_stencil(self, page: Page, context: dict[str, Any], main: jinja2.Template) -> fastpages.Stencil | None:
        """Render ``main.html`` for a copy of ``page`` that holds the sentinels instead of its values."""
        paper = self._papers_by_src[page.file.src_uri]
        s = fastpages.SENTINELS
        proxy = copy.copy(page)
        proxy.file = copy.copy(page.file)
        proxy.file.url = page.url.replace(paper.slug, s["slug"])
        proxy.file.src_uri = page.file.src_uri.replace(paper.slug, s["slug"])
        proxy.meta = {"title": s["title"], "description": s["description"]}
        proxy.content = s["content"]
        proxy._set_canonical_url(context["config"].site_url)
        if proxy.title != s["title"]:
            return None
        rendered = main.render({**context, "page": proxy, "papershelf_head": s["head"]})
        return fastpages.make_stencil(rendered)

    def _start_index(self) -> None:
        """A new indexer for this build (``mkdocs serve`` builds many times)."""
        if self.index is not None:
            self.index.cancel()
        self.index, self._indexed = None, set()
        if self._papers_by_src:
            try:
                self.index = IndexService()
            except SearchIndexError as err:
                raise PluginError(str(err)) from None

    def _index_page(self, src: str, url: str, body: str) -> None:
        if self.index is not None and src not in self._indexed:
            self._indexed.add(src)
            self.index.add_page("/" + url, body)  # the address the browser fetches, from the site root

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


def _same_context(context: dict[str, Any], reference: dict[str, Any], ignored: frozenset[str]) -> bool:
    """Whether ``context`` differs from the stencil's only in the page, its head tags and keys
    that no template mentions (MkDocs gives each page its own ``build_date_utc``)."""
    if context.keys() != reference.keys():
        return False
    for key, value in context.items():
        if key in ("page", "papershelf_head") or key in ignored:
            continue
        other = reference[key]
        if value is not other and not (type(value) in (str, list) and value == other):
            return False
    return True


def _unused_keys(env: jinja2.Environment, keys: tuple[str, ...]) -> frozenset[str]:
    """Those of ``keys`` that appear in no HTML template of the theme, so cannot be printed."""
    if env.loader is None:
        return frozenset()
    unused = set(keys)
    for name in env.loader.list_templates():
        if name.endswith(".html") and unused:
            source = env.loader.get_source(env, name)[0]
            unused = {key for key in unused if key not in source}
    return frozenset(unused)
