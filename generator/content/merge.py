"""How imported records meet the pages already on the shelf, without losing anything.

Pure functions over ``Paper`` values (no I/O), used by the writer:

- ``same_record``: two records of one listing are the same paper (then it is imported once);
- ``duplicates_in``: the repeated records of a listing and the different papers sharing a title;
- ``match_pages``: which existing page each record is (the arXiv id, else the title, by the rule
  ``validate.same_paper`` defines for the whole project);
- ``merge``: the page after an update, from the fields the source carries only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from generator.content.paper_fields import FRONT_MATTER_KEYS
from generator.content.validate import same_paper, title_key
from generator.core.model import Paper

FIELDS: tuple[str, ...] = (*FRONT_MATTER_KEYS, "abstract")


def merge(existing: Paper, incoming: Paper, carried: frozenset[str]) -> Paper:
    """``existing`` with the fields in ``carried`` taken from ``incoming``; every other field,
    and the slug, stay as they are. A carried field the record leaves empty (a listing whose
    abstract names no code repository) keeps the page's value: an absence is not an edit.
    Links and tags are a union, the page's first: a source never removes what a person added."""
    changes: dict[str, Any] = {}
    for name in FIELDS:
        if name not in carried:
            continue
        new, old = getattr(incoming, name), getattr(existing, name)
        if name == "links":
            urls = {link.url for link in old}
            value = tuple(old) + tuple(link for link in new if link.url not in urls)
        elif name == "tags":
            value = tuple(old) + tuple(tag for tag in new if tag not in old)
        elif new in (None, "", ()):
            continue
        else:
            value = new
        if value != old:
            changes[name] = value
    return replace(existing, **changes) if changes else existing


def same_record(a: Paper, b: Paper) -> bool:
    """Two records of one source name one paper: ``same_paper``, and, when neither has an arXiv
    id, the same date too (a listing with one title on two dates lists two papers)."""
    if not same_paper(a.arxiv, title_key(a.title), b.arxiv, title_key(b.title)):
        return False
    return bool(a.arxiv and b.arxiv) or a.date == b.date


def duplicates_in(papers: Sequence[Paper]) -> tuple[list[int], list[tuple[int, int, str]]]:
    """(indexes to import, notes) for the records of one source, in order.

    A repeated record is imported once: note (its index, the first one's, "repeat"). Two
    different records sharing a title are both imported: note (index, the other's, "title")."""
    keep: list[int] = []
    notes: list[tuple[int, int, str]] = []
    by_title: dict[str, list[int]] = defaultdict(list)
    by_arxiv: dict[str, int] = {}
    for i, paper in enumerate(papers):
        earlier = by_title[title_key(paper.title)]
        first = by_arxiv.get(paper.arxiv) if paper.arxiv else None
        if first is None:
            first = next((j for j in earlier if same_record(papers[j], paper)), None)
        if first is not None:
            notes.append((i, first, "repeat"))
            continue
        if earlier:
            notes.append((i, earlier[0], "title"))
        earlier.append(i)
        if paper.arxiv:
            by_arxiv[paper.arxiv] = i
        keep.append(i)
    return keep, notes


def match_pages(papers: Sequence[Paper], pages: Sequence[tuple[str | None, str | None, object]]) -> dict[int, int]:
    """record index -> page index, each page claimed once. ``pages`` are (arXiv id, title key,
    date or None) of the pages on disk, readable or not.

    Records are matched in two rounds so that the order of a listing never changes the answer:
    first by arXiv id, or by title and date; then the rest by title alone (the page's date was
    corrected, or the listing's). A page and a record with different arXiv ids never match."""
    claimed: dict[int, int] = {}
    taken: set[int] = set()
    by_arxiv: dict[str, list[int]] = defaultdict(list)
    by_title: dict[str, list[int]] = defaultdict(list)
    for j, (arxiv, title, _) in enumerate(pages):
        if arxiv:
            by_arxiv[arxiv].append(j)
        if title:
            by_title[title].append(j)

    def candidates(paper: Paper) -> list[int]:
        title = title_key(paper.title)
        near = sorted(set(by_arxiv.get(paper.arxiv or "", [])) | set(by_title.get(title, [])))
        return [j for j in near if j not in taken and same_paper(paper.arxiv, title, pages[j][0], pages[j][1])]

    for strict in (True, False):
        for i, paper in enumerate(papers):
            if i in claimed:
                continue
            found = [
                j
                for j in candidates(paper)
                if not strict or (paper.arxiv and pages[j][0] == paper.arxiv) or pages[j][2] == paper.date
            ]
            if found:
                claimed[i] = found[0]
                taken.add(found[0])
    return claimed
