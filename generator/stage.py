"""Stage: write the whole input of the site, rendered and escaped, before any engine runs.

This module is the pipeline in one place (as ``Pelican.run()`` is Pelican's):

1. read   ``content/papers/*.md``            -> ``Collection`` (``content.collection``)
2. check  every other file of ``content/``   -> problems, named by file and line (``content.validate``)
3. assign topics, start the related papers    (``taxonomy``; computed in a child process meanwhile)
4. render listings, topic and info pages       (``plan``, ``site``), feeds and exports (``outputs``),
          the search vocabulary and filter menu (``search``), maintainers' pages through the
          sanitizer (``content.sanitize``)
5. render every paper's page with its related papers, head tags and escaped metadata
6. index  the papers for the search box       (``search.index``; made while the related papers are)
7. write  ``{path: content}`` into the staged folder, only what changed; remove what is gone

The engine's ``docs_dir`` is the staged folder, and contributor sources are never in it: an
engine or a configuration that skips PaperShelf's code (a build without the plugin, another
engine) finds nothing but pages PaperShelf rendered and escaped. Everything but the reading
and the writing is a pure function of the collection and the settings (``paper_file``,
``generated_files``, ``maintainer_files``), so the same input gives a byte-identical folder;
``Stager.run`` is the pipeline, and keeps what an edit leaves unchanged, so an edit rewrites a
handful of files.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.collection import page_paths
from generator.content.files import content_verdicts
from generator.content.pages import Problem, read_page
from generator.content.reading_lists import ShelfList, read_lists, shelf_lists
from generator.content.sanitize import RenderedPage, render_page
from generator.content.votes import Vote, read_votes
from generator.content.writer import commit_writes, prepare_writes, same_bytes, write_if_changed
from generator.core import caches, routes
from generator.core.links import new_file_url
from generator.core.model import Paper, sort_key
from generator.core.parallel import compute_apart, render_all
from generator.core.site_config import load_site_config
from generator.core.site_identity import SiteIdentity, load_identity
from generator.core.staging_lock import staging_lock, stamp, stamp_path
from generator.outputs.citations import citation_keys
from generator.plan import (
    Files,
    OnLists,
    Site,
    all_but_index_files,
    export_files,
    generated_files,
    maintainer_files,
    neighbours,
    paper_body,
    paper_file,
    search_files,
    with_related,
)
from generator.search.index import index_files
from generator.shelf.data import shelf_files
from generator.site.icons import icon_files
from generator.taxonomy.background import RelatedSchedule
from generator.taxonomy.topics import assign_topics


@dataclass(slots=True)
class StageReport:
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # file (as shown) -> problems
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    files: int = 0
    papers: int = 0

    def lines(self) -> list[str]:
        return [problem.format(path) for path, problems in sorted(self.problems.items()) for problem in problems]


# --------------------------------------------------------------------------- reading


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def read_content(
    content_dir: Path, root: Path, report: StageReport
) -> tuple[dict[str, RenderedPage], dict[str, bytes]]:
    """Maintainers' pages (Markdown, sanitized) and the files published as they are. What the
    site does not publish (``content.files``) is named as a problem and left out, as validate
    names it."""
    refused, published = content_verdicts(content_dir)
    for path, problems in refused.items():
        report.problems.setdefault(_shown(path, root), []).extend(problems)
    pages: dict[str, RenderedPage] = {}
    assets: dict[str, bytes] = {}
    for src in published:
        if src.startswith(routes.SOURCES_DIR + "/") and src.endswith(".md"):
            continue  # notes beside the listings stay there
        path = content_dir / src
        if path.suffix == ".md":
            page, problems = render_page(path.read_text(encoding="utf-8", errors="replace"), src)
            if page is None:
                report.problems.setdefault(_shown(path, root), []).extend(problems)
            else:
                pages[src] = page
        else:
            assets[src] = path.read_bytes()
    return pages, assets


def read_community(
    content_dir: Path, papers: Sequence[Paper], root: Path, report: StageReport
) -> tuple[list[ShelfList], dict[str, Vote], dict[str, OnLists]]:
    """The reading lists (resolved against the shelf), the votes, and the lists each paper is
    on. A list or an entry with a problem is left out and named; so is a ``votes.json`` that
    cannot be read (trending then counts the imported upvotes alone). Votes for papers no
    longer on the shelf are ``validate``'s notices, not the build's problems."""
    lists, problems = shelf_lists(read_lists(content_dir), papers)
    for src, found in problems.items():
        report.problems.setdefault(_shown(content_dir / src, root), []).extend(found)
    by_slug = {p.slug: p for p in papers}
    votes, vote_problems = read_votes(content_dir, by_slug)
    if errors := [p for p in vote_problems if p.level == "error"]:
        report.problems.setdefault(_shown(content_dir / routes.VOTES_FILE, root), []).extend(errors)
    on_lists: dict[str, list[tuple[str, str]]] = {}
    for shelf in lists:  # by the lists' slugs
        for paper in shelf.papers:
            on_lists.setdefault(paper.slug, []).append((shelf.slug, shelf.title))
    return lists, votes, {slug: tuple(names) for slug, names in on_lists.items()}


def load_site(config_file: Path) -> tuple[SiteIdentity, Site]:
    identity = load_identity(config_file)
    settings = load_site_config(identity.site_config)
    new_list = new_file_url(identity.repo_url, identity.edit_uri, routes.LISTS_DIR)
    return identity, Site(identity.name, identity.url, identity.description, settings, new_list)


# --------------------------------------------------------------------------- writing


def _stat_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _remove(out: Path, rel: str) -> None:
    path = out / rel
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == out or not folder.is_relative_to(out) or any(folder.iterdir()):
            break
        folder.rmdir()


@dataclass(frozen=True, slots=True)
class _ReadPage:
    """A page file as last read: its (mtime, size), and its paper or its problems."""

    stat: tuple[int, int]
    paper: Paper | None
    problems: list[Problem]


@dataclass(frozen=True, slots=True)
class _StagedPaper:
    """A paper's staged page and what it was made from (paper, topics, neighbours, BibTeX key)."""

    made_from: tuple[object, ...]
    text: str


