"""Real ``mkdocs build --strict`` runs: the repository's own site, and a site with a broken page."""

from __future__ import annotations

import re
from pathlib import Path

from generator.content.collection import load_collection, page_paths
from generator.core.model import sort_key
from generator.site.icons import ICON_FILES, theme_icons_dir
from tests.conftest import FIXTURE_PAPERS, ROOT, copy_project, mkdocs_build

PAPERS = sorted(p.stem for p in FIXTURE_PAPERS.glob("*.md"))
IN_ORDER = [p.slug for p in load_collection(page_paths(FIXTURE_PAPERS)).papers]  # the site-wide order
ON_JULY_8 = [p.slug for p in load_collection(page_paths(FIXTURE_PAPERS)).papers if p.date.isoformat() == "2025-07-08"]


def test_every_paper_has_a_page(built_site: Path) -> None:
    assert len(PAPERS) >= 10
    built = sorted(p.parent.name for p in (built_site / "papers").glob("*/index.html"))
    assert built == PAPERS


def test_home_lists_all_papers_under_their_date(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h2[^>]*>July 8, 2025", html)
    links = re.findall(r'class="ps-item-title" href="papers/([^/"]+)/"', html)
    assert links == IN_ORDER  # newest date first, then the site-wide order within a date
    assert list(IN_ORDER) == [p.slug for p in sorted(load_collection(page_paths(FIXTURE_PAPERS)).papers, key=sort_key)]
    assert html.count('class="ps-code-link"') == sum(
        1 for s in PAPERS if "\ncode: " in (FIXTURE_PAPERS / f"{s}.md").read_text(encoding="utf-8")
    )


def test_paper_page_shows_fields_and_source(built_site: Path) -> None:
    slug = "melange-cost-efficient-large-language-model-serving-by-exploiting-gpu"
    html = (built_site / "papers" / slug / "index.html").read_text(encoding="utf-8")
    assert (
        "<title>Mélange: Cost Efficient Large Language Model Serving by Exploiting GPU Heterogeneity"
        " - PaperShelf</title>" in html
    )
    assert '<time datetime="2025-07-08">July 8, 2025</time>' in html
    assert 'href="https://github.com/tyler-griggs/melange-release"' in html
    assert 'href="../../sources/hf-papers-listing.txt"' in html
    assert (built_site / "sources" / "hf-papers-listing.txt").exists()
    assert html.count("<p>", html.index('class="ps-abstract"')) >= 1
    nav = html[html.index('<nav class="md-tabs') :]
    assert "papers/" not in nav[: nav.index("</nav>")]  # papers are not in the navigation


def test_a_flat_navigation_is_the_tabs_alone(built_site: Path, tmp_path: Path) -> None:
    """With the site's flat navigation, the tabs are shown at every width and no drawer repeats
    them; a navigation with a section keeps the theme's drawer and its menu button."""
    for page in ("index.html", f"papers/{PAPERS[0]}/index.html", "about/index.html", "404.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        assert '<nav class="md-tabs ps-tabs--always"' in html, page
        assert "md-nav--primary" not in html and 'class="md-header__button md-icon ps-c ps-c-menu"' not in html, page
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    flat = "\nnav:\n  - Home: index.md\n"
    assert flat in text
    config.write_text(text.replace(flat, flat + "  - More:\n    - data.md\n"))
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    html = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert '<nav class="md-tabs"' in html and "md-nav--primary" in html and "ps-c-menu" in html


def test_theme_icons_are_shared_files(built_site: Path) -> None:
    """The header, drawer, search box and edit icons are drawn by the stylesheet from published
    files, each the theme's own icon that the template names, instead of SVG inlined into every
    page; the search box, built by search.js, carries none either."""
    template = (ROOT / "overrides" / "partials" / "papershelf-icons.html").read_text(encoding="utf-8")
    masked = dict(re.findall(r'"([a-z]+/[a-z0-9-]+)": "([a-z0-9-]+)"', template))
    css = (ROOT / "overrides" / "assets" / "papershelf.css").read_text(encoding="utf-8")
    script = (ROOT / "overrides" / "assets" / "search.js").read_text(encoding="utf-8")
    assert len(masked) >= 8
    assert {"search", "arrow-left", "close"} <= set(re.findall(r"\bps-c-([a-z0-9-]+)", script)) <= set(masked.values())
    assert "<svg" not in script
    for icon, name in masked.items():
        assert ICON_FILES[name] == f"{icon}.svg"
        assert f'.ps-c-{name} {{ --ps-icon: url("icons/{name}.svg"); }}' in css
        published = built_site / "assets" / "icons" / f"{name}.svg"
        assert published.read_bytes() == (theme_icons_dir() / f"{icon}.svg").read_bytes()
    for page in ("index.html", f"papers/{PAPERS[0]}/index.html", "about/index.html", "404.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        used = set(re.findall(r"\bps-c-([a-z0-9-]+)", html))
        assert {"library", "search", "brightness-7", "brightness-4"} <= used <= set(masked.values()), page
        assert "<svg" not in html, page  # not even in the search box: search.js builds it


def test_generated_pages_are_not_committed() -> None:
    assert not (ROOT / "content" / "index.md").exists()
    assert not (ROOT / "content" / "archive").exists()


def test_archive_page_per_date(built_site: Path) -> None:
    index = (built_site / "archive" / "index.html").read_text(encoding="utf-8")
    assert 'href="2025-07-08/"' in index and f"{len(ON_JULY_8)} papers" in index
    day = (built_site / "archive" / "2025-07-08" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'class="ps-item-title" href="../../papers/([^/"]+)/', day) == ON_JULY_8


def test_broken_page_is_left_out_and_named(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    broken = project / "content" / "papers" / "broken-page.md"
    broken.write_text("---\ntitle: Broken\ndate: 2025-02-30\n---\n\nText.\n", encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode != 0  # strict mode fails the build…
    assert "content/papers/broken-page.md:3: date: 2025-02-30 is not a real date" in result.stderr
    assert not (site / "papers" / "broken-page").exists()
    assert sorted(p.parent.name for p in (site / "papers").glob("*/index.html")) == PAPERS  # …the rest is built
    assert (site / "index.html").exists()


def test_relative_url_agrees_with_relpath() -> None:
    """The fast split-on-slashes link is the one ``posixpath.relpath`` gives, for every shape of
    URL the site makes (directory URLs, files, the home page, shared and unrelated prefixes)."""
    import itertools
    import posixpath

    from generator.core.html import _relative_url_slow, relative_url

    shapes = ["", "index.html", "a/", "a/b/", "a/b/c/", "a/x/", "b/", "a/b/page.html", "a//b/", "./a/", "atom.xml"]
    checked = 0
    for frm, to in itertools.product(shapes, repeat=2):
        base = frm if frm.endswith("/") or not frm else posixpath.dirname(frm) + "/"
        assert relative_url(frm, to) == _relative_url_slow(base, to), (frm, to)
        checked += 1
    assert checked == len(shapes) ** 2
