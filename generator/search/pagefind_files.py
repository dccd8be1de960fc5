"""Pagefind's index files, made byte-identical from one build to the next.

Pagefind writes filters and their values in hash-map order, which changes from run to run, and
names every file after a hash of its content; so the same papers gave a differently named
filter file, metadata file and entry on every build, and a deploy always changed them. The
site's rule is that the same input gives the same bytes, so after indexing, ``canonicalize``
sorts each filter's values, re-encodes the file, and renames it and the metadata that points
at it (updating ``pagefind-entry.json``) with names derived from the new content.

The files are gzip-compressed CBOR after an ASCII signature. Only the CBOR that Pagefind uses
is supported here: integers, text and byte strings, arrays, maps and the simple values.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

from generator.content.writer import write_bytes_if_changed, write_if_changed

SIGNATURE = b"pagefind_dcd"


class FormatError(ValueError):
    """A file is not in the Pagefind format this module knows."""


# --------------------------------------------------------------------------- CBOR subset


def _decode(data: bytes, pos: int) -> tuple[Any, int]:
    head = data[pos]
    major, info = head >> 5, head & 0x1F
    pos += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        raise FormatError(f"unsupported CBOR item 0x{head:02x}")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        raw = data[pos : pos + arg]
        return (raw if major == 2 else raw.decode("utf-8")), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, pos = _decode(data, pos)
            value, pos = _decode(data, pos)
            pairs.append((key, value))
        return _Map(pairs), pos
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], pos
    if major == 7 and info == 27:
        return struct.unpack(">d", arg.to_bytes(8, "big"))[0], pos
    raise FormatError(f"unsupported CBOR item 0x{head:02x}")


class _Map(list):
    """A CBOR map kept as its (key, value) pairs, in file order."""


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise FormatError(f"integer {arg} is too large for CBOR")


def _encode(value: Any) -> bytes:
    if value is False or value is True or value is None:
        return bytes([0xE0 | {False: 20, True: 21, None: 22}[value]])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, _Map):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value)
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    raise FormatError(f"cannot encode {type(value).__name__}")


def read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise FormatError(f"{path}: not a Pagefind file")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise FormatError(f"{path}: trailing data")
    return value


def write(folder: Path, prefix: str, digits: int, suffix: str, value: Any) -> str:
    """Write ``value`` under a name derived from its bytes; returns the name without suffix."""
    data = SIGNATURE + _encode(value)
    name = f"{prefix}{hashlib.sha256(data).hexdigest()[:digits]}"
    write_bytes_if_changed(folder / f"{name}{suffix}", gzip.compress(data, compresslevel=9, mtime=0))
    return name


# --------------------------------------------------------------------------- the index


def _rename(old: Path, new: Path) -> None:
    if old != new:
        old.unlink()


def canonicalize(index_dir: Path) -> None:
    """Sort every filter's values and rename what changed; the search results are unchanged."""
    entry_path = index_dir / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_name = language["hash"]
        meta_path = index_dir / f"pagefind.{meta_name}.pf_meta"
        meta = read(meta_path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise FormatError(f"{meta_path}: unexpected layout")
        prefix = meta_name.split("_", 1)[0] + "_"
        for item in meta[3]:  # [filter name, file hash]
            name, file_hash = item
            path = index_dir / "filter" / f"{file_hash}.pf_filter"
            filter_name, values = read(path)
            values = sorted(([value, sorted(pages)] for value, pages in values), key=lambda v: v[0])
            item[1] = write(path.parent, prefix, len(file_hash) - len(prefix), ".pf_filter", [filter_name, values])
            _rename(path, path.parent / f"{item[1]}.pf_filter")
            if name != filter_name:
                raise FormatError(f"{path}: filter {filter_name!r} listed as {name!r}")
        meta[3].sort(key=lambda item: item[0])  # the filters are listed in hash-map order too
        language["hash"] = write(index_dir, f"pagefind.{prefix}", len(meta_name) - len(prefix), ".pf_meta", meta)
        language["hash"] = language["hash"].removeprefix("pagefind.")
        _rename(meta_path, index_dir / f"pagefind.{language['hash']}.pf_meta")
    write_if_changed(entry_path, json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
