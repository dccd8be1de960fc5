"""gzip for published files: deterministic bytes, and no work repeated for unchanged content.

The search index, the typo vocabulary and the JSON export are published compressed (the
site's size is bounded by its host; see README, "Size at scale"). Compression is the slow part
of writing them, and under ``serve`` an edit changes few of them, so ``compressed`` remembers
the last result per file name.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping, Sequence


def compress(data: bytes, level: int = 6) -> bytes:
    """gzip without a timestamp: the same bytes give the same file, build after build."""
    return gzip.compress(data, compresslevel=level, mtime=0)


_LAST: dict[str, tuple[bytes, bytes]] = {}


def compressed(name: str, raw: bytes, level: int = 4) -> bytes:
    """``raw`` compressed, or the bytes of the last call for the same name and content: under
    ``serve`` an edit changes a few of thousands of files. Only a digest of the content is
    kept, not the content. Level 4 by default: within 4 % of level 6's size in half its time."""
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    known = _LAST.get(name)
    if known is None or known[0] != digest:
        known = _LAST[name] = (digest, compress(raw, level=level))
    return known[1]


def compact_json(value: object) -> bytes:
    """JSON as the browser-side data files hold it: no spaces, UTF-8 as written."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def versioned_folder(folder: str, named: Sequence[tuple[str, bytes]], meta: Mapping[str, object]) -> dict[str, bytes]:
    """A folder of compressed data files and its plain ``meta.json``, whose ``version`` is a
    digest of every file: the browser keys its cache by it, so a changed file is never read
    beside an old one (the search index and My shelf's data are fetched so)."""
    digest = hashlib.sha256()
    for name, raw in named:
        digest.update(name.encode() + b"\0" + hashlib.sha256(raw).digest())
    head = {"format": meta["format"], "version": digest.hexdigest()[:12]}
    out = {f"{folder}/meta.json": compact_json({**head, **meta}) + b"\n"}
    out.update((f"{folder}/{name}", compressed(f"{folder}/{name}", raw)) for name, raw in named)
    return out
