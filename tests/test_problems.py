"""One problem type: pages, validation and the readers all report a ``Problem``."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content.pages import PageError, from_front_matter, parse_page
from generator.content.validate import Finding, annotation
from generator.core.problems import FileError, Problem, ProblemError, read_problem
from generator.readers.arxiv_atom import read_arxiv_atom
from generator.readers.hf_daily import DailyError, read_hf_daily
from generator.readers.hf_listing import ListingError, read_listing
from generator.readers.records import RecordError


def test_a_problem_prints_the_same_wherever_it_comes_from() -> None:
    page = parse_page("---\ntitle: A\n---\n\nText.\n", "a")[1][0]
    assert page.format("p.md") == "p.md:1: date: is required — add a line 'date: YYYY-MM-DD'"
    assert page.at("p.md").format() == page.format("p.md")
    finding = Finding("p.md", 3, "tags", "'x' is a new tag", level="notice")
    assert isinstance(finding, Problem) and finding.format() == "p.md:3: tags: note: 'x' is a new tag"
    assert annotation(finding).startswith("::notice file=p.md,line=3,")


def test_reader_problems_keep_their_error_and_warning_lines() -> None:
    assert read_problem(4, "item 4: has no title").format("l.txt") == "l.txt:4: error: item 4: has no title"
    warning = read_problem(5, "missing blank line", skipped=False)
    assert (warning.skipped, warning.level, warning.format("l.txt")) == (
        False,
        "warning",
        "l.txt:5: warning: missing blank line",
    )
    result = read_listing("Jul 8, 2025\n\nA title\nMore title\n", year=None)
    assert all(isinstance(p, Problem) for p in result.problems)


def test_whole_file_errors_carry_their_problem_and_keep_their_message() -> None:
    with pytest.raises(ListingError) as listing:
        read_listing("Jul 8\n\nA title\n\n" + "An abstract sentence that is long enough. " * 8, year=None)
    assert isinstance(listing.value, ProblemError) and str(listing.value).startswith("line 1: ")
    assert (listing.value.problem.line, listing.value.problem.field) == (1, "file")
    with pytest.raises(DailyError) as daily:
        read_hf_daily(b"\xff\xfe", date=dt.date(2025, 7, 8))
    assert isinstance(daily.value, FileError) and daily.value.problem.message == str(daily.value)
    with pytest.raises(RecordError) as record:
        read_arxiv_atom(b"<feed")
    assert isinstance(record.value, FileError) and "not well-formed XML" in record.value.problem.message
    with pytest.raises(PageError) as page:
        from_front_matter("no front matter", "a", "p.md")
    assert isinstance(page.value, ProblemError) and str(page.value) == page.value.problem.format("p.md")
