"""The bad-input suite (tests/bad_inputs): every hostile or broken page gets a clear message from
``validate`` and is left out of the build (never a traceback, a hang, or a file written outside
the output folder), and every page that is accepted shows its markup as inert text."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURE_PAPERS, ROOT, copy_project, mkdocs_build, screenshot, serve

BAD = ROOT / "tests" / "bad_inputs"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((BAD / "cases.yml").read_text(encoding="utf-8"))
INERT = {name: case for name, case in CASES.items() if case.get("inert")}
REJECTED = {name: case for name, case in CASES.items() if not case.get("inert")}
SITE_NAME = "PaperShelf"


def add_generated_cases(papers: Path, outside: Path) -> dict[str, str]:
    """Cases git cannot hold; returns name -> the message validate must give."""
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.md"
    secret.write_text("---\ntitle: Outside the docs\ndate: 2025-07-08\n---\n\nroot:x:0:0 secret\n", "utf-8")
    (papers / "symlink-outside.md").symlink_to(secret)
    (papers / "symlink-to-page.md").symlink_to(papers / "inject-entities.md")
    (papers / "huge-file.md").write_text("---\ntitle: Huge\ndate: 2025-07-08\n---\n\n" + "word " * 80_000, "utf-8")
    (papers / "huge-front-matter.md").write_text(
        "---\ntitle: Big\ndate: 2025-07-08\nauthors:\n" + "- A Name\n" * 9000 + "---\n", "utf-8"
    )
    (papers / "folder-named-like-a-page.md").mkdir()
    os.mkfifo(papers / "pipe-named-like-a-page.md")
    return {
        "symlink-outside.md": "file: is a symbolic link",
        "symlink-to-page.md": "file: is a symbolic link",
        "huge-file.md": "file: is larger than 256 KB",
        "huge-front-matter.md": "front matter: is larger than 64 KB",
        "folder-named-like-a-page.md": "file: is not a regular file",
        "pipe-named-like-a-page.md": "file: is not a regular file",
    }


def tree_digest(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` with a hash of its bytes (links and special files by kind)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file() and not path.is_fifo():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir" if path.is_dir() else "special"
    return out


def test_suite_is_broad() -> None:
    files = {p.name for p in (BAD / "pages").iterdir()}
    assert files == set(CASES), "every case file is described in cases.yml and the other way round"
    assert len(CASES) + 6 >= 40
    families = {case["family"] for case in CASES.values()}
    assert len(families) >= 12, families
    assert len(INERT) >= 10


def test_validate_names_every_bad_input(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    shutil.copytree(BAD / "pages", papers)
    generated = add_generated_cases(papers, tmp_path / "outside")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "validate",
            "--papers",
            str(papers),
            "--config",
            str(ROOT / "site_config.yml"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GITHUB_ACTIONS": "true", "PYTHONPATH": str(ROOT)},
        timeout=120,  # a hang (a pipe read, a YAML bomb) must fail the test, not stall it
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == ""  # no traceback, no warnings
    lines = result.stdout.splitlines()
    errors = [line for line in lines if not line.startswith("::") and ": note: " not in line.split(" — ")[0]]
    for name, case in REJECTED.items():
        expected = f"{papers}/{name}:"
        mine = [line for line in errors if line.startswith(expected)]
        assert any(f": {case['field']}: " in line and case["message"] in line for line in mine), (name, mine)
    for name, message in generated.items():
        assert any(line.startswith(f"{papers}/{name}:1: {message}") for line in errors), name
    for name in INERT:
        assert not [line for line in errors if line.startswith(f"{papers}/{name}:")], name
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(lines) - 1 - len(commands)  # one annotation per finding, plus the summary
    assert all(re.match(r"^::(error|notice) file=[^:,\n]+,line=\d+,title=[^:,\n]+::", c) for c in commands)
    assert sum(c.startswith("::error ") for c in commands) == len(REJECTED) + len(generated)
    assert not any(line.lstrip().startswith("::") for line in lines if line not in commands)


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], Path]:
    """A real strict build of the site with every bad input added to the papers."""
    root = tmp_path_factory.mktemp("injected")
    project = copy_project(root / "project")
    # One home page holds every paper, so the listing tests see each injected title wherever the
    # site order (by rank, then title) puts it.
    config = project / "site_config.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("papers_per_page: 100", "papers_per_page: 500"), encoding="utf-8"
    )
    papers = project / "content" / "papers"
    for page in (BAD / "pages").iterdir():
        shutil.copy(page, papers / page.name)
    add_generated_cases(papers, root / "outside")
    before = tree_digest(root)
    site = root / "site"
    result = mkdocs_build(project, site)
    outputs = ("site", "project/build")  # the built site and the staged folder it was built from
    after = {k: v for k, v in tree_digest(root).items() if not k.startswith(outputs)}
    assert after == before, "the build changed or added files outside its output folders"
    return site, result, project


def test_build_leaves_bad_pages_out_and_builds_the_rest(
    injected: tuple[Path, subprocess.CompletedProcess[str], Path],
) -> None:
    site, result, _ = injected
    assert result.returncode != 0, "strict mode must fail"
    assert "Traceback" not in result.stderr
    built = {p.parent.name for p in (site / "papers").glob("*/index.html")}
    seeds = {p.stem for p in (FIXTURE_PAPERS).glob("*.md")}
    assert seeds <= built
    for name, case in REJECTED.items():
        if case.get("validate_only"):
            assert name.removesuffix(".md") in built
            continue
        assert f"left out of the site: content/papers/{name}:" in result.stderr, name
        assert name.removesuffix(".md") not in built
    for name in INERT:
        assert name.removesuffix(".md") in built, name
    for generated in ("symlink-outside", "symlink-to-page", "huge-file", "huge-front-matter"):
        assert f"left out of the site: content/papers/{generated}.md:1: " in result.stderr
        assert generated not in built
    leaked = [p for p in site.rglob("*") if p.is_file() and b"root:x:0:0" in p.read_bytes()]
    assert leaked == [], "a symlinked file's content reached the site"


class _Scan(HTMLParser):
    """What a page would run: scripts, handlers, dangerous URLs; and its title and h1 text."""

    DANGEROUS = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)
    URL_ATTRS = frozenset({"href", "src", "action", "formaction", "srcdoc", "xlink:href", "data"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[list[str]] = []  # [type, src, inline text]
        self.active: list[str] = []
        self.title = ""
        self.h1: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            a = dict(attrs)
            self.scripts.append([a.get("type") or "", a.get("src") or "", ""])
        if tag in {"iframe", "object", "embed", "frame"}:
            self.active.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.active.append(f"{tag} {name}={value}")
            if name in self.URL_ATTRS and value and self.DANGEROUS.match(value):
                self.active.append(f"{tag} {name}={value}")
        if tag in {"title", "h1", "script"}:
            self._in.append(tag)
            if tag == "h1":
                self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "script" in self._in:
            self.scripts[-1][2] += data
        if "title" in self._in:
            self.title += data
        if "h1" in self._in:
            self.h1[-1] += data


def scan(path: Path) -> _Scan:
    parser = _Scan()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", sorted(INERT))
def test_injected_markup_is_inert_text_in_the_html(
    injected: tuple[Path, subprocess.CompletedProcess[str], Path], name: str
) -> None:
    site, _, _ = injected
    clean = scan(site / "papers" / "qlora-efficient-finetuning-of-quantized-llms" / "index.html")
    page = scan(site / "papers" / name.removesuffix(".md") / "index.html")
    assert page.active == clean.active, page.active  # only what the site's own templates carry
    for kind, src, text in page.scripts:  # only the site's own scripts (math pages add KaTeX)
        if src:
            assert "://" not in src and not _Scan.DANGEROUS.match(src), src
        elif kind == "application/ld+json":
            json.loads(text)  # contributor text stayed inside its JSON strings
        else:
            assert not re.search(r"__pwned|alert\(|msgbox|evil\.example", text), text[:300]
    assert len(page.scripts) >= len(clean.scripts)
    shows = INERT[name]["title"]
    assert page.title == f"{shows} - {SITE_NAME}"  # escaped exactly once: the text is the title itself
    assert shows in page.h1


def test_listings_show_titles_as_text(injected: tuple[Path, subprocess.CompletedProcess[str], Path]) -> None:
    site, _, _ = injected
    home = (site / "index.html").read_text(encoding="utf-8")
    clean = scan(site / "papers" / "qlora-efficient-finetuning-of-quantized-llms" / "index.html")
    assert scan(site / "index.html").active == clean.active
    for case in INERT.values():
        assert html.escape(case["title"], quote=True) in home or html.escape(case["title"], quote=False) in home


_DOM_SCAN = """() => {
  const root = document.querySelector('article.ps-paper') || document.body;
  const bad = [];
  for (const el of root.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (/^\\s*(javascript|data|vbscript):/i.test(a.value) && ['href', 'src', 'action', 'srcdoc'].includes(a.name))
        bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName)) bad.push(el.tagName);
  }
  return bad;
}"""


@pytest.mark.browser
def test_injected_pages_run_nothing_in_the_browser(
    injected: tuple[Path, subprocess.CompletedProcess[str], Path], browser: Any
) -> None:
    site, _, _ = injected
    server, url = serve(site)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for name, case in sorted(INERT.items()):
            pg.goto(f"{url}papers/{name.removesuffix('.md')}/")
            pg.wait_for_load_state("load")
            for link in pg.locator("article.ps-paper a, article.ps-paper .ps-authors").all():
                link.dispatch_event("mouseover")  # would fire any injected onmouseover
            assert pg.evaluate(_DOM_SCAN) == [], name
            assert pg.title() == f"{case['title']} - {SITE_NAME}", name
            assert case["title"] in pg.locator("article.ps-paper h1").inner_text(), name
            assert pg.evaluate("typeof window.__pwned") == "undefined", name
            if name == "inject-title-script.md":
                screenshot(pg, "injected-title")

        pg.goto(url)
        titles = pg.locator("a.ps-item-title").all_inner_texts()
        for case in INERT.values():
            assert case["title"] in titles

        # Search through the page, as a reader does: type into the header search box.
        pg.keyboard.press("/")
        box = pg.locator("header input[type='search'], header input.md-search__input, input[type='search']").first
        if not box.is_visible():
            pg.locator("header [for='__search'], header button[aria-label*='earch'], header .md-search").first.click()
        items = ".md-search-result__item, [class*='search-result'] li"
        for query, name in (("pwned", "inject-title-script.md"), ("Images", "inject-title-img-onerror.md")):
            box.fill(query)
            result = pg.locator(items).filter(has_text=INERT[name]["title"])
            result.first.wait_for(timeout=15000)  # the title shows exactly as written, escaped once
            assert pg.evaluate("typeof window.__pwned") == "undefined"
        screenshot(pg, "injected-search")
        result.first.locator("a").first.click()
        pg.wait_for_load_state("load")
        assert pg.evaluate("typeof window.__pwned") == "undefined"
    finally:
        context.close()
        server.shutdown()
    assert dialogs == []
    assert errors == []


def test_unclosed_math_and_url_runs_do_not_hang_the_build() -> None:
    """Math and URL patterns must read a page in linear time; a quadratic pattern took minutes
    on 150 KB of unclosed ``\\(``. The timeout is a hang guard (it runs in milliseconds)."""
    code = (
        "import datetime as dt\n"
        "from generator.core.model import Paper\n"
        "from generator.site.render import paper_page\n"
        "from generator.core.textclean import clean_text\n"
        "for opener in ('\\\\(', '\\\\[', '$$ ', 'https://', 'x{https://'):\n"
        "    text = opener * 25000\n"
        "    paper_page(Paper(slug='x', title='T', date=dt.date(2025, 7, 8), abstract=text), 'papers/x/')\n"
        "    clean_text(text)\n"
        "print('done')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, "done"), result.stderr
