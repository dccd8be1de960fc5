"""The front matter handler: python-frontmatter speaking the page format, and its YAML rules."""

from __future__ import annotations

import datetime as dt

import frontmatter
import pytest
import yaml

from generator.content.frontmatter_format import (
    HANDLER,
    FrontMatterError,
    PageYAMLHandler,
    _Loader,
    front_matter_fields,
    load_front_matter,
    read_front_matter,
    split_page,
)
from generator.content.pages import parse_page, to_front_matter
from generator.core.model import Paper

PAGE = "---\ntitle: A title\ndate: 2025-07-08\ntags: [a, b]\n---\n\nThe abstract.\n"


def test_python_frontmatter_reads_and_writes_a_page_with_the_handler() -> None:
    post = frontmatter.loads(PAGE, handler=PageYAMLHandler())
    assert post.metadata == {"title": "A title", "date": "2025-07-08", "tags": ["a", "b"]}
    assert post.content == "The abstract."
    again = frontmatter.loads(frontmatter.dumps(post, handler=HANDLER), handler=HANDLER)
    assert (again.metadata, again.content) == (post.metadata, post.content)


def test_the_writer_is_python_frontmatter_with_the_handler() -> None:
    paper = Paper(slug="a", title="NO", date=dt.date(2025, 7, 8), abstract="Text.", tags=("007",))
    post = frontmatter.Post("Text.", HANDLER, title="NO", date=dt.date(2025, 7, 8), tags=["007"])
    assert to_front_matter(paper) == frontmatter.dumps(post, handler=HANDLER)
    assert to_front_matter(paper) == "---\ntitle: 'NO'\ndate: 2025-07-08\ntags:\n- '007'\n---\n\nText.\n"


@pytest.mark.parametrize(
    "fm",
    [
        "title: &a A\nsource: *a\n",  # an alias
        "title: &a A\n",  # an anchor never used is refused too
        "source: *undefined\n",  # an alias of nothing
        "links: &l [1]\ntags: *l\n",
        "a: &m {x: 1}\nb:\n  <<: *m\n",  # a merge key through an alias
    ],
)
def test_anchors_and_aliases_are_refused(fm: str) -> None:
    data, problems = load_front_matter(fm)
    assert data is None
    assert [(p.line, p.field, p.message) for p in problems] == [(1, "front matter", "uses YAML anchors or aliases")]


def test_the_loader_itself_refuses_a_node_met_twice() -> None:
    """The alias check lives in the constructor too, not only in the scan for anchors."""
    with pytest.raises(FrontMatterError):
        yaml.load("a: &x [1, 2]\nb: *x\n", Loader=_Loader)


def test_duplicate_keys_name_the_second_line_and_nested_ones_too() -> None:
    assert load_front_matter("title: A\ndate: x\ntitle: B\n")[1][0].line == 4
    problem = load_front_matter("links:\n- label: a\n  label: b\n")[1][0]
    assert (problem.line, problem.field, problem.message) == (4, "label", "appears twice")


def test_dates_stay_text_and_other_types_stay_yaml() -> None:
    data, _ = load_front_matter("date: 2025-07-08\nwhen: 2025-07-08 10:00:00\nrank: 3\nok: true\nnone: null\n")
    assert data == {"date": "2025-07-08", "when": "2025-07-08 10:00:00", "rank": 3, "ok": True, "none": None}


@pytest.mark.parametrize(
    ("value", "what"), [("!!bool abc", "is not a boolean"), ("!!timestamp abc", "is not a timestamp")]
)
def test_a_bad_explicit_tag_is_a_yaml_problem_at_its_line_not_a_traceback(value: str, what: str) -> None:
    paper, problems = parse_page(f"---\ntitle: T\ndate: 2025-01-01\nsource: {value}\n---\n\nx\n", "a")
    assert paper is None
    assert [(p.line, p.field) for p in problems] == [(4, "front matter")]
    assert what in problems[0].message


def test_split_finds_the_body_line_and_the_closing_dots() -> None:
    assert split_page("---\ntitle: A\n...\nbody\n") == ("title: A\n", "body\n", 4)
    assert split_page("---  \n---\n") == ("\n", "", 3)
    assert split_page(" ---\ntitle: A\n---\n") is None
    assert split_page("---\ntitle: A\n") is None


def test_read_front_matter_tells_no_front_matter_from_unreadable() -> None:
    assert read_front_matter("no front matter") == (None, [])
    page, problems = read_front_matter("---\n- a list\n---\n")
    assert page is None and problems[0].message == "must be a set of 'key: value' lines"
    assert front_matter_fields("---\ntitle: [\n---\n") == {}
    assert front_matter_fields(PAGE)["title"] == "A title"
