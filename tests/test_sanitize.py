"""Pages that are not papers (about, maintainers' pages): Markdown then an allowlist sanitizer,
and a page that would lose anything to the sanitizer is refused with its line, never published
changed. The classic script-injection vectors, each in the place a contributor would put it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.content.sanitize import RenderedPage, render_page
from generator.core.problems import Problem
from tests.conftest import ROOT, serve

HEAD = "---\ntitle: Notes\n---\n\nAn introduction.\n\n"
FIRST = 7  # the line of whatever follows HEAD

# (case name, page body after HEAD, line of the finding, text the message must contain)
VECTORS: list[tuple[str, str, int, str]] = [
    ("script", "<script>alert(1)</script>", FIRST, "<script> is not allowed"),
    ("script-upper-src", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", FIRST, "<script> is not allowed"),
    ("script-after-text", "Some text.\n\nMore text <script>alert(1)</script>", FIRST + 2, "<script>"),
    ("img-onerror", "<img src=x onerror=alert(1)>", FIRST, "the onerror= attribute (on <img>)"),
    ("img-onerror-markdown-image", "![x](https://example.org/x.png){onerror=alert(1)}", FIRST, "onerror="),
    ("svg-onload", "<svg onload=alert(1)>", FIRST, "<svg> is not allowed"),
    ("svg-script", "<svg><script>alert(1)</script></svg>", FIRST, "<svg> is not allowed"),
    ("math-element", '<math><mi xlink:href="javascript:alert(1)">x</mi></math>', FIRST, "<math> is not allowed"),
    ("link-javascript", "[x](javascript:alert(1))", FIRST, "a javascript: URL (in href= on <a>)"),
    ("link-mixed-case", "[x](JaVaScRiPt:alert(1))", FIRST, "a javascript: URL"),
    ("link-entity-encoded", "[x](&#106;avascript:alert(1))", FIRST, "a javascript: URL"),
    ("link-hex-entities", '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>', FIRST, "a javascript: URL"),
    ("link-tab-entity", "[x](java&#09;script:alert(1))", FIRST, "a javascript: URL"),
    ("link-newline-entity", '<a href="jav&#x0A;ascript:alert(1)">x</a>', FIRST, "a javascript: URL"),
    ("link-leading-space", '<a href="   javascript:alert(1)">x</a>', FIRST, "a javascript: URL"),
    ("link-reference", "[click][x]\n\n[x]: javascript:alert(1)", FIRST, "a javascript: URL"),  # where used
    ("link-reference-far", "[click][x]\n\n" + "Text.\n\n" * 30 + "[x]: data:text/html,x", FIRST, "a data: URL"),
    ("autolink-javascript", "<javascript:alert(1)>", FIRST, "is not allowed"),
    ("link-data-html", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", FIRST, "a data: URL"),
    ("image-data-svg", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", FIRST, "a data: URL (in src="),
    ("link-vbscript", '<a href="vbscript:msgbox(1)">x</a>', FIRST, "a vbscript: URL"),
    ("iframe", '<iframe src="https://evil.example"></iframe>', FIRST, "<iframe> is not allowed"),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>', FIRST, "<iframe> is not allowed"),
    ("object", '<object data="https://evil.example/x.swf"></object>', FIRST, "<object> is not allowed"),
    ("embed", '<embed src="https://evil.example/x.swf">', FIRST, "<embed> is not allowed"),
    ("style-attribute", '<p style="background:url(javascript:alert(1))">x</p>', FIRST, "the style= attribute"),
    ("style-element", "<style>body { display: none }</style>", FIRST, "<style> is not allowed"),
    ("form", '<form action="https://evil.example"><input name="password"></form>', FIRST, "<form> is not allowed"),
    ("formaction", '<button formaction="javascript:alert(1)">Go</button>', FIRST, "<button> is not allowed"),
    ("input", '<input type="image" src="x" onerror="alert(1)">', FIRST, "<input> is not allowed"),
    ("base-href", '<base href="https://evil.example/">', FIRST, "<base> is not allowed"),
    (
        "meta-refresh",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        FIRST,
        "<meta> is not allowed",
    ),
    ("link-element", '<link rel="stylesheet" href="https://evil.example/x.css">', FIRST, "<link> is not allowed"),
    ("attr-list-heading", '## Heading {onclick="alert(1)"}', FIRST, "the onclick= attribute (on <h2>)"),
    ("attr-list-block", 'A paragraph.\n{: onmouseover="alert(1)" }', FIRST + 1, "the onmouseover= attribute (on <p>)"),
    ("attr-list-link", "[x](https://example.org){onclick=alert(1)}", FIRST, "the onclick= attribute (on <a>)"),
    ("attr-list-style", "A paragraph.\n{: style='position:fixed' }", FIRST + 1, "the style= attribute"),
    ("handler-on-allowed-tag", '<div onmouseover="alert(1)">x</div>', FIRST, "the onmouseover= attribute"),
    ("handler-next-to-good-link", '<a href="https://ok.example" onclick="alert(1)">x</a>', FIRST, "onclick="),
    ("handler-glued-in-block", '<div><a href="https://ok.example"onclick=alert(1)>x</a></div>', FIRST, "onclick="),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>s</summary></details>", FIRST, "ontoggle="),
    ("comment-then-script", "<!-- a note --><script>alert(1)</script>", FIRST, "<script> is not allowed"),
    (
        "conditional-comment",
        "<!--[if IE]><script>alert(1)</script><![endif]-->",
        FIRST,
        "an HTML comment hides <script>",
    ),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', FIRST, "<noscript>"),
    ("textarea-breakout", "<textarea></textarea><img src=x onerror=alert(1)>", FIRST, "<textarea> is not allowed"),
    ("template-element", "<template><script>alert(1)</script></template>", FIRST, "<template> is not allowed"),
]


def problems_of(body: str) -> list[Problem]:
    page, problems = render_page(HEAD + body + "\n", "notes.md")
    assert page is None, f"published: {page}"
    return problems


def test_there_are_enough_vectors() -> None:
    assert len(VECTORS) >= 40
    assert len({name for name, *_ in VECTORS}) == len(VECTORS)


@pytest.mark.parametrize(("body", "line", "message"), [v[1:] for v in VECTORS], ids=[v[0] for v in VECTORS])
def test_hostile_markup_is_refused_naming_its_line(body: str, line: int, message: str) -> None:
    problems = problems_of(body)
    assert all(p.field == "body" for p in problems), problems
    assert any(p.line == line and message in p.message for p in problems), [p.format("x") for p in problems]
    shown = problems[0].format("content/notes.md")
    assert re.match(r"^content/notes\.md:\d+: body: .+ is not allowed — .+", shown) or "comment hides" in shown, shown


def test_the_message_reads_as_documented() -> None:
    text = HEAD + "Line seven.\n\n" + "x\n" * 5 + "\n<script>alert(1)</script>\n"
    _, problems = render_page(text, "about.md")
    assert [p.format("content/about.md") for p in problems] == [
        "content/about.md:15: body: <script> is not allowed — pages are text and links;"
        " ask a maintainer for interactive features"
    ]


def test_every_finding_is_reported_once_per_occurrence() -> None:
    problems = problems_of("[a](javascript:one)\n\n[b](javascript:two)\n\n<script>x</script>")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (FIRST, "a javascript: URL"),
        (FIRST + 2, "a javascript: URL"),
        (FIRST + 4, "<script> is not allowed"),
    ]


INERT = {
    "glued-handler-inline": 'Text <a href="https://ok.example"onclick=alert(1)>x</a>',
    "script-in-math": "$<script>alert(1)</script>$ and $$<img src=x onerror=alert(1)>$$",
    "script-in-code-span": "`<script>alert(1)</script>`",
    "script-in-fenced-code": "```html\n<script>alert(1)</script>\n```",
    "escaped-entities": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "javascript-as-plain-text": "javascript:alert(1) is only a word here",
}


@pytest.mark.parametrize("body", list(INERT.values()), ids=list(INERT))
def test_markup_that_markdown_keeps_as_text_is_published_inert(body: str) -> None:
    page, problems = render_page(HEAD + body + "\n", "notes.md")
    assert problems == [] and page is not None
    found = scan(page.html)
    assert found.bad == [] and set(found.tags) <= {"p", "span", "code", "pre"}, found.tags


class _Scan(HTMLParser):
    """Every element and attribute that could run or load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in {"script", "iframe", "object", "embed", "style", "form", "input", "base", "meta", "link", "svg"}:
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.bad.append(f"{tag} {name}")
            if name in {"href", "src"} and value and re.match(r"^\s*(javascript|data|vbscript):", value, re.I):
                self.bad.append(f"{tag} {name}={value}")


