"""An HTTP client that behaves well towards public APIs and fails in one clear line.

Built on requests and urllib3's ``Retry`` (rather than a hand-written loop): retries on 429 and
5xx with exponential backoff, ``Retry-After`` honoured (capped, so a server asking for an hour
does not hang a scheduled job: the command stops and says to try later), and a minimum interval
between calls, which arXiv's API terms ask for (one request every 3 seconds). The interval also
applies between retries, so a retry never comes sooner than a new call would.
"""

from __future__ import annotations

import os
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from generator import __version__

MAX_RESPONSE_BYTES = 32 * 1024 * 1024  # a day's listing is ~1 MB; anything far larger is not one
RETRY_STATUSES = (429, 500, 502, 503, 504)


class ServiceError(Exception):
    """A call that failed; the message is the one line a command prints (service + what to do)."""


def user_agent() -> str:
    """Who is calling, as API terms ask; ``PAPERSHELF_CONTACT`` (an email or URL) is added when
    set, so the service's operators can reach whoever runs the import."""
    contact = os.environ.get("PAPERSHELF_CONTACT", "").strip()
    tail = f"; {contact}" if contact and contact.isprintable() and len(contact) < 200 else ""
    return f"PaperShelf/{__version__} (community paper list importer; python-requests/{requests.__version__}{tail})"


class _PoliteRetry(Retry):
    """``Retry`` whose wait between attempts is never shorter than the service's interval."""

    min_wait: float = 0.0

    def new(self, **kw: Any) -> _PoliteRetry:
        fresh = super().new(**kw)
        fresh.min_wait = self.min_wait
        return fresh

    def get_backoff_time(self) -> float:
        return max(super().get_backoff_time(), self.min_wait)


def endpoint_from_env(variable: str, default: str, service: str) -> str:
    """The endpoint a variable names, checked: an http(s) URL with a host and no query."""
    value = os.environ.get(variable, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ServiceError(f"{service}: {variable}={value!r} is not an http(s) URL — fix or unset {variable}")
    return value.rstrip("/")


def interval_from_env(variable: str, default: float) -> float:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ServiceError(f"{variable}={value!r} is not a number of seconds — fix or unset it") from None
    if not 0 <= seconds <= 600:
        raise ServiceError(f"{variable}={value!r} must be between 0 and 600 seconds")
    return seconds


class PoliteClient:
    """GET requests to one service, at most one every ``interval`` seconds.

    ``service`` names it in messages ("arXiv", "Hugging Face"); ``hint`` says what a person can
    check when it cannot be reached (for example which variable sets the endpoint)."""

    def __init__(
        self,
        service: str,
        *,
        hint: str,
        interval: float = 0.0,
        timeout: tuple[float, float] = (10.0, 60.0),
        retries: int = 3,
        backoff: float | None = None,
        max_retry_after: int = 120,
    ) -> None:
        self.service = service
        self.hint = hint
        self.interval = interval
        self.timeout = timeout
        self.calls = 0
        self._last = float("-inf")
        if backoff is None:  # the factor of the exponential backoff; tests make it small
            backoff = interval_from_env("PAPERSHELF_HTTP_BACKOFF", 2.0)
        retry = _PoliteRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "POST"}),  # POST: GraphQL queries, which change nothing
            respect_retry_after_header=True,
            retry_after_max=max_retry_after,
            raise_on_status=False,
        )
        retry.min_wait = interval
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent(), "Accept-Encoding": "gzip"})
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _wait_turn(self) -> None:
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def get(self, url: str, params: dict[str, str] | None = None, accept: str = "*/*") -> bytes:
        """The body of a 200 answer; anything else raises ``ServiceError`` with one line."""
        return self._request("GET", url, params=params, headers={"Accept": accept})

    def post_json(self, url: str, payload: object, headers: dict[str, str] | None = None) -> bytes:
        """POST ``payload`` as JSON (a GraphQL query: it changes nothing, so it is retried like
        a GET); the body of a 200 answer, or ``ServiceError`` with one line."""
        return self._request("POST", url, json=payload, headers={"Accept": "application/json", **(headers or {})})

    def _request(self, method: str, url: str, **kwargs: Any) -> bytes:
        self._wait_turn()
        self.calls += 1
        try:
            with self.session.request(method, url, timeout=self.timeout, stream=True, **kwargs) as response:
                body = self._read(response)
        except requests.exceptions.RetryError:
            raise ServiceError(
                f"{self.service} kept refusing the request ({url}) after retries — it may be down or "
                "rate-limiting; wait a few minutes and run the command again"
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as err:
            kind = "timed out" if isinstance(err, requests.exceptions.Timeout) else "could not be reached"
            raise ServiceError(f"{self.service} {kind} at {url} — {self.hint}") from None
        except requests.exceptions.RequestException as err:
            raise ServiceError(
                f"{self.service}: the request to {url} failed ({type(err).__name__}) — {self.hint}"
            ) from None
        finally:
            self._last = time.monotonic()
        return body

    def _read(self, response: requests.Response) -> bytes:
        status = response.status_code
        if status == 429:
            raise ServiceError(
                f"{self.service} is rate-limiting requests (HTTP 429) — wait a few minutes and run the command again"
            )
        if status >= 500:
            raise ServiceError(f"{self.service} answered HTTP {status} (a server error) — try again later")
        if status != 200:
            raise ServiceError(f"{self.service} answered HTTP {status} for {response.url} — {self.hint}")
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise ServiceError(f"{self.service} sent more than 32 MB for {response.url}; that is not an answer")
            chunks.append(chunk)
        return b"".join(chunks)
