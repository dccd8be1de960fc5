"""The staged site built by each engine that reads ``mkdocs.yml``: MkDocs, ProperDocs, Zensical.

The fixture ``tests/fixtures/staged`` is a staged folder as the stage step writes it (pages
already rendered and escaped, feeds and exports beside them, one hostile paper), with a config
that lists no PaperShelf plugin; the project's own ``overrides/`` and assets are copied beside
it, where the staged layout keeps them (``overrides/assets``).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.core.routes import STAGED_MARKER
from generator.core.site_identity import PLUGIN
from generator.engine import run
from generator.engine.run import EngineError, build, plugin_names
from generator.search.index import INDEX_DIR
from generator.site.icons import icon_files
from generator.stage import stage
from tests.conftest import ROOT, copy_project, read_export

FIXTURE = ROOT / "tests" / "fixtures" / "staged"
HOSTILE_RAW = ('<script>alert("staged")</script>', "<img src=x onerror", "<b>Bold</b>", 'href="javascript:')
_GENERATOR_META = re.compile(r'<meta name="generator" content="[^"]*">')


def staged_project(dest: Path) -> Path:
    """A throw-away staged project: the fixture's config and folder, the theme's overrides and
    assets, and the link buttons' icons, which the stage step takes from the installed theme.
    Returns its config file."""
    shutil.copytree(FIXTURE, dest)
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    for rel, data in icon_files().items():
        (dest / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / "docs" / rel).write_bytes(data)
    return dest / "mkdocs.yml"


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def staged_pages(docs: Path) -> list[str]:
    """The URL paths of the staged Markdown pages (directory URLs)."""
    out = []
    for md in sorted(docs.rglob("*.md")):
        rel = md.relative_to(docs).with_suffix("").as_posix()
        out.append("" if rel == "index" else rel.removesuffix("/index").removesuffix("index") + "/")
    return out


def html_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


# -------------------------------------------------------------------------------------- fast


def test_plugin_names_read_every_form_of_the_plugins_setting() -> None:
    assert plugin_names({"plugins": ["papershelf", {"search": {"enabled": False}}, {"tags": None}]}) == [
        "papershelf",
        "tags",
    ]
    assert plugin_names({"plugins": {"papershelf": {}, "search": {"enabled": False}}}) == ["papershelf"]
    assert plugin_names({}) == []


def test_an_unknown_engine_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match=r"^hugo: not an engine PaperShelf builds with \(choose mkdocs, "):
        build("hugo", staged_project(tmp_path / "p"), tmp_path / "p" / "site")


@pytest.mark.parametrize("engine", ["zensical", "mkdocs", "properdocs"])
def test_contributor_sources_are_refused_without_the_plugin(tmp_path: Path, engine: str) -> None:
    """A folder the stage step did not write (here: no marker) is never published by an engine
    that runs without PaperShelf's plugin; nothing is written."""
    config = staged_project(tmp_path / "p")
    (config.parent / "docs" / STAGED_MARKER).unlink()
    site = config.parent / "site"
    with pytest.raises(EngineError) as err:
        build(engine, config, site)
    message = str(err.value)
    assert message.startswith(f"{engine}: ") and "not a staged folder" in message and "\n" not in message
    assert not site.exists()


def test_the_project_config_with_the_plugin_is_not_refused() -> None:
    """The repository's mkdocs.yml lists the plugin, which escapes every page itself."""
    config = run._read_config("mkdocs", ROOT / "mkdocs.yml")
    assert PLUGIN in plugin_names(config)


