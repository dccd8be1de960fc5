"""The seam's shortcuts read what MkDocs' own reader would."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urljoin

import markdown
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from generator.engine.speed import canonical_urls, edit_url, is_html_body, staged_meta, toc_tokens
from generator.plan import staged_page
from generator.site.listings import heading


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


def test_listing_headings_are_what_markdown_makes_of_them() -> None:
    """``listings.heading`` writes what the toc extension (permalink on) writes for the Markdown
    heading it replaces, and ``toc_tokens`` reads back the table of contents Markdown gives."""
    source = '## June 18, 2025 {#2025-06-18}\n\n### <a href="x/">July &amp; more</a> {#m07}\n\n## Older {#older}\n'
    md = markdown.Markdown(extensions=["toc", "attr_list"], extension_configs={"toc": {"permalink": True}})
    made = md.convert(source)
    ours = (
        heading("June 18, 2025", "2025-06-18")
        + heading('<a href="x/">July &amp; more</a>', "m07", level=3)
        + heading("Older", "older")
    )
    assert made.replace("\n", "") == ours.replace("\n", "")
    assert toc_tokens(ours) == md.toc_tokens  # type: ignore[attr-defined]


def test_html_bodies_are_told_from_markdown() -> None:
    assert is_html_body('<h1>Latest</h1>\n\n<ul class="ps-list"><li>x</li></ul>\n')
    assert not is_html_body("# Subscribe\n\n<table></table>\n")
    assert not is_html_body("<p>one line\nwraps onto a second</p>\n")
    assert not is_html_body("")


def test_page_addresses_are_what_mkdocs_makes() -> None:
    """The shortcuts for a page's canonical and edit addresses give MkDocs' own answers, or
    step aside (None) and let MkDocs compute them."""

    def mkdocs_canonical(base: str | None, url: str) -> tuple[str | None, str | None]:
        page = SimpleNamespace(url=url)
        Page._set_canonical_url(page, base)  # type: ignore[arg-type]
        return page.canonical_url, page.abs_url

    for base in ("https://papershelf.example.org/", "https://host.example/sub/dir", "http://h:8000/", "", None):
        for url in ("", "papers/a-b-c/", "papers/x.html", "about/", "a/./b/", "../up/", "q?x=1", "/abs/"):
            fast = canonical_urls(base, url)
            if fast is not None:
                assert fast == mkdocs_canonical(base, url), (base, url)
            elif base:
                assert url in ("a/./b/", "../up/", "q?x=1", "/abs/"), (base, url)

    def mkdocs_edit(repo: str | None, uri: str | None, template: str | None, src: str | None) -> str | None:
        page = SimpleNamespace(file=SimpleNamespace(edit_uri=src))
        Page._set_edit_url(page, repo, uri, template)  # type: ignore[arg-type]
        return page.edit_url

    for repo in ("https://github.com/o/r", "https://github.com/o/r/", "", None):
        for uri in ("edit/main/content/", "https://elsewhere.example/e/", "/abs/", "", None):
            for src in ("papers/x.md", None):
                fast = edit_url(repo, uri, None, src)
                if fast is not None:
                    assert (fast or None) == mkdocs_edit(repo, uri, None, src), (repo, uri, src)
    assert edit_url("https://github.com/o/r", "edit/main/content/", None, "papers/x.md") == (
        urljoin("https://github.com/o/r/", "edit/main/content/papers/x.md")
    )
