"""The arXiv API: one record by id, or a search by title; answers are Atom, read with the
project's defusedxml reader (``readers.arxiv_atom``).

The endpoint comes from ``PAPERSHELF_ARXIV_API`` (default https://export.arxiv.org/api/query).
arXiv's API terms ask for at most one request every 3 seconds, a descriptive User-Agent and
backing off when it is busy: the client waits ``PAPERSHELF_ARXIV_INTERVAL`` seconds between
calls (3 by default; tests set it near 0), retries 429 and 5xx with backoff and honours
``Retry-After``. The ``arxiv`` package does the same with feedparser, but hands back its own
result objects; this keeps one Atom reader for saved files and live answers alike.
"""

from __future__ import annotations

import re

from generator.core.links import ARXIV_API_DEFAULT
from generator.readers.arxiv_atom import read_arxiv_atom
from generator.readers.records import Record, RecordError
from generator.services.http import PoliteClient, ServiceError, endpoint_from_env, interval_from_env

SERVICE = "arXiv"
HINT = "check the network connection (and PAPERSHELF_ARXIV_API, if it is set), then run the command again"
DEFAULT_INTERVAL = 3.0  # seconds between calls: arXiv's API terms


def arxiv_client() -> PoliteClient:
    return PoliteClient(SERVICE, hint=HINT, interval=interval_from_env("PAPERSHELF_ARXIV_INTERVAL", DEFAULT_INTERVAL))


def _query(client: PoliteClient, params: dict[str, str]) -> tuple[list[Record], list[tuple[int, str]]]:
    endpoint = endpoint_from_env("PAPERSHELF_ARXIV_API", ARXIV_API_DEFAULT, SERVICE)
    data = client.get(endpoint, params=params, accept="application/atom+xml")
    try:
        return read_arxiv_atom(data)
    except RecordError as err:
        raise ServiceError(f"{SERVICE} sent an answer that cannot be read: {err} — try again later") from None


def fetch_record(arxiv: str, client: PoliteClient) -> Record:
    """The record of one bare id; ``ServiceError`` when arXiv has none or cannot be asked."""
    records, problems = _query(client, {"id_list": arxiv, "max_results": "1"})
    for record in records:
        if record.arxiv == arxiv:
            return record
    detail = next((message for _, message in problems if "API error" in message), "")
    raise ServiceError(f"{SERVICE} has no paper {arxiv}" + (f" ({detail})" if detail else "") + " — check the id")


def search_phrase(title: str) -> str:
    """A title as an exact-phrase query: letters, digits and spaces only, since quotes, colons
    and brackets are query syntax to arXiv's search."""
    return " ".join(re.sub(r"[^\w\s-]", " ", title).split())


def search_title(title: str, client: PoliteClient) -> list[Record]:
    """Records whose title contains the phrase; the caller decides which, if any, is the paper."""
    phrase = search_phrase(title)
    if not phrase:
        return []
    records, _ = _query(client, {"search_query": f'ti:"{phrase}"', "max_results": "10"})
    return records
