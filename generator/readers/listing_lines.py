"""What one line of a copied listing is: page chrome, a labelled field, or text.

A listing copied from a web page brings the page's furniture with it — link labels in brackets
("[PDF] [Code] [BibTeX]"), a presentation tag after a title ("(Oral)"), "Read more →", "Show
less", pagination, a menu, a footer — and listings copied from arXiv or a conference carry
labelled fields ("Authors:", "Comments:", "Journal-ref:"). None of it is a title or an abstract.
These pure functions tell them apart line by line, so that the reader can drop the chrome (and
say where), read the fields it knows and report the ones it ignores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BRACKET_LABEL = r"\[\s*[A-Za-z][\w .+-]{0,24}\s*\]"
_ONLY_BRACKET_LABELS = re.compile(rf"^(?:{_BRACKET_LABEL}\s*(?:[|·•,]\s*)?)+$")
_TRAILING_BRACKET_LABELS = re.compile(rf"(?:\s*[|·•]?\s*{_BRACKET_LABEL})+\s*$")
_PRESENTATION = re.compile(
    r"\s*[\(\[](?:oral|spotlight|poster|highlight|best paper(?: award)?|award candidate|invited talk|demo)"
    r"(?: presentation)?[\)\]]\s*$",
    re.IGNORECASE,
)
_MORE = r"(?:read|show|see|view) (?:more|less|all|abstract|full abstract)|show less|more|less|expand|collapse"
_MORE_LINE = re.compile(rf"^(?:…|\.\.\.)?\s*(?:{_MORE})\s*[→»›>…]*\s*$", re.IGNORECASE)
_TRAILING_MORE = re.compile(r"\s*(?:…|\.\.\.)?\s*(?:read more|show more|show less|see more)\s*[→»›>…]*\s*$", re.I)
_PAGINATION = re.compile(
    r"^(?:[«‹←<]\s*)?(?:previous|prev|next|older|newer|first|last)(?: page| papers)?(?:\s*[»›→>])?$"
    r"|^page \d+(?: of \d+)?$"
    r"|^(?:[«‹←]\s*(?:prev(?:ious)?)?\s*)?(?:\d{1,4}\s*(?:…|\.\.\.)?\s*)+(?:next\s*)?[»›→]?$",
    re.IGNORECASE,
)
_MENU_WORDS = frozenset(
    {
        "home",
        "menu",
        "search",
        "log in",
        "login",
        "sign in",
        "sign up",
        "skip to content",
        "skip to main content",
        "back to top",
        "toggle navigation",
        "about",
        "contact",
        "papers",
        "blog",
        "docs",
        "pricing",
    }
)
_MENU_SEPARATORS = re.compile(r"\s+[|·•/]\s+|\s{2,}")
_FOOTER = re.compile(
    r"^(?:©|\(c\)\s|copyright\b)|all rights reserved|^privacy(?: policy)?$|^terms of (?:service|use)"
    r"|^powered by\b|^cookie|^made with\b",
    re.IGNORECASE,
)

LABELS: dict[str, str] = {
    "title": "title",
    "authors": "authors",
    "author": "authors",
    "arxiv": "arxiv",
    "arxiv id": "arxiv",
    "abstract": "abstract",
    "categories": "category",
    "category": "category",
    "subjects": "category",
    "doi": "doi",
    "code": "code",
    "comments": "",
    "journal-ref": "",
    "venue": "",
    "date": "",
    "published": "",
    "report-no": "",
    "msc-class": "",
    "acm-class": "",
}
"""Labels a listing may put before a field, and the ``Paper`` field each is read into; an empty
name is a label known and ignored (reported): PaperShelf has no field for it."""

_LABELLED = re.compile(
    r"^(?P<label>" + "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True)) + r")\s*:\s*(?P<value>.*)$",
    re.I,
)
_ARXIV_ALONE = re.compile(
    r"^(?:arxiv:\s*\d{4}\.\d{4,5}(?:v\d+)?|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/\S+)$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Labelled:
    """A labelled line: ``field`` is the ``Paper`` field it fills ("" when ignored)."""

    label: str
    field: str
    value: str


def chrome(line: str) -> bool:
    """True for a line that is only page furniture: never part of a record."""
    text = line.strip()
    lower = text.casefold()
    if _ONLY_BRACKET_LABELS.match(text) or _MORE_LINE.match(text) or _PAGINATION.match(text):
        return True
    if _FOOTER.search(text) and len(text) < 120:
        return True
    if lower in _MENU_WORDS:
        return True
    items = [item.strip().casefold() for item in _MENU_SEPARATORS.split(text)]
    return len(items) >= 3 and all(0 < len(item) <= 20 for item in items) and any(i in _MENU_WORDS for i in items)


def strip_title_chrome(line: str) -> tuple[str, str]:
    """(the title, the chrome cut from its end: link labels, "(Oral)"), or (line, "")."""
    text = line.rstrip()
    cut = text
    while True:
        shorter = _PRESENTATION.sub("", _TRAILING_BRACKET_LABELS.sub("", cut))
        if shorter == cut:
            break
        cut = shorter
    if not cut.strip() or cut == text:
        return line, ""
    return cut.rstrip(), text[len(cut) :].strip()


def strip_trailing_more(line: str) -> tuple[str, str]:
    """(the text, a "Read more →" cut from its end), or (line, "")."""
    m = _TRAILING_MORE.search(line)
    if not m or not line[: m.start()].strip():
        return line, ""
    return line[: m.start()].rstrip(), line[m.start() :].strip()


def labelled(line: str) -> Labelled | None:
    """The line as a labelled field (``Authors: …``), a bare arXiv id or abs URL as ``arxiv``, or None."""
    text = line.strip()
    if _ARXIV_ALONE.match(text):
        value = text.split(":", 1)[1].strip() if text.lower().startswith("arxiv:") else text
        return Labelled("arXiv", "arxiv", value)
    m = _LABELLED.match(text)
    if m is None:
        return None
    label = m.group("label")
    return Labelled(label, LABELS[label.casefold()], m.group("value").strip())