def scan(html: str) -> _Scan:
    parser = _Scan()
    parser.feed(html)
    parser.close()
    return parser


NORMAL = """---
title: About this shelf
---

# About PaperShelf

PaperShelf is a *community-curated* list of **papers**, with `code` and [a link](https://example.org/page),
a [relative link](sources/listing.txt), an [anchor](#add-a-paper) and <mailto:shelf@example.org>.

## Add a paper

1. Fork the repository.
2. Write `content/papers/<slug>.md`.
    - a nested item
3. Open a pull request.

| Field | Required |
|:------|---------:|
| title | yes |
| date  | yes |

!!! note "Before you start"
    Read CONTRIBUTING.md.

```python
print("<script>alert(1)</script>")
```

Math stays TeX: $O(n^2)$ and $a<b$, and $<script>alert(1)</script>$ is only text.

![A diagram](https://example.org/diagram.png){ width="300" }
![Local](images/local.png)

> A quotation with <kbd>Ctrl</kbd>+<kbd>D</kbd> and H<sub>2</sub>O.
"""


def test_a_normal_page_keeps_its_markup() -> None:
    page, problems = render_page(NORMAL, "about.md")
    assert problems == [] and isinstance(page, RenderedPage)
    assert page.title == "About this shelf"
    html = page.html
    found = scan(html)
    assert found.bad == []
    for tag in ("h1", "h2", "p", "em", "strong", "code", "a", "ol", "ul", "li", "table", "th", "td", "div", "pre"):
        assert tag in found.tags, tag
    assert '<h2 id="add-a-paper">Add a paper<a class="headerlink" href="#add-a-paper"' in html
    assert '<a href="https://example.org/page">a link</a>' in html
    assert '<a href="../sources/listing.txt">relative link</a>' in html  # from the page's URL, about/
    assert 'href="mailto:' in html
    assert '<th align="left">Field</th>' in html and '<td align="right">yes</td>' in html
    assert '<div class="admonition note">' in html and '<p class="admonition-title">Before you start</p>' in html
    assert '<code class="language-python">' in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<span class="arithmatex">\\(O(n^2)\\)</span>' in html  # as paper pages mark math (render, tex)
    assert '<span class="arithmatex">\\(a&lt;b\\)</span>' in html
    assert '<img alt="A diagram" src="https://example.org/diagram.png" width="300">' in html
    assert '<img alt="Local" src="../images/local.png">' in html
    assert "<kbd>Ctrl</kbd>" in html and "<sub>2</sub>" in html


