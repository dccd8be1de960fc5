"""Imports run one way, down the layers that ``generator/__init__.py`` describes.

Every module of ``generator`` is parsed (not imported: an import inside a function counts as
much as one at the top) and each import of another module of the package is held against
``LAYERS``. An import that runs back up fails the test, named module -> module with the rule it
breaks, so a helper two layers need is moved down instead of reached for upwards.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "generator"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the command line", ("__main__", "cli", "commands", "og_image")),
    ("the pipeline", ("stage", "plan", "engine")),
    ("the site and its outputs", ("site", "shelf", "outputs", "search", "taxonomy")),
    ("content and sources", ("content", "services", "readers")),
    ("core", ("core", "")),
)
"""Top to bottom. A module may import its own part (``site`` for ``generator.site.head``), any
part of a lower layer, and, in its own layer, a part named after it: the site shows the outputs,
search and topics; My shelf's data (``shelf``) holds papers' citations and files them in shards as
the search does; ``content`` and ``services`` make records that ``readers`` read. ``""`` is the
package's own ``__init__`` (its version), which imports nothing."""

_PLACE = {part: (row, col) for row, (_, parts) in enumerate(LAYERS) for col, part in enumerate(parts)}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, name: str) -> set[str]:
    """The modules of the package that ``path`` (module ``name``) imports, anywhere in it."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # ``from generator.core import routes`` imports the module generator.core.routes
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {m for m in found if m == PACKAGE or m.startswith(PACKAGE + ".")}


def part_of(module: str) -> str:
    """``generator.site.head`` -> ``site``; ``generator`` -> ``""``."""
    return module.split(".")[1] if "." in module else ""


def upward_imports(root: Path) -> list[str]:
    """Each import of ``root``'s package (``root/generator``) that breaks ``LAYERS``, as one line."""
    modules = {module_name(p, root): p for p in sorted((root / PACKAGE).rglob("*.py"))}
    broken: list[str] = []
    for name, path in modules.items():
        here = part_of(name)
        if here not in _PLACE:
            broken.append(f"{name}: {here!r} is in no layer (add it to LAYERS in tests/test_layers.py)")
            continue
        for target in sorted(imported_modules(path, name)):
            if target not in modules:
                continue  # a name imported from a module (``from generator.core import routes``'s parent)
            there = part_of(target)
            if there == here or there not in _PLACE:
                continue
            (row, col), (to_row, to_col) = _PLACE[here], _PLACE[there]
            if to_row > row or (to_row == row and to_col > col):
                continue
            rule = (
                f"{here} may not import {there}: in {LAYERS[row][0]}, {there} comes before {here}"
                if to_row == row
                else f"{LAYERS[row][0]} ({here}) may not import {LAYERS[to_row][0]} ({there})"
            )
            broken.append(f"{name} -> {target}: {rule}")
    return broken


def test_imports_run_one_way() -> None:
    broken = upward_imports(ROOT)
    assert not broken, "imports that run back up the layers:\n" + "\n".join(broken)


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"core/tex.py": "def f():\n    from generator.site.render import e\n", "site/render.py": ""},
            "generator.core.tex -> generator.site.render: core (core) may not import the site and its outputs (site)",
        ),
        (
            {"outputs/feeds.py": "from ..site import render\n", "site/render.py": ""},
            "generator.outputs.feeds -> generator.site.render: outputs may not import site: "
            "in the site and its outputs, site comes before outputs",
        ),
        (
            {"readers/x.py": "import generator.content.fields as f\n", "content/fields.py": ""},
            "generator.readers.x -> generator.content.fields: readers may not import content: "
            "in content and sources, content comes before readers",
        ),
        ({"extras/x.py": ""}, "generator.extras.x: 'extras' is in no layer (add it to LAYERS in tests/test_layers.py)"),
    ],
)
def test_an_import_back_up_is_named(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    """The check itself: an import that runs back up (in a function, relative, aliased) is
    found and named with its rule."""
    assert upward_imports(_package(tmp_path, files)) == [expected]


def test_imports_down_pass(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "site/render.py": "from generator.core import html\nfrom generator.outputs.citations import x\n",
            "core/html.py": "from generator import __version__\n",
            "outputs/citations.py": "from .feeds import y\n",
            "outputs/feeds.py": "",
            "__init__.py": "",
        },
    )
    assert upward_imports(root) == []
