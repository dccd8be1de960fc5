"""Citation formats for a paper: BibTeX entries. Pure functions."""

from __future__ import annotations

import re

from generator.model import Paper


def _bibtex_escape(text: str) -> str:
    """Braces and backslashes would break the entry; everything else is kept as Unicode."""
    return re.sub(r"([{}\\%&#_$])", r"\\\1", text)


def citation_key(paper: Paper) -> str:
    first = paper.authors[0].split()[-1] if paper.authors else paper.slug.split("-")[0]
    word = re.sub(r"[^A-Za-z0-9]", "", first).lower() or "paper"
    return f"{word}{paper.date.year}{paper.slug.replace('-', '')[:12]}"


def bibtex_entry(paper: Paper) -> str:
    """An ``@misc`` entry; arXiv-style fields when the id is known."""
    fields = [("title", "{" + _bibtex_escape(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_bibtex_escape(a) for a in paper.authors)))
    fields.append(("year", str(paper.date.year)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv"), ("url", f"https://arxiv.org/abs/{paper.arxiv}")]
    elif paper.code:
        fields.append(("url", paper.code))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{citation_key(paper)},\n{body}\n}}\n"
