"""The site's link-preview picture (``og:image``), drawn by code so that it is reproducible:
``python -m generator.og_image`` writes ``overrides/assets/og.png``, and a test checks that the
committed file is what this module draws. Pure drawing, no image library: a few rectangles and
a five-by-seven pixel font are all it needs, written as a PNG with ``zlib``.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

WIDTH, HEIGHT = 1200, 630  # the size OpenGraph previews are made for (1.91:1)
BACKGROUND = (0x40, 0x51, 0xB5)  # the theme's indigo
INK = (0xFF, 0xFF, 0xFF)
SHELF = (0x2A, 0x36, 0x7F)
BOOKS = ((0xFF, 0xD5, 0x4F), (0x81, 0xD4, 0xFA), (0xFF, 0x8A, 0x65), (0xA5, 0xD6, 0xA7), (0xE1, 0xBE, 0xE7))
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "overrides" / "assets" / "og.png"

# Five columns by seven rows per letter, "#" for ink.
_FONT = {
    "P": ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
    "A": [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
    "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
    "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
    "H": ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
    "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
    "F": ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
}


def _canvas() -> list[bytearray]:
    return [bytearray(bytes(BACKGROUND) * WIDTH) for _ in range(HEIGHT)]


def _rect(rows: list[bytearray], x: int, y: int, w: int, h: int, color: tuple[int, int, int]) -> None:
    span = bytes(color) * w
    for row in rows[y : y + h]:
        row[3 * x : 3 * (x + w)] = span


def _text(rows: list[bytearray], text: str, x: int, y: int, scale: int) -> None:
    for letter in text:
        for r, line in enumerate(_FONT[letter]):
            for c, cell in enumerate(line):
                if cell == "#":
                    _rect(rows, x + c * scale, y + r * scale, scale, scale, INK)
        x += 6 * scale


def _png(rows: list[bytearray]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def og_png() -> bytes:
    """The picture: a shelf of books above the site's name, on the theme's indigo."""
    rows = _canvas()
    x = 240
    for i in range(14):  # books of varying height and width standing on the shelf
        w, h = 36 + (i * 7) % 22, 150 + (i * 53) % 90
        _rect(rows, x, 330 - h, w, h, BOOKS[i % len(BOOKS)])
        x += w + 8
    _rect(rows, 200, 330, 800, 18, SHELF)
    scale = 12
    word = "PAPERSHELF"
    _text(rows, word, (WIDTH - (6 * len(word) - 1) * scale) // 2, 410, scale)
    return _png(rows)


def main(argv: list[str] | None = None) -> int:
    path = Path((argv if argv is not None else sys.argv[1:] or [str(DEFAULT_PATH)])[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(og_png())
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
