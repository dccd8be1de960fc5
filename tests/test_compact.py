"""Compacted HTML: indentation goes, preformatted text and scripts stay byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

from generator.engine.compact import compact_html


def test_indentation_and_blank_lines_go_but_line_breaks_stay() -> None:
    html = "<div>\n    <p>one\n      two</p>\n\n   \n  <span>a</span>\n</div>\n"
    assert compact_html(html) == "<div>\n<p>one\ntwo</p>\n<span>a</span>\n</div>\n"


def test_preformatted_parts_are_untouched() -> None:
    pre = "<pre class='x'><code>@misc{k,\n  title = {T},\n\n  year = {2025}\n}\n</code></pre>"
    script = "<script>\n  var s = `a\n    b`;\n</script>"
    textarea = "<TEXTAREA>\n  keep\n</TEXTAREA>"
    style = "<style>\n  .a { }\n</style>"
    html = f"  <body>\n    {pre}\n    {script}\n  {textarea}\n {style}\n  </body>"
    out = compact_html(html)
    for part in (pre, script, textarea, style):
        assert part in out
    assert out.startswith("  <body>\n<pre")  # only indentation after a line break is removed


def test_built_pages_are_compact(built_site: Path) -> None:
    page = next((built_site / "papers").glob("*/index.html")).read_text(encoding="utf-8")
    outside = re.sub(r"<(pre|script|style|textarea)\b.*?</\1>", "", page, flags=re.DOTALL)
    assert not re.search(r"\n[ \t]+", outside)
    assert '<pre class="ps-bibtex"><code>@misc{' in page and "\n  title = {{" in page
