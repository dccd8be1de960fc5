"""The built site served on 127.0.0.1 the way GitHub Pages serves it: a missing path gets the
site's ``404.html`` with status 404, so the not-found page can be tested and measured as readers
see it. Used by the browser tests and the benchmarks."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, and ``404.html`` for any path that names no file."""

    def log_message(self, format: str, *args: object) -> None:
        pass

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
