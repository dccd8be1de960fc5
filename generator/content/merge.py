"""How imported records meet the pages already on the shelf, without losing anything.

Pure functions over ``Paper`` values (no I/O), used by the writer:

- ``same_record``: two records of one listing are the same paper (then it is imported once);
- ``duplicates_in``: the repeated records of a listing and the different papers sharing a title;
- ``match_pages``: which existing page each record is (the arXiv id, else the title, by the rule
  ``validate.same_paper`` defines for the whole project);
- ``reconcile``: the page after an import, from the fields the source carries only: what the
  page lacks is filled, what it gives differently is kept and reported (``--force`` takes it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from generator.content.paper_fields import FRONT_MATTER_KEYS
from generator.content.validate import same_paper, title_key
from generator.core.model import Paper

FIELDS: tuple[str, ...] = (*FRONT_MATTER_KEYS, "abstract")


@dataclass(frozen=True, slots=True)
class Merge:
    """What an import does to one page: the page after it, the fields it filled (the page had
    none), and the fields the page and the record give differently (``replaced`` with
    ``--force``, else kept)."""

    paper: Paper
    filled: tuple[str, ...] = ()
    differ: tuple[str, ...] = ()
    replaced: bool = False


def _empty(value: object) -> bool:
    return value in (None, "", ())


def _union(name: str, old: tuple[Any, ...], new: tuple[Any, ...]) -> tuple[Any, ...]:
    """Links and tags: the page's first, then what the record adds (a link by its URL)."""
    if name == "links":
        urls = {link.url for link in old}
        return old + tuple(link for link in new if link.url not in urls)
    return old + tuple(tag for tag in new if tag not in old)


def reconcile(existing: Paper, incoming: Paper, carried: frozenset[str], *, force: bool = False) -> Merge:
    """The page after importing ``incoming`` over it, from the fields in ``carried`` only.

    A field the page lacks is filled from the record: an absence was never an edit, and a
    richer source (Daily Papers, with authors and ids) completes a page a listing made. A field
    the record leaves empty keeps the page's value. Links and tags are a union, the page's
    first: a source never removes what a person added. A field both give differently is kept
    and reported, unless ``force``: then the record's value is taken, abstract included.
    ``source`` names where the page's fields came from, so it is filled for a page that has
    none only by ``force`` and never reported as a difference (every other source differs)."""
    changes: dict[str, Any] = {}
    filled: list[str] = []
    differ: list[str] = []
    for name in FIELDS:
        if name not in carried:
            continue
        new, old = getattr(incoming, name), getattr(existing, name)
        if _empty(new) or new == old:
            continue
        if name in ("links", "tags"):
            value = _union(name, old, new)
            if value != old:
                changes[name] = value
                filled.append(name)
        elif name == "source":
            if force:
                changes[name] = new
        elif _empty(old):
            changes[name] = new
            filled.append(name)
        else:
            differ.append(name)
            if force:
                changes[name] = new
    paper = replace(existing, **changes) if changes else existing
    return Merge(paper, tuple(filled), tuple(differ), force and bool(differ))


def merge(existing: Paper, incoming: Paper, carried: frozenset[str]) -> Paper:
    """The page with every carried field the record gives taken from it (what ``--force`` writes)."""
    return reconcile(existing, incoming, carried, force=True).paper


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