@dataclass(frozen=True, slots=True)
class _LoadedSite:
    """mkdocs.yml and site_config.yml as read, with their (mtime, size) then."""

    stats: tuple[tuple[int, int] | None, ...]
    identity: SiteIdentity
    site: Site


@dataclass(frozen=True, slots=True)
class _WholeFiles:
    """The search files, My shelf's data and the exports, and the collection (signature) and
    settings they are of."""

    made_for: tuple[int, Site]
    files: Files


SEARCH_APART_UP_TO = 25_000
"""A build of at most this many papers makes its search index and typo vocabulary in a second
process while this one makes the pages, My shelf's data and the exports. At 10,000 real papers
that second process took 10.1 s, and this one was busy to its end; with My shelf's data made
there too, it took 15.7 s, and this one waited 4.6 s for it.

A larger build makes the search index here, which needs the most memory (1.2 GB of its own at
50,000 papers), while the second process makes the typo vocabulary, My shelf's data and the
exports (0.8 GB at most): both at once and the related papers' process beside them peaked at
2.6 GB at 50,000 papers, where the whole of it in the second process would pass 3 GB."""


class Stager:
    """Stages the site, again and again under ``serve``, redoing only what an edit changed.

    ``run`` is the pipeline, in the order of the module's docstring. Between runs the stager
    keeps each page file's ``Paper`` (read again when the file's size or time changes), each
    paper's own topics, each staged paper page with what it was made from, and what the staged
    folder holds, so an edit re-reads one file, re-renders the pages that show it and writes only
    the files whose bytes changed. When the related papers are computed is ``related``'s
    business (``RelatedSchedule``).

    With ``preview`` (``serve``), the first run is a build; in each later one an edit shows at
    once with the last related lists, the lists are recomputed in the background once saves
    pause, and ``on_related`` is called when they are ready, to stage once more. Later runs
    also render on this core alone: the preview's file watcher and timers are threads by then,
    and forking a process that runs threads can copy a lock one of them holds.
    """

    def __init__(
        self,
        config_file: Path,
        out: Path | None = None,
        *,
        preview: bool = False,
        on_related: Callable[[], None] | None = None,
        lean: bool = False,
    ) -> None:
        self.config_file = config_file
        self.out = out
        self.preview = preview
        self.lean = lean  # one run only: per-paper caches are released as soon as they are used
        self.related = RelatedSchedule(on_related)
        self._runs = 0
        self._site: Site | None = None
        self._loaded: _LoadedSite | None = None
        self._read: dict[Path, _ReadPage] = {}
        self._topics: dict[Paper, tuple[str, ...]] = {}
        self._pages: dict[str, _StagedPaper] = {}
        self._whole: _WholeFiles | None = None
        self._written: dict[str, str | bytes] | None = None

    def run(self) -> StageReport:
        with caches.lean(self.lean):
            return self._run()

    def _run(self) -> StageReport:
        wait = not self.preview or self._runs == 0  # for the related papers; a build waits
        if wait:
            self.related.warm_up()  # its libraries load while the collection is read
        identity, site = self._load_site()
        if site != self._site:  # other settings: nothing made from the old ones is kept
            self._site, self._topics, self._pages = site, {}, {}
            self.related.forget()
        root = self.config_file.resolve().parent
        out = self.out or identity.docs_dir
        report = StageReport()
        papers = self._collection(identity.content_dir / routes.PAPERS_DIR, root, report)
        topics = assign_topics(papers, site.settings.taxonomy, self._topics)
        lists, votes, on_lists = read_community(identity.content_dir, papers, root, report)
        signature = RelatedSchedule.signature(papers, topics)
        related = self.related.lists(papers, topics, signature, wait=wait)
        mine, whole = self._whole_collection(papers, site, topics, signature, wait)  # made meanwhile
        pages, assets = read_content(identity.content_dir, root, report)
        assets.update(icon_files())
        files: Files = dict(assets)
        files.update(maintainer_files(pages, site))
        files.update(generated_files(papers, site, topics, lists, votes))
        if self.lean:
            caches.release()
        keys = citation_keys(papers)
        early = self._early_bodies(papers, topics, keys, on_lists) if wait else {}  # while the child works
        mine()  # this process's share of the whole-collection files: the related papers are still due
        files.update(self._paper_files(papers, site, topics, related(), keys, on_lists, early, fork=wait))
        files.update(whole())
        files[routes.STAGED_MARKER] = "Written by PaperShelf's stage step: every page here is rendered and escaped.\n"
        with staging_lock(out, exclusive=True):  # the engine's preview never sees it half-written
            self._write(files, out, report)
        if report.written or report.removed or not stamp_path(out).exists():
            stamp(out)  # what a preview server watches
        self.related.start_pending()
        self._runs += 1
        report.papers = len(papers)
        return report

    def _load_site(self) -> tuple[SiteIdentity, Site]:
        """``load_site``, read again only when mkdocs.yml or site_config.yml changed."""
        files = (self.config_file,) if self._loaded is None else (self.config_file, self._loaded.identity.site_config)
        stats = tuple(_stat_key(path) for path in files)
        if self._loaded is None or self._loaded.stats != stats:
            identity, site = load_site(self.config_file)
            stats = tuple(_stat_key(path) for path in (self.config_file, identity.site_config))
            self._loaded = _LoadedSite(stats, identity, site)
        return self._loaded.identity, self._loaded.site

    def close(self) -> None:
        self.related.close()

    def _collection(self, papers_dir: Path, root: Path, report: StageReport) -> list[Paper]:
        read: dict[Path, _ReadPage] = {}
        for path in page_paths(papers_dir):
            try:
                info = path.lstat()
            except OSError:
                continue
            key = (info.st_mtime_ns, info.st_size)
            known = self._read.get(path)
            read[path] = known if known is not None and known.stat == key else _ReadPage(key, *read_page(path))
        self._read = read
        papers = []
        for path, page in read.items():
            if page.paper is None:
                report.problems.setdefault(_shown(path, root), []).extend(page.problems)
            else:
                papers.append(page.paper)
        papers.sort(key=sort_key)
        return papers

    def _whole_collection(
        self, papers: Sequence[Paper], site: Site, topics: Mapping[str, tuple[str, ...]], signature: int, wait: bool
    ) -> tuple[Callable[[], Files], Callable[[], Files]]:
        """What makes the files that hold the whole collection: the search index and its typo
        vocabulary (``plan.search_files``), My shelf's data and the exports. Two calls: the first
        makes this process's share, the second gives them all.

        A build makes the search files in a forked child on the second core while this process
        makes the pages, My shelf's data and the exports, these two while the related papers'
        child works (``SEARCH_APART_UP_TO``); a preview makes them all here, where its per-paper
        caches stay for the next edit. In a preview an edit shows at once with the files of a
        moment ago, and they follow, with the related lists, once saves pause (a second or so of
        work at 10,000 papers)."""
        current = (signature, site)
        stale = self._whole is not None and self._whole.made_for != current
        if self._whole is not None and not (stale and (wait or self.related.known_for(signature))):
            known = self._whole.files
            return (lambda: {}), (lambda: known)
        apart = wait and self.lean  # a one-off build: a second process is worth its fork
        if apart and len(papers) > SEARCH_APART_UP_TO:  # the index here, the rest apart
            made = compute_apart(lambda: all_but_index_files(papers, site, topics))
            index: Files = dict(index_files(papers, topics))  # first: the order with the lowest peak

            def mine() -> Files:
                return index

        else:  # the search files apart; My shelf's data and the exports here, as the pages are
            made = compute_apart(lambda: search_files(papers, topics), fork=apart)

            @functools.cache
            def mine() -> Files:
                return dict(shelf_files(papers)) | export_files(papers, site, topics)

        def files() -> Files:
            whole = mine() | made()
            self._whole = _WholeFiles(current, whole)
            return whole

        return mine, files

    def _early_bodies(
        self,
        papers: Sequence[Paper],
        topics: Mapping[str, tuple[str, ...]],
        keys: Mapping[str, str],
        on_lists: Mapping[str, OnLists],
    ) -> dict[str, str]:
        """In a build, while the child computes the related papers, the bodies of the pages to
        be made, with a slot for those (``plan.paper_body``), made on this core while the child
        uses the other: at 50,000 papers a quarter of the wait. Nothing when the lists are
        known already (a preview, or a restage with the same collection)."""
        if not self.related.computing:
            return {}
        return {
            p.slug: paper_body(p, topics.get(p.slug, ()), keys.get(p.slug), on_lists.get(p.slug, ()))
            for p in papers
            if p.slug not in self._pages
        }

    def _paper_files(
        self,
        papers: Sequence[Paper],
        site: Site,
        topics: Mapping[str, tuple[str, ...]],
        related: Mapping[str, Sequence[str]],
        keys: Mapping[str, str],
        on_lists: Mapping[str, OnLists],
        early: dict[str, str] | None = None,
        *,
        fork: bool = True,
    ) -> Files:
        near = neighbours(papers, related)
        pages: dict[str, _StagedPaper] = {}
        todo: list[tuple[Paper, tuple[str, ...], tuple[Paper, ...], str | None, OnLists]] = []
        for paper in papers:
            key = (
                paper,
                topics.get(paper.slug, ()),
                near[paper.slug],
                keys.get(paper.slug),
                on_lists.get(paper.slug, ()),
            )
            known = self._pages.get(paper.slug)
            if known is not None and known.made_from == key:
                pages[paper.slug] = known
            elif early and paper.slug in early:  # each body let go once its page is made
                pages[paper.slug] = _StagedPaper(key, with_related(paper, site, key[1], key[2], early.pop(paper.slug)))
            else:
                todo.append(key)
        made = render_all(todo, lambda k: paper_file(k[0], site, *k[1:]), fork=fork)
        for key, text in zip(todo, made, strict=True):
            pages[key[0].slug] = _StagedPaper(key, text)
        pages = {paper.slug: pages[paper.slug] for paper in papers}  # the site order, as before
        self._pages = pages
        return {routes.paper_src(slug): page.text for slug, page in pages.items()}

    def _write(self, files: Files, out: Path, report: StageReport) -> None:
        """Write what changed, remove what is no longer staged. The first run compares with
        the folder on disk; later ones with what the last run wrote.

        A killed or failed stage never leaves a half-written folder for an engine to publish:
        every changed file is first written into a folder beside it (``prepare_writes``: a full
        disk stops here, with the folder as it was); then the folder's ``STAGED_MARKER`` is removed,
        the files renamed into place and the gone ones removed, and the marker written back
        last. The engine refuses a folder without it (``run.check_staged``)."""
        first = self._written is None or not out.is_dir()
        last = {} if first or self._written is None else self._written

        def changes() -> Iterator[tuple[str, bytes]]:  # encoded one at a time: a site is large
            for path, content in sorted(files.items()):
                old = last.get(path)
                if path == routes.STAGED_MARKER or old is content or old == content:
                    continue
                data = content.encode("utf-8") if isinstance(content, str) else content
                if not same_bytes(out / path, data):
                    report.written.append(path)
                    yield path, data

        if first:
            for dirpath, _, filenames in os.walk(out):
                for name in filenames:
                    rel = Path(dirpath, name).relative_to(out).as_posix()
                    if rel not in files:
                        report.removed.append(rel)
        else:
            report.removed = sorted(set(last) - set(files))
        marked = same_bytes(out / routes.STAGED_MARKER, _encoded(files[routes.STAGED_MARKER]))
        scratch = out.with_name(f".{out.name}.pending")
        pending = prepare_writes(scratch, out, changes())
        if pending or report.removed:
            (out / routes.STAGED_MARKER).unlink(missing_ok=True)
        commit_writes(pending, scratch)
        for rel in report.removed:
            _remove(out, rel)
        if write_if_changed(out / routes.STAGED_MARKER, files[routes.STAGED_MARKER]) and not marked:
            report.written.append(routes.STAGED_MARKER)  # new, or its content changed: not a mere re-mark
        self._written = files
        report.files = len(files)


def _encoded(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def stage(config_file: Path, out: Path | None = None) -> StageReport:
    """Read ``content/``, render the site's input and write it to ``out`` (the engine's ``docs_dir``)."""
    stager = Stager(config_file, out, lean=True)
    try:
        return stager.run()
    finally:
        stager.close()