def test_the_repository_about_page_renders() -> None:
    page, problems = render_page((ROOT / "content" / "about.md").read_text(encoding="utf-8"), "about.md")
    assert problems == [] and page is not None
    assert page.title and "<h1" in page.html and scan(page.html).bad == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# From the heading\n\nText.\n", "From the heading"),
        ("Text without a heading.\n", "Maintainers notes"),
        ("---\n---\n\n# Heading &amp; more\n", "Heading & more"),
    ],
)
def test_title_without_front_matter(text: str, title: str) -> None:
    page, problems = render_page(text, "maintainers-notes.md")
    assert problems == [] and page is not None
    assert page.title == title


@pytest.mark.parametrize(
    ("front_matter", "line", "field", "message"),
    [
        ("title: A\ntemplate: main.html\n", 3, "template", "is not a known field"),
        ("title: A\nhide: [navigation]\n", 3, "hide", "is not a known field"),
        ("title: A\ntitle: B\n", 3, "title", "appears twice"),
        ("title: &a A\nx: *a\n", 1, "front matter", "uses YAML anchors or aliases"),
        ("title: [1, 2]\n", 2, "title", "must be text"),
        ("title: !!python/object:os.system ls\n", 2, "front matter", "is not valid YAML"),
        ("- a list\n", 2, "front matter", "must be a set of 'key: value' lines"),
    ],
)
def test_front_matter_is_read_like_a_paper_page(front_matter: str, line: int, field: str, message: str) -> None:
    page, problems = render_page(f"---\n{front_matter}---\n\nText.\n", "x.md")
    assert page is None
    assert any((p.line, p.field) == (line, field) and message in p.message for p in problems), problems


