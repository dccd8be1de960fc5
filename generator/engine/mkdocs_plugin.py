"""The MkDocs seam: a thin plugin that makes MkDocs render the staged folder quickly.

Everything the site holds, the search index included, was written by ``generator.stage``
before MkDocs starts, already rendered and escaped; MkDocs without this plugin publishes the
same pages, only slower. The plugin adds what only MkDocs needs:

- ``on_files``         staged pages that are finished HTML (papers, listings) skip Markdown
                       (``StagedPage``); pages that have no source in ``content/`` lose the
                       "Edit this page" link;
- ``on_page_markdown`` long HTML lines of the pages still written in Markdown (Subscribe, Data)
                       skip it (``rawblocks``);
- ``on_env``           paper pages are made from one rendering of the template (``fastpages``);
- ``on_post_page``     compact every page (``compact``).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import jinja2
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data
from mkdocs.utils.templates import TemplateContext

from generator.core import routes
from generator.core.site_identity import DEFAULT_CONTENT_DIR, DEFAULT_SITE_CONFIG, content_sources, edit_path
from generator.core.staging_lock import SharedHold, stamp, stamp_path
from generator.engine import fastpages, rawblocks, speed
from generator.engine.compact import compact_html
from generator.engine.speed import TEMPLATE_CODE, is_html_body, nav_titles, staged_meta, toc_tokens
from generator.site.head import site_head

log = logging.getLogger("mkdocs.plugins.papershelf")

HEAD_KEY = "papershelf_head"
"""The staged pages' front matter key that holds their ``<head>`` tags (``overrides/main.html``)."""


class PaperShelfConfig(base.Config):
    site_config = c.Type(str, default=DEFAULT_SITE_CONFIG)
    """The site's own settings, relative to mkdocs.yml (read by ``stage``)."""
    content_dir = c.Type(str, default=DEFAULT_CONTENT_DIR)
    """The contributors' folder, relative to mkdocs.yml: a staged page whose source is not in it
    was generated and gets no "Edit this page" link."""
    fast_paper_pages = c.Type(bool, default=True)
    """Make paper pages from one rendering of the theme's template (``fastpages``); the output
    is the same either way, so this is off only to compare the two."""


class StagedPage(Page):
    """A staged page, read fast (``speed.staged_meta``); when its body is finished HTML (a
    paper's page from ``site.render.paper_page``, a listing) it skips Markdown.

    Markdown would pass such a body through unchanged, yet building a Markdown converter and
    parsing the body is the largest per-page cost of a build; with one page per paper it
    decides how the build scales. So the body is used as it is (a listing's table of contents
    read from its headings, ``speed.toc_tokens``), unless another plugin changed it after us,
    in which case the page is rendered the ordinary way.
    """

    html: str | None = None

    def _set_canonical_url(self, base: str | None) -> None:
        fast = speed.canonical_urls(base, self.url)
        if fast is None:
            super()._set_canonical_url(base)
        else:
            self.canonical_url, self.abs_url = fast

    def _set_edit_url(
        self, repo_url: str | None, edit_uri: str | None = None, edit_uri_template: str | None = None
    ) -> None:
        fast = speed.edit_url(repo_url, edit_uri, edit_uri_template, self.file.edit_uri)
        if fast is None:
            super()._set_edit_url(repo_url, edit_uri, edit_uri_template)
        else:
            self.edit_url = fast or None

    def read_source(self, config: MkDocsConfig) -> None:
        """The staged front matter is one ``key: "JSON string"`` line per key (``stage.staged_page``),
        read here line by line; anything else, or another plugin's source, is read by MkDocs."""
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            source = self.file.content_string
            parsed = staged_meta(source)
            if parsed is not None:
                self.markdown, self.meta = parsed
                return
        self.markdown, self.meta = get_data(source)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.html is None or self.markdown != self.html:
            super().render(config, files)
            if not list(self.toc) and not routes.is_paper_src(self.file.src_uri):
                # A maintainer's page is HTML that the stage step made from Markdown, which this
                # Markdown passes over: its headings are read from it, as a listing's are.
                self.toc = get_toc(cast(Any, toc_tokens(self.content or "")))
            return
        self.content = self.html
        tokens = [] if routes.is_paper_src(self.file.src_uri) else toc_tokens(self.html)
        self.toc = get_toc(cast(Any, tokens))
        self.present_anchor_ids = set(_HTML_ID.findall(self.html))
        self.links_to_anchors = {}


_HTML_ID = re.compile(r'\sid="([^"]+)"')


