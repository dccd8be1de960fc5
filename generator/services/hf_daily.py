"""Fetch a day's Hugging Face Daily Papers listing, as the bytes the API sent.

huggingface_hub has ``HfApi.list_daily_papers``, but it hands back parsed ``PaperInfo``
objects, and the importer keeps the response itself under ``content/sources/`` so that an
import can be reviewed and repeated offline; so the call is made here, with the same endpoint
convention (``HF_ENDPOINT``, default https://huggingface.co) and the shared polite client.
"""

from __future__ import annotations

import datetime as dt

from generator.core.links import HF_ENDPOINT_DEFAULT, hf_daily_papers_api
from generator.services.http import PoliteClient, endpoint_from_env

SERVICE = "Hugging Face"
HINT = "check the network connection (and HF_ENDPOINT, if it is set), then run the command again"


def hf_client() -> PoliteClient:
    return PoliteClient(SERVICE, hint=HINT)


def fetch_daily_papers(date: dt.date, client: PoliteClient | None = None) -> bytes:
    """The raw JSON listing of ``date``; raises ``ServiceError`` (one line) on any failure."""
    endpoint = endpoint_from_env("HF_ENDPOINT", HF_ENDPOINT_DEFAULT, SERVICE)
    client = client or hf_client()
    return client.get(hf_daily_papers_api(endpoint), params={"date": date.isoformat()}, accept="application/json")