def test_huge_and_binary_pages_are_refused() -> None:
    assert render_page("x" * (300 * 1024), "x.md")[1][0].message == "is larger than 256 KB"
    assert render_page("a\x00b", "x.md")[1][0].message == "contains NUL characters"


@pytest.mark.parametrize(
    ("path", "link", "href"),
    [
        ("about.md", "[p](papers/a-paper.md)", "../papers/a-paper/"),
        ("about.md", "[p](papers/a-paper.md#cite)", "../papers/a-paper/#cite"),
        ("guide/notes.md", "[a](../about.md)", "../../about/"),
        ("guide/notes.md", "[i](index.md)", "../"),
        ("about.md", "[home](index.md)", "../"),
        ("index.md", "[a](about.md)", "about/"),
        ("about.md", "[s](#section)", "#section"),
        ("about.md", "[e](https://example.org/x.md)", "https://example.org/x.md"),
        ("about.md", "[q](<sources/a b.txt?x=1&y=2>)", "../sources/a b.txt?x=1&amp;y=2"),
        ("about.md", "[q](papers/a-paper.md?x=1#top)", "../papers/a-paper/?x=1#top"),
    ],
)
def test_relative_links_are_rebased_to_the_page_url(path: str, link: str, href: str) -> None:
    page, problems = render_page(f"Text with {link}.\n", path)
    assert problems == [] and page is not None
    assert f'href="{href}"' in page.html, page.html


def test_rendering_is_pure_and_stable() -> None:
    first = render_page(NORMAL, "about.md")
    assert render_page(NORMAL, "about.md") == first


@pytest.mark.browser
def test_accepted_page_runs_nothing_in_the_browser(tmp_path: Path, browser: Any) -> None:
    """The tricky but harmless text of an accepted page (script in code, in math, in entities)
    stays text in a real browser."""
    body = NORMAL + "\n&lt;script&gt;window.__pwned=1&lt;/script&gt; and `<img src=x onerror=window.__pwned=1>`\n"
    page, problems = render_page(body, "about.md")
    assert problems == [] and page is not None
    (tmp_path / "index.html").write_text(f"<!doctype html><title>t</title><body>{page.html}</body>", "utf-8")
    server, url = serve(tmp_path)
    context = browser.new_context()
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        pg.goto(url)
        pg.wait_for_load_state("load")
        for link in pg.locator("a, img, p").all():
            link.dispatch_event("mouseover")
        assert pg.evaluate("typeof window.__pwned") == "undefined"
        assert pg.evaluate("document.querySelectorAll('script, iframe, object, embed, style').length") == 0
        text = pg.locator("body").inner_text()
        assert "<script>window.__pwned=1</script>" in text and "<img src=x onerror=window.__pwned=1>" in text
    finally:
        context.close()
        server.shutdown()
    assert dialogs == []


def test_a_long_page_names_the_right_lines() -> None:
    """Lines are found by bisecting blocks, not by rendering every prefix of the page."""
    filler = "A [link](https://example.org/) and <b>bold</b>.\n\n" * 400
    body = filler + "<script>alert(1)</script>\n\n" + filler + '<p onclick="x">y</p>\n'
    problems = problems_of(body)
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (FIRST + 800, "<script> is not allowed"),
        (FIRST + 1602, "the onclick= attribute"),
    ]
