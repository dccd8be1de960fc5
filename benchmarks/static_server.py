"""The built site served on 127.0.0.1 the way GitHub Pages serves it, in the two ways that
change what a browser sees:

- a missing path gets the site's ``404.html`` with status 404, so the not-found page can be
  tested and measured as readers see it;
- text (HTML, CSS, JavaScript, JSON, SVG, XML, plain text) is sent gzip-compressed to a client
  that accepts it, with ``Vary: Accept-Encoding``, as GitHub Pages does. Without it, a page's
  stylesheets and scripts would cross the wire at several times their real size, and Lighthouse
  (whose throttling simulates a slow mobile network) would measure a slower site than readers
  get. Files that are already compressed (images, fonts, the search index's .bin files) are sent
  as they are.

Used by the browser tests and the benchmarks.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.server
import io
import threading
from pathlib import Path
from typing import BinaryIO

# What GitHub Pages compresses: text formats; binary formats are either compressed already
# (woff2, png, the search index's .bin files) or rarely worth it.
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/manifest+json",
    "image/svg+xml",
)


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """A file's gzip encoding, kept while the file is unchanged (its mtime and size)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when they are text, and ``404.html`` for any path that
    names no file."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        ctype = self.guess_type(str(path))
        if not (accepts and path.is_file() and ctype.startswith(COMPRESSIBLE)):
            return super().send_head()
        stat = path.stat()
        body = _gzipped(str(path), stat.st_mtime_ns, stat.st_size)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_site(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on a free port of 127.0.0.1 in a daemon thread; returns the server
    (call ``shutdown`` when done) and its base URL, ending in ``/``."""
    handler = functools.partial(PagesHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