_STENCIL_CHECKS = 2  # paper pages rendered in full in each build to check the stencil
_FAST_TEMPLATE = "papershelf-paper-page.html"
"""Paper pages name this template, which hands the rendering to ``PaperShelfPlugin._paper_html``
at the moment MkDocs renders the page, so it sees the context every plugin left."""


class PaperShelfPlugin(BasePlugin[PaperShelfConfig]):
    def __init__(self) -> None:
        self._papers: set[str] = set()  # src paths of the staged paper pages
        self._raw_blocks: dict[str, tuple[str, list[str]]] = {}  # src -> (markdown, stashed blocks)
        self._stencil: fastpages.Stencil | None = None  # paper pages' template, once per build
        self._stencil_context: dict[str, Any] = {}  # the context the stencil was rendered with
        self._stencil_slug = ""  # the slug of the page the stencil was made from
        self._stencil_checks = 0  # paper pages rendered in full to check the stencil against
        self._ignored_keys: frozenset[str] = frozenset()  # context keys no template prints
        self._compacted: set[str] = set()  # pages whose output is compact already (fastpages)
        self._dirty = False
        self._hold = SharedHold()  # the staged folder's lock, from on_pre_build to the end

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._dirty = dirty

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        """``mkdocs serve`` polls every file of ``docs_dir`` twice a second, and would rebuild
        while the stager is half-way through an edit; it watches the stager's stamp instead,
        which changes once the staged folder is whole again."""
        docs = Path(config.docs_dir)
        if (docs / routes.STAGED_MARKER).is_file():
            if not stamp_path(docs).exists():
                stamp(docs)
            server.unwatch(config.docs_dir)
            speed.watch_often(server, str(stamp_path(docs)))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Read the staged folder only while no stager writes it (``serve``: another process)."""
        self._hold.take(Path(config.docs_dir))

    @event_priority(100)  # before other plugins, which must see the paper pages as ours
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        content = Path(config.config_file_path).parent / self.config.content_dir
        self._papers = set()
        titles = nav_titles(config.nav)
        sources = content_sources(content)
        for file in files.documentation_pages():
            if routes.is_paper_src(file.src_uri):
                self._papers.add(file.src_uri)
            file.edit_uri = edit_path(file.src_uri, content, sources)  # generated pages: none to edit
            if file.page is None:  # MkDocs keeps a page a plugin made for a file, nav title and all
                StagedPage(titles.get(file.src_uri), file, config)
        self._stencil, self._stencil_context, self._stencil_checks = None, {}, 0
        return files

    @event_priority(100)
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri not in self._papers:
            if isinstance(page, StagedPage) and is_html_body(markdown):
                page.html = markdown = markdown.strip()  # a listing: finished HTML
                return markdown
            return self._stash_raw_blocks(markdown, page)
        markdown = markdown.strip()  # the body alone, as ``render`` made it (``fastpages.usable``)
        if isinstance(page, StagedPage):
            page.html = markdown
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._restore_raw_blocks(html, page, config, files)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Every page has been read: paper pages are to be made from the stencil."""
        if self._dirty and env.bytecode_cache is None:
            env.bytecode_cache = TEMPLATE_CODE
        if self.config.fast_paper_pages:
            loader = jinja2.DictLoader({_FAST_TEMPLATE: "{{ papershelf_paper_html() }}"})
            env.loader = jinja2.ChoiceLoader([loader, env.loader]) if env.loader else loader

            @jinja2.pass_context
            def paper_html(ctx: jinja2.runtime.Context) -> Markup:
                return self._paper_html(ctx)

            env.globals["papershelf_paper_html"] = paper_html
            for src in self._papers:
                file = files.get_file_from_path(src)
                page = file.page if file is not None else None
                if isinstance(page, StagedPage) and "template" not in page.meta:
                    page.meta["template"] = _FAST_TEMPLATE  # removed again as the page is rendered
        return env

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        """The 404 page is a template, not a page: it gets the site-wide head tags here."""
        if template_name == "404.html":
            site_url, name, about = config.site_url or "", config.site_name, config.site_description or ""
            # MkDocs' TemplateContext lists only its own keys; the theme reads this one too
            context[HEAD_KEY] = site_head(  # type: ignore[literal-required]
                site_url, name, template_name, title="Page not found", description=about
            ).strip()
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """The page is compacted (``compact``): the theme's indentation is a tenth of it. A page
        made from the compacted stencil is compact already."""
        if page.file.src_uri in self._compacted:
            self._compacted.discard(page.file.src_uri)
        else:
            output = compact_html(output)
        if page.file.src_uri in self._papers:
            # The page is rendered: let its body go, or 10,000 of them stay in memory.
            page.markdown = page.content = None
            if isinstance(page, StagedPage):
                page.html = None
        return output

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._hold.release()

    def on_build_error(self, *, error: Exception) -> None:
        self._hold.release()

    def _paper_html(self, ctx: jinja2.runtime.Context) -> Markup:
        """A paper page as ``main.html`` renders it: from the stencil when every assumption
        ``fastpages`` rests on holds for this page and context, else by rendering it."""
        context = ctx.get_all()
        page = context["page"]
        if page.meta.get("template") == _FAST_TEMPLATE:
            del page.meta["template"]
        main = ctx.environment.get_template("main.html")
        values = self._fast_values(page)
        if values is None:
            return Markup(main.render(context))
        if self._stencil_checks < _STENCIL_CHECKS:
            # The first pages are rendered in full and must match the stencil, the second one
            # showing that no value of the first page was left in it.
            self._stencil_checks += 1
            real = main.render(context)
            if self._stencil_checks == 1:
                self._stencil = self._make_stencil(page, context, main)
                self._stencil_context, self._stencil_slug = context, values["slug"]
                self._ignored_keys = fastpages.unused_keys(ctx.environment, ("build_date_utc",))
            same = fastpages.same_context(context, self._stencil_context, self._ignored_keys)
            if self._stencil is None or (same and fastpages.fill(self._stencil, values) != compact_html(real)):
                log.info("paper pages are rendered one by one: the template's stencil did not match")
                self._stencil, self._stencil_checks = None, _STENCIL_CHECKS
            return Markup(real)
        if self._stencil is None or not fastpages.same_context(context, self._stencil_context, self._ignored_keys):
            return Markup(main.render(context))
        if _edit_pattern(page, values["slug"]) != _edit_pattern(self._stencil_context["page"], self._stencil_slug):
            return Markup(main.render(context))
        self._compacted.add(page.file.src_uri)
        return Markup(fastpages.fill(self._stencil, values))

    def _fast_values(self, page: Page) -> dict[str, str] | None:
        """This page's values for the stencil, or None if the page may render differently from
        the stencil's (other metadata, a toc, a place in the nav, a body without a heading...)."""
        meta, content = page.meta, page.content
        slug = page.file.src_uri.removeprefix(routes.PAPERS_DIR + "/").removesuffix(".md")
        if not isinstance(page, StagedPage) or set(meta) != {"title", "description", "lastmod", HEAD_KEY}:
            return None
        if not (meta["title"] and meta["description"] and isinstance(meta[HEAD_KEY], str) and content):
            return None
        if page.title != meta["title"] or list(page.toc) or "<h1" not in content:
            return None
        if page.previous_page or page.next_page or page.parent or page.is_homepage:
            return None
        if page.edit_url and page.edit_url.count(slug) != 1:  # the slug is filled in once
            return None
        if page.url.count(slug) != 1 or page.file.src_uri.count(slug) != 1:
            return None
        values = {
            "title": str(meta["title"]),
            "description": str(meta["description"]),
            "slug": slug,
            "head": meta[HEAD_KEY],
            "content": content,
        }
        return values if fastpages.usable(values) else None

    def _make_stencil(self, page: Page, context: dict[str, Any], main: jinja2.Template) -> fastpages.Stencil | None:
        """Render ``main.html`` for a copy of ``page`` that holds the sentinels instead of its values."""
        slug = page.file.src_uri.removeprefix(routes.PAPERS_DIR + "/").removesuffix(".md")
        s = fastpages.SENTINELS
        meta_lastmod = page.meta["lastmod"]  # the sitemap's, not printed in the page
        proxy = copy.copy(page)
        proxy.file = copy.copy(page.file)
        proxy.file.url = page.url.replace(slug, s["slug"])
        proxy.file.src_uri = page.file.src_uri.replace(slug, s["slug"])
        proxy.meta = {
            "title": s["title"],
            "description": s["description"],
            "lastmod": meta_lastmod,
            HEAD_KEY: s["head"],
        }
        proxy.edit_url = _edit_pattern(page, slug)
        proxy.content = s["content"]
        proxy._set_canonical_url(context["config"].site_url)
        if proxy.title != s["title"]:
            return None
        rendered = main.render({**context, "page": proxy})
        return fastpages.make_stencil(rendered)

    def _stash_raw_blocks(self, markdown: str, page: Page) -> str:
        """Generated listings: their long HTML lists skip Markdown (see ``rawblocks``)."""
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


def _edit_pattern(page: Page, slug: str) -> str | None:
    """The page's "Edit this page" address with its slug as the stencil's sentinel: the stencil
    fills a page in only when its address has the same shape as the stencil's."""
    return page.edit_url.replace(slug, fastpages.SENTINELS["slug"]) if page.edit_url else None
