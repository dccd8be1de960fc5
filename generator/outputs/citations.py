"""Citation formats for a paper: BibTeX entries and their keys. Pure functions.

What is cited is the paper's publication date (``published``: arXiv's first version, or a
date a person gave), never the day it was listed here; when it is unknown the year is left out
rather than guessed, since a wrong year in a bibliography is worse than a missing one. (The
month an arXiv id encodes is when the id was issued, which is not always when the work was
published, so it is not used either.) An arXiv paper gets the entry arXiv suggests (``@misc``
with ``eprint``, ``archivePrefix``, ``primaryClass``); ``url`` always points at the paper
itself (arXiv, DOI or PDF), never at its code.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from generator.core.links import paper_link
from generator.core.model import Paper

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}%&#_$~^]")
_MATH = re.compile(r"\$[^$\n]+\$")


def _escape_text(text: str) -> str:
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], text)


def _balanced(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _bibtex_escape(text: str) -> str:
    """LaTeX-escape text so that no character can end the field or the entry early; inline math
    (``$O(n^2)$``) is kept as math when its braces balance, since that is what LaTeX wants."""
    out, pos = [], 0
    for m in _MATH.finditer(text):
        out.append(_escape_text(text[pos : m.start()]))
        math = m.group(0)
        out.append(math if _balanced(math) else _escape_text(math))
        pos = m.end()
    out.append(_escape_text(text[pos:]))
    return "".join(out)


def _author(name: str) -> str:
    """A name that contains the word "and" is braced, or BibTeX would read it as two people."""
    escaped = _bibtex_escape(name)
    return "{" + escaped + "}" if re.search(r"\band\b", name, re.IGNORECASE) else escaped


def arxiv_month(arxiv: str) -> tuple[int, int] | None:
    """Year and month an arXiv id was issued: ``2404.14527`` -> (2024, 4), ``hep-th/9711200`` -> (1997, 11).

    Only an upper bound for the id's age; citations use ``published``, never this."""
    m = re.fullmatch(r"(\d{2})(\d{2})\.\d{4,5}", arxiv)
    m = m or re.fullmatch(r"[a-z.\-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}", arxiv)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    yy = int(m.group(1))
    return (1900 + yy if yy >= 91 else 2000 + yy), int(m.group(2))


def arxiv_year(arxiv: str) -> int | None:
    """The year an arXiv id was issued: ``2404.14527`` -> 2024, ``hep-th/9711200`` -> 1997."""
    issued = arxiv_month(arxiv)
    return issued[0] if issued else None


def citation_year(paper: Paper) -> int | None:
    """The year to cite: the publication year, or None when it is not known."""
    return paper.published.year if paper.published else None


# Words that do not name a paper: the key takes the first word of the title that is not one.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "and",
        "or",
        "with",
        "without",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "via",
        "using",
        "towards",
        "toward",
        "do",
        "does",
        "can",
        "we",
        "our",
        "your",
        "how",
        "what",
        "when",
        "why",
        "which",
        "its",
        "it",
        "this",
        "that",
        "not",
        "no",
    ]
)


def _ascii_words(text: str) -> list[str]:
    """Lowercase ASCII words, accents folded (``Mélange`` -> ``melange``), TeX commands dropped,
    and a hyphenated word kept whole (``t-SNE`` -> ``tsne``)."""
    folded = unicodedata.normalize("NFKD", re.sub(r"\\[A-Za-z]+", " ", text)).encode("ascii", "ignore").decode()
    words = (re.sub(r"[^a-z0-9]", "", token) for token in re.split(r"[\s:;,/()\[\]{}]+", folded.lower()))
    return [w for w in words if w]


def surname(name: str) -> str:
    """The family name of a name as listings write it: ``Tim Dettmers`` -> ``Dettmers``;
    ``Dettmers, Tim`` -> ``Dettmers``; particles stay with it (``van der Maaten``)."""
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    if not parts:
        return ""
    i = len(parts) - 1
    while i > 0 and parts[i - 1].lower() in {"van", "von", "der", "de", "del", "della", "di", "da", "le", "la"}:
        i -= 1
    return " ".join(parts[i:])


@functools.lru_cache(maxsize=1 << 17)  # a paper's key is asked for by its page, papers.bib and the export
def citation_key(paper: Paper) -> str:
    """``<first author's family name><year><first significant title word>``, the form Google
    Scholar and most reference managers use (``dettmers2023qlora``); without authors the key
    starts with ``anonymous``, without a publication date it has no year. ``citation_keys``
    makes the keys of a whole collection unique."""
    name = "".join(_ascii_words(surname(paper.authors[0]))) if paper.authors else ""
    words = _ascii_words(paper.title)
    word = next((w for w in words if w not in _STOPWORDS), words[0] if words else "paper")
    year = citation_year(paper)
    return f"{name or 'anonymous'}{year if year else ''}{word}"


def _suffix(n: int) -> str:
    """0 -> '', 1 -> 'b', 2 -> 'c' … 25 -> 'z', 26 -> 'ba': a letter, as in "2023b"."""
    if n == 0:
        return ""
    letters = ""
    while n:
        n, r = divmod(n, 26)
        letters = chr(ord("a") + r) + letters
    return letters


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """slug -> key, unique over ``papers``: where two papers share a key, the first by slug keeps
    it and the others get ``b``, ``c``… appended. Deterministic (it depends on the slugs only,
    not on the order given), so papers.bib and every page agree."""
    return dict(_citation_keys(tuple(papers)))


@functools.lru_cache(maxsize=4)  # asked for by the pages, papers.json and papers.bib of one stage
def _citation_keys(papers: tuple[Paper, ...]) -> tuple[tuple[str, str], ...]:
    groups: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        groups[citation_key(paper)].append(paper.slug)
    taken = set(groups)
    out: dict[str, str] = {}
    for key, slugs in groups.items():
        slugs.sort()
        out[slugs[0]] = key
        n = 0
        for slug in slugs[1:]:
            n += 1
            while (candidate := key + _suffix(n)) in taken:
                n += 1
            taken.add(candidate)
            out[slug] = candidate
    return tuple(out.items())


def bibtex_entry(paper: Paper, key: str | None = None) -> str:
    """An ``@misc`` entry; arXiv-style fields when the id is known. ``key`` is the paper's key in
    the collection (from ``citation_keys``); alone, the paper gets its plain ``citation_key``."""
    fields = [("title", "{" + _bibtex_escape(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_author(a) for a in paper.authors)))
    year = citation_year(paper)
    if year and paper.published:
        fields.append(("year", str(year)))
        fields.append(("month", _MONTHS[paper.published.month - 1]))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv")]
        if paper.category:
            fields.append(("primaryClass", _escape_text(paper.category)))
    if paper.doi:
        fields.append(("doi", _escape_url(paper.doi)))
    url = paper_link(paper)
    if url:
        fields.append(("url", _escape_url(url)))
    body = ",\n".join(f"  {k} = {{{v}}}" if k != "month" else f"  {k} = {v}" for k, v in fields)
    return f"@misc{{{key or citation_key(paper)},\n{body}\n}}\n"


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _escape_url(url: str) -> str:
    """URLs are kept verbatim (the ``url`` package reads them raw) except for braces and
    backslashes, which could end the field early."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
