"""Site search: a Pagefind index written next to the built site, queried in the browser.

Material's own search ships the whole index to every visitor and rebuilds it in the browser,
which grows with the collection (tens of megabytes at 10,000 papers). Pagefind splits its
index into small fragments that the browser fetches per query, so the cost of a search stays
flat however many papers there are.

Indexing runs beside the build rather than after it, in Pagefind's *service* mode (the
protocol its own Python package speaks: base64-encoded JSON messages, each followed by a comma,
on the process's stdin and stdout). The plugin hands over each paper's body as soon as it is
made, while MkDocs is still reading the pages; Pagefind, a separate multi-threaded process,
indexes them on the second core and writes the index as soon as the last one is in, while
MkDocs renders the templates. The build then only waits for what is left. A thread feeds the
pipe, so a busy indexer never stalls the build, and another reads the answers.

Only paper bodies are indexed: ``render.paper_page`` marks them ``data-pagefind-body``, and
listings, which repeat every abstract, are never sent. Filters come from
``data-pagefind-filter`` attributes (topic links, the year); the browser side lives in
``content/assets/search.js``.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import queue
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from generator.core.model import Paper
from generator.search.pagefind_files import FormatError, canonicalize

# Until the layout change turns ``generator/search/`` into a package holding this module, this
# module stands for it, so that ``generator.search.typos`` (that folder) imports today.

# The folder of the index inside the site; search.js fetches ``<base>/pagefind/pagefind.js``.
INDEX_DIR = "pagefind"
LANGUAGE = "en"


FILTERS_FILE = "assets/search-filters.json"
"""The values of the search filters and their counts, for the filter menus (see ``filter_menu``)."""


def filter_menu(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> str:
    """``FILTERS_FILE``: each filter's values with their number of papers, as the index holds
    them (a paper's topics, its year). The menus are filled from this file rather than from the
    engine, because once the engine has loaded its own filter data it counts the filter values
    of every result of every query, which at 10,000 papers doubles the time of a search."""
    topic: Counter[str] = Counter()
    year: Counter[str] = Counter()
    for paper in papers:
        topic.update(dict.fromkeys(topics.get(paper.slug, ()), 1))
        year[str(paper.date.year)] += 1
    menu = {"topic": dict(sorted(topic.items())), "year": dict(sorted(year.items()))}
    return json.dumps(menu, ensure_ascii=False, sort_keys=False, separators=(",", ":")) + "\n"


def write_files(site_dir: Path, files: Mapping[str, bytes], prune: str | None = None) -> None:
    """Write ``{path in the site: bytes}`` (such as ``typos.typo_files``), each only if it
    changed. With ``prune`` (a folder in the site), its subfolders that ``files`` does not use
    are removed: the vocabulary of an earlier build, which ``mkdocs serve`` would leave behind."""
    for path, data in files.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    if prune is not None and (site_dir / prune).is_dir():
        used = {site_dir / Path(p).parent for p in files}
        for old in (site_dir / prune).iterdir():
            if old.is_dir() and old not in used:
                shutil.rmtree(old)


class SearchIndexError(RuntimeError):
    """Indexing failed; the message says why, in terms of the site folder."""


@dataclass(frozen=True, slots=True)
class IndexResult:
    """What one indexing run did, for the build log and the benchmark."""

    pages: int
    bytes: int


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the ``pagefind[extended]`` wheel (no download at build time)."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:  # pragma: no cover - only without the extended wheel
        from pagefind.service import _must_get_executable as get_executable
    return Path(get_executable())


def service_command() -> list[str]:
    """The indexer, from the ``pagefind[extended]`` wheel (no download at build time)."""
    return [str(pagefind_executable()), "--service"]


def page_document(body: str, language: str = LANGUAGE) -> str:
    """The smallest document Pagefind reads a page's indexed body from: it indexes only the
    element marked ``data-pagefind-body``, so the theme around it would be parsed for nothing."""
    return f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"></head><body>{body}</body></html>'


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class IndexService:
    """One index, built by a Pagefind process from pages added one by one, then written."""

    def __init__(self) -> None:
        self._sent = 0
        self._urls: dict[int, str] = {}  # message id -> page, to name a page Pagefind refused
        self._answers: dict[int, dict[str, Any]] = {}
        self._lock = threading.Condition()
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - open as long as the indexer runs
        self._write_id: int | None = None
        self._output: Path | None = None
        try:
            self._proc = subprocess.Popen(
                service_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
            )
        except OSError as err:
            raise SearchIndexError(f"cannot run the search indexer: {err}") from None
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._write, daemon=True).start()
        try:
            answer = self._ask({"type": "NewIndex", "config": {"force_language": LANGUAGE}})
        except SearchIndexError:
            self.cancel()  # a process that answers nonsense must not outlive the failed build
            raise
        self._index_id = int(answer["index_id"])

    # -- the two pipe threads

    def _write(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            while (message := self._outbox.get()) is not None:
                stdin.write(message)
                if self._outbox.empty():
                    stdin.flush()
            stdin.close()
        except (BrokenPipeError, OSError, ValueError):  # the indexer is gone; _wait reports it
            pass

    def _read(self) -> None:
        """Collect the answers; whatever ends this loop ends every wait with an error (key -2),
        so a build never waits for an answer that cannot come."""
        stdout = cast("io.BufferedReader | None", self._proc.stdout)  # a buffered pipe (bufsize -1) has read1
        assert stdout is not None
        pending, ending = b"", "the indexer stopped"
        try:
            while chunk := stdout.read1(1 << 16):
                pending += chunk
                *messages, pending = pending.split(b",")
                for raw in messages:
                    message = json.loads(base64.b64decode(raw))
                    payload = message.get("payload") or {}
                    key = message.get("message_id")
                    if key is None:  # a message Pagefind could not parse: it echoes it back
                        key = json.loads(payload.get("original_message") or "{}").get("message_id")
                    with self._lock:
                        self._answers[key if key is not None else -1] = payload
                        self._lock.notify_all()
        except (ValueError, AttributeError, OSError) as err:  # not the protocol (binascii.Error is a ValueError)
            ending = f"the indexer's answer could not be read ({err})"
        with self._lock:
            self._answers[-2] = {"type": "Error", "message": ending}
            self._lock.notify_all()

    # -- requests

    def _send(self, payload: dict[str, Any]) -> int:
        self._sent += 1
        request = {"message_id": self._sent, "payload": payload}
        self._outbox.put(base64.b64encode(json.dumps(request).encode("utf-8")) + b",")
        return self._sent

    def _wait(self, key: int) -> dict[str, Any]:
        with self._lock:
            self._lock.wait_for(lambda: key in self._answers or -2 in self._answers)
            answer = self._answers.get(key) or self._answers[-2]
        if answer.get("type") == "Error":
            raise SearchIndexError(f"search indexing failed: {answer.get('message')}{self._log()}")
        return answer

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._wait(self._send(payload))

    def _log(self) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return f" ({text[-2000:]})" if text else ""

    def add_page(self, url: str, body: str) -> None:
        """Index a page at ``url`` (site-absolute, as the browser will fetch it) from its body."""
        key = self._send(
            {"type": "AddFile", "index_id": self._index_id, "url": url, "file_contents": page_document(body)}
        )
        self._urls[key] = url

    def write(self, output: Path) -> None:
        """Start writing the index to ``output``; ``finish`` waits for it."""
        self._output = output
        # The input stays open until the answer: at the end of its input the indexer exits at once.
        self._write_id = self._send({"type": "WriteFiles", "index_id": self._index_id, "output_path": str(output)})

    def finish(self) -> IndexResult:
        """Wait for the index, check every page went in, and make its files canonical."""
        if self._write_id is None or self._output is None:
            raise SearchIndexError("search index: nothing was written")
        try:
            self._wait(self._write_id)
            with self._lock:
                refused = {k: a for k, a in self._answers.items() if a.get("type") == "Error"}
            if refused:
                key, answer = min(refused.items())
                raise SearchIndexError(
                    f"search indexing of {self._urls.get(key, 'a page')} failed: {answer.get('message')}"
                )
        finally:
            self.cancel()
        out = self._output
        if not (out / "pagefind.js").exists():
            raise SearchIndexError(f"search indexing wrote no {out}/pagefind.js")
        try:
            canonicalize(out)  # the same papers give the same index files, byte for byte
        except (FormatError, OSError, KeyError, ValueError) as err:
            raise SearchIndexError(f"search index in {out} is not in the expected format: {err}") from None
        pages = sum(1 for _ in (out / "fragment").glob("*.pf_fragment"))
        return IndexResult(pages=pages, bytes=_tree_size(out))

    def cancel(self) -> None:
        """Stop the indexer (the build failed, or it is done); partial output is left as it is."""
        self._outbox.put(None)
        if self._proc.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5 if self._write_id is not None else 0)
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._stderr.close()