def test_an_unreadable_config_is_one_line_naming_the_engine(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: [unclosed\n", encoding="utf-8")
    with pytest.raises(EngineError, match=r"^zensical: .*mkdocs\.yml is not a valid config: ") as err:
        build("zensical", config, tmp_path / "site")
    assert "\n" not in str(err.value)


# -------------------------------------------------------------------------------------- builds


@pytest.mark.slow
def test_properdocs_builds_the_staged_site_byte_identical_to_mkdocs(tmp_path: Path) -> None:
    config = staged_project(tmp_path / "p")
    build("mkdocs", config, tmp_path / "p" / "site-mkdocs")
    build("properdocs", config, tmp_path / "p" / "site-properdocs")
    mkdocs, properdocs = site_files(tmp_path / "p" / "site-mkdocs"), site_files(tmp_path / "p" / "site-properdocs")
    assert mkdocs.keys() == properdocs.keys()
    for name, data in mkdocs.items():
        other = properdocs[name]
        if name.endswith(".html"):
            # The one difference: each page names its generator, once.
            assert len(_GENERATOR_META.findall(data.decode())) == 1, name
            assert b"ProperDocs" in other, name
            data = _GENERATOR_META.sub("", data.decode()).encode()
            other = _GENERATOR_META.sub("", other.decode()).encode()
        assert data == other, f"{name} differs between MkDocs and ProperDocs"


@pytest.mark.slow
def test_properdocs_runs_the_plugin_and_builds_the_live_site_as_mkdocs(tmp_path: Path, built_site: Path) -> None:
    """With the project's own config ProperDocs loads PaperShelf's plugin by its entry point:
    the same pages, feeds and search index as MkDocs, the generator ``<meta>`` aside."""
    project = copy_project(tmp_path / "project")  # the fixture collection, as ``built_site``
    assert stage(project / "mkdocs.yml").problems == {}
    site = tmp_path / "site"
    build("properdocs", project / "mkdocs.yml", site)
    mkdocs, properdocs = site_files(built_site), site_files(site)
    assert mkdocs.keys() == properdocs.keys()
    for name, data in mkdocs.items():
        other = properdocs[name]
        if name.endswith(".html"):
            data = _GENERATOR_META.sub("", data.decode()).encode()
            other = _GENERATOR_META.sub("", other.decode()).encode()
        assert data == other, f"{name} differs between MkDocs and ProperDocs"


@pytest.mark.slow
def test_zensical_builds_the_staged_site_with_search_and_nothing_raw(tmp_path: Path) -> None:
    config = staged_project(tmp_path / "p")
    docs, site = config.parent / "docs", config.parent / "site"
    build("zensical", config, site)

    # Every staged page is a page of the site, with its head tags from the front matter.
    for url in staged_pages(docs):
        page = html_of(site, url)
        assert '<link rel="alternate" type="application/atom+xml"' in page, url
        assert 'href="' + ("../" * url.count("/") or "./") + 'assets/papershelf.css"' in page, url
    papers = sorted(p.stem for p in (docs / "papers").glob("*.md"))
    assert papers
    for slug in papers:
        page = html_of(site, f"papers/{slug}/")
        assert '<meta name="citation_title"' in page and 'class="ps-paper"' in page, slug
    assert "Latest papers" in html_of(site, "")

    # Feeds, exports and the search index are published as they were staged, byte for byte.
    statics = [p for p in docs.rglob("*") if p.is_file() and p.suffix != ".md" and p.name != STAGED_MARKER]
    wanted = {"feeds/atom.xml", "papers.json.gz", "papers.bib", "assets/search-filters.json", "assets/icons/arxiv.svg"}
    assert wanted <= {p.relative_to(docs).as_posix() for p in statics}
    for path in statics:
        rel = path.relative_to(docs)
        assert (site / rel).read_bytes() == path.read_bytes(), rel
    assert not (site / STAGED_MARKER).exists()
    # The theme's overrides folder: its templates are used (above), its other files published.
    overrides = config.parent / "overrides"
    for path in (overrides / "assets").rglob("*"):
        if path.is_file():
            assert (site / path.relative_to(overrides)).read_bytes() == path.read_bytes(), path
    read_export(site)

    # The hostile paper stays escaped everywhere: once (no double escaping), never raw.
    hostile = html_of(site, "papers/hostile-contributor-markup/")
    assert "<h1>Hostile &lt;script&gt;alert(&quot;staged&quot;)&lt;/script&gt;" in hostile
    assert "<title>Hostile &lt;script&gt;" in hostile
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "&amp;lt;" not in text, path
        for raw in HOSTILE_RAW:
            assert raw not in text, f"{raw!r} published raw in {path.relative_to(site)}"

    # The same input gives the same site, byte for byte (Zensical keeps a cache between builds).
    first = site_files(site)
    build("zensical", config, site)
    assert site_files(site) == first


def _gz_json(site: Path, n: int) -> list[list[object]]:
    return json.loads(gzip.decompress((site / INDEX_DIR / f"d{n}.bin").read_bytes()))


@pytest.mark.slow
def test_zensical_publishes_the_staged_search_index(tmp_path: Path) -> None:
    """Zensical runs no plugin: the search index is staged files, so it publishes the same
    index as MkDocs, one record per paper page at the address of its page."""
    project = copy_project(tmp_path / "project")
    assert stage(project / "mkdocs.yml").problems == {}
    site = project / "site"
    build("zensical", project / "mkdocs.yml", site)
    meta = json.loads((site / INDEX_DIR / "meta.json").read_text(encoding="utf-8"))
    records = [r for n in range(-(-meta["docs"] // meta["docs_per_file"])) for r in _gz_json(site, n)]
    pages = {p.parent.relative_to(site).as_posix() + "/" for p in (site / "papers").glob("*/index.html")}
    assert pages and sorted(r[0] for r in records) == sorted(pages)
    docs = project / "build" / "stage"
    for path in (docs / INDEX_DIR).iterdir():
        assert (site / INDEX_DIR / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["zensical", "mkdocs"])
def test_an_engine_failure_is_one_line_naming_the_engine(tmp_path: Path, engine: str) -> None:
    """A staged page linking to a page that does not exist fails the strict build."""
    config = staged_project(tmp_path / "p")
    about = config.parent / "docs" / "about.md"
    about.write_text("---\ntitle: About\n---\n\n# About\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
    with pytest.raises(EngineError) as err:
        build(engine, config, config.parent / "site")
    message = str(err.value)
    assert message.startswith(f"{engine}: build failed (exit status ") and "\n" not in message, message
    assert "Traceback" not in message and "\x1b" not in message
    assert not list(config.parent.glob(".papershelf-zensical-*"))  # the config Zensical was given is gone


@pytest.mark.slow
def test_zensical_site_folder_must_be_inside_the_project(tmp_path: Path) -> None:
    config = staged_project(tmp_path / "p")
    with pytest.raises(EngineError, match=r"^zensical: the site folder .* must be inside "):
        build("zensical", config, tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()
