"""Each paper field is declared once: a ``Paper`` attribute and a row of ``paper_fields.FIELDS``.

The table is held against the model (every attribute has its row, of the attribute's type), and
a new field is added the way a contributor would: a copy of the package gets one attribute in
``core/model.py`` and one row in ``content/paper_fields.py``, nothing else, and a page holding
the field is then read, checked, written back and exported by that copy.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.content.paper_fields import FIELDS, FRONT_MATTER_KEYS, checked_fields
from generator.core.model import Paper
from generator.outputs.exports import PAPER_FIELDS
from tests.conftest import ROOT


def test_every_paper_attribute_has_one_row_of_its_type() -> None:
    attributes = {f.name: f.type for f in dataclasses.fields(Paper) if f.init}
    rows = {f.name: f.type for f in FIELDS if not f.computed}
    assert len(rows) == len([f for f in FIELDS if not f.computed])  # no field twice
    assert rows == attributes


def test_the_orders_are_the_table_s() -> None:
    """The page's keys, the order of its checks and the export's columns all come from the
    table, and each place in an order is taken once."""
    in_page = [f for f in FIELDS if f.page is not None]
    assert sorted(f.page for f in in_page) == list(range(len(in_page)))
    assert sorted(f.check for f in in_page) == list(range(len(in_page)))
    assert all(f.read is not None for f in in_page)
    assert set(FRONT_MATTER_KEYS) == {f.name for f in in_page}
    assert [f.name for f in checked_fields()][:2] == ["title", "date"]  # the required ones first
    assert [name for name, _, _ in PAPER_FIELDS] == [f.name for f in FIELDS if f.export is not None]


_ATTRIBUTE = "    venue: str | None = None  # where the paper appeared\n"
_ROW = (
    '    Field("venue", "str | None", Export(_NULLABLE_TEXT, "where the paper appeared, or null"),'
    ' page=16, check=16, read=_text("venue")),\n'
)
_PROBE = r"""
import json
import jsonschema
from generator.content.pages import parse_page, to_front_matter
from generator.outputs.exports import SCHEMA, paper_record

page = "---\ntitle: A paper\ndate: 2025-01-02\nvenue: ICML 2025\n---\nThe abstract.\n"
paper, problems = parse_page(page, "a-paper")
written = to_front_matter(paper)
again, _ = parse_page(written, "a-paper")
_, bad = parse_page(page.replace("venue: ICML 2025", "venue: [a, b]"), "a-paper")
record = paper_record(paper, "https://example.org/", ())
jsonschema.validate({"version": 1, "site": {"name": "x", "url": "https://example.org/"}, "count": 1,
                     "papers": [record]}, SCHEMA)
print(json.dumps({
    "venue": paper.venue, "problems": [p.message for p in problems], "written": written,
    "round_trip": again == paper, "bad": [[p.line, p.field, p.message] for p in bad],
    "record": record["venue"], "columns": list(record),
    "schema": SCHEMA["properties"]["papers"]["items"]["properties"]["venue"],
}))
"""


def _with_field(tmp_path: Path) -> Path:
    """A copy of the package with the field ``venue`` added in its two places."""
    shutil.copytree(ROOT / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    model, table = tmp_path / "generator/core/model.py", tmp_path / "generator/content/paper_fields.py"
    anchor = "    _hash: int = field("
    text = model.read_text(encoding="utf-8")
    assert text.count(anchor) == 1
    model.write_text(text.replace(anchor, _ATTRIBUTE + anchor), encoding="utf-8")
    anchor = '    Field("bibtex_key",'
    text = table.read_text(encoding="utf-8")
    assert text.count(anchor) == 1
    table.write_text(text.replace(anchor, _ROW + anchor), encoding="utf-8")
    return tmp_path


def test_a_new_field_is_read_checked_written_and_exported(tmp_path: Path) -> None:
    root = _with_field(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run([sys.executable, "-c", _PROBE], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    seen: dict[str, Any] = json.loads(run.stdout)
    assert seen["venue"] == "ICML 2025" and seen["problems"] == []
    assert seen["written"].splitlines()[1:4] == ["title: A paper", "date: 2025-01-02", "venue: ICML 2025"]
    assert seen["round_trip"] is True
    assert seen["bad"] == [[4, "venue", "must be text, found list"]]
    assert seen["record"] == "ICML 2025"
    assert seen["columns"][-2:] == ["venue", "bibtex_key"]
    assert seen["schema"] == {"type": ["string", "null"]}
