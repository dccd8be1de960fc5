"""What a value must look like: an arXiv id, a DOI, a login, an arXiv category, an https URL.

One rule each, shared by the page reader, the readers of listings, records and saved responses,
the writers of pages, citations and feeds and the ``new`` command: a value an import accepts is a
value a page accepts, and only a URL that passes ``is_https_url`` ever becomes a link. Pure
functions.
"""

from __future__ import annotations

import re

_ARXIV_ANY = re.compile(
    r"^(?:https?://(?:www\.)?(?:export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)?"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7})"
    r"(?P<version>v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
"""Public: ``new`` checks a login as it is typed."""
HF_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$")
CATEGORY = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
DOI = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
_HTTPS_URL = re.compile(r"^https://[^\s/?#<>\"']+\.[^\s<>\"']*$")


def normalize_arxiv(value: str) -> tuple[str, str | None] | None:
    """Split any spelling of an arXiv id (prefix, abs/pdf URL, version) into (id, version)."""
    m = _ARXIV_ANY.match(value.strip())
    if not m:
        return None
    ident = m.group("id")
    if "/" not in ident:
        return ident, m.group("version")
    archive, number = ident.split("/")
    return f"{archive.lower()}/{number}", m.group("version")


def is_arxiv_category(value: object) -> bool:
    return isinstance(value, str) and CATEGORY.match(value) is not None


def is_doi(value: object) -> bool:
    """A bare DOI (``10.NNNN/…``), as the page format stores it."""
    return isinstance(value, str) and DOI.match(value) is not None


def is_hf_login(value: object) -> bool:
    """A Hugging Face login (letters, digits, ``-``, ``_``, ``.``; not a GitHub login's rules)."""
    return isinstance(value, str) and HF_LOGIN.match(value) is not None


def is_https_url(value: object) -> bool:
    return isinstance(value, str) and _HTTPS_URL.match(value) is not None
