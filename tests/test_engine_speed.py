"""The seam's shortcuts read what MkDocs' own reader would."""

from __future__ import annotations

from mkdocs.utils.meta import get_data

from generator.engine.speed import staged_meta
from generator.site.plan import staged_page


def test_staged_front_matter_reads_as_yaml_does() -> None:
    text = staged_page(
        {"title": 'Ünïcode "quotes" &amp; \\ back: slash', "description": "a\nb", "papershelf_head": "<meta x>"},
        "<h1>Body</h1>\n<p>---</p>",
    )
    fast = staged_meta(text)
    assert fast is not None
    assert fast == get_data(text)


def test_anything_else_is_left_to_yaml() -> None:
    for text in (
        "no front matter",
        "---\ntitle: plain words\n---\n\nbody",  # not a JSON string
        '---\ncount: "1"\nlist: [1, 2]\n---\n\nbody',
        '---\ntitle: "unterminated\n---\n\nbody',
    ):
        assert staged_meta(text) is None, text
