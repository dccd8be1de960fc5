"""Citation formats for a paper: BibTeX entries. Pure functions.

An arXiv paper gets the entry arXiv itself suggests (``@misc`` with ``eprint``,
``archivePrefix`` and the year the id was issued, which is the year people cite, not the date
the paper was listed here); any other paper gets an ``@misc`` entry with its code or project URL.
"""

from __future__ import annotations

import re

from generator.content.pages import is_https_url
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
    """Year and month an arXiv id was issued: ``2404.14527`` -> (2024, 4), ``hep-th/9711200`` -> (1997, 11)."""
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


def publication_date(paper: Paper) -> tuple[int, int, int | None]:
    """(year, month, day or None): the month the arXiv id was issued when known (closer to the
    real publication than the listing date), else the listing date."""
    issued = arxiv_month(paper.arxiv) if paper.arxiv else None
    if issued:
        return issued[0], issued[1], None
    return paper.date.year, paper.date.month, paper.date.day


def citation_year(paper: Paper) -> int:
    """The year to cite: the arXiv id's year when known, else the year the paper was listed."""
    return (arxiv_year(paper.arxiv) if paper.arxiv else None) or paper.date.year


def citation_key(paper: Paper) -> str:
    """``<first author's surname><year><start of the slug>``: readable, and distinct for
    distinct slugs in practice, since the slug (unique in the collection) is part of it."""
    first = paper.authors[0].split()[-1] if paper.authors else paper.slug.split("-")[0]
    word = re.sub(r"[^A-Za-z0-9]", "", first).lower() or "paper"
    return f"{word}{citation_year(paper)}{paper.slug.replace('-', '')[:12]}"


def bibtex_entry(paper: Paper) -> str:
    """An ``@misc`` entry; arXiv-style fields when the id is known."""
    fields = [("title", "{" + _bibtex_escape(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_author(a) for a in paper.authors)))
    fields.append(("year", str(citation_year(paper))))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv"), ("url", f"https://arxiv.org/abs/{paper.arxiv}")]
    else:
        url = next((u for u in [paper.code, *(link.url for link in paper.links)] if u and is_https_url(u)), None)
        if url:
            fields.append(("url", _escape_url(url)))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{citation_key(paper)},\n{body}\n}}\n"


def _escape_url(url: str) -> str:
    """URLs are kept verbatim (the ``url`` package reads them raw) except for braces and
    backslashes, which could end the field early."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
