"""Paper pages made from the template's stencil (``generator.engine.fastpages``) are byte for byte the
pages the theme renders one by one: a real build of the repository's site both ways, with extra
papers whose values must take the ordinary path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.engine import fastpages
from tests.conftest import copy_project, mkdocs_build

TRICKY_PAPERS = {
    "a-and-b-script.md": (
        "---\ntitle: 'A & B <script>alert(1)</script>'\ndate: 2025-09-01\n"
        "authors:\n- Ada <Lovelace>\n- Bob & Co\narxiv: '2404.14527'\n---\n\n"
        "Quotes \"here\" and 'there', a < b & c > d.\n"
    ),
    "squares-in-math.md": (
        "---\ntitle: Squares of Things\ndate: 2025-09-02\nauthors:\n- Q. Uokka\n---\n\n"
        "We show that $x^2$ is never negative, and $$\\sum_i x_i^2 \\ge 0$$ too.\n"
    ),
    "sentinel-like-title.md": (
        f"---\ntitle: On {fastpages.MARK}-title-0 and Friends\ndate: 2025-09-03\n---\n\n"
        f"An abstract that mentions {fastpages.SENTINELS['content']} as text.\n"
    ),
    "plain-paper-with-authors.md": (
        "---\ntitle: A Plain Paper\ndate: 2025-09-04\nauthors:\n- A. Author\n- B. Author\n"
        "arxiv: '2501.00001'\n---\n\nNothing unusual here at all.\n"
    ),
}


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_fast_paper_pages_are_byte_identical(tmp_path: Path) -> None:
    fast = copy_project(tmp_path / "fast")
    for name, text in TRICKY_PAPERS.items():
        (fast / "content" / "papers" / name).write_text(text, encoding="utf-8")
    slow = tmp_path / "slow"
    shutil.copytree(fast, slow)
    config, switched = re.subn(
        r"^  - papershelf\b.*$",
        "  - papershelf:\n      fast_paper_pages: false",
        (slow / "mkdocs.yml").read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    assert switched == 1
    (slow / "mkdocs.yml").write_text(config, encoding="utf-8")

    built = {}
    for name, project in (("fast", fast), ("slow", slow)):
        result = mkdocs_build(project, tmp_path / f"site-{name}")
        assert result.returncode == 0, result.stderr
        assert "stencil did not match" not in result.stderr
        built[name] = _files(tmp_path / f"site-{name}")

    assert sorted(built["fast"]) == sorted(built["slow"])
    different = [path for path in built["fast"] if built["fast"][path] != built["slow"][path]]
    assert different == []
    for slug in ("a-and-b-script", "squares-in-math", "sentinel-like-title", "plain-paper-with-authors"):
        assert f"papers/{slug}/index.html" in built["fast"]
    page = built["fast"]["papers/a-and-b-script/index.html"].decode()
    assert "<script>alert(1)" not in page


def test_stencil_puts_values_back_where_the_sentinels_were() -> None:
    s = fastpages.SENTINELS
    rendered = f"<title>{s['title']}</title>{s['head']}<a href='/papers/{s['slug']}/'>{s['content']}</a>"
    stencil = fastpages.make_stencil(rendered)
    assert stencil is not None
    values = {"title": "T &amp; U", "description": "d", "slug": "t-u", "head": "<meta>", "content": "<h1>x</h1>"}
    assert fastpages.usable(values)
    assert fastpages.fill(stencil, values) == "<title>T &amp; U</title><meta><a href='/papers/t-u/'><h1>x</h1></a>"


def test_stencil_refuses_what_it_cannot_reproduce() -> None:
    s = fastpages.SENTINELS
    assert fastpages.make_stencil(f"<title>{s['title']}</title>{s['head']}") is None  # no body
    assert fastpages.make_stencil(f"{s['title']}{s['head']}{s['content']}{s['content']}") is None
    values = {"title": "t", "description": "d", "slug": "ok", "head": "", "content": "c"}
    assert fastpages.usable(values)
    assert not fastpages.usable({**values, "title": f"about {fastpages.MARK}"})
    assert not fastpages.usable({**values, "slug": "Not/Plain"})
    assert not fastpages.usable({k: v for k, v in values.items() if k != "head"})
