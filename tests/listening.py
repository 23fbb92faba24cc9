"""A local HTTP listener for tests: it records every request, redirects where told and
answers the rest (an ASK answer to POST)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Listener:
    """A local HTTP server: redirects (``redirect``: path -> absolute URL, status) or
    answers 200 (201 for PUT), and records what it received."""

    redirect: dict[str, tuple[str, int]] = field(default_factory=dict)
    seen: list[tuple[str, str, bool, int]] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?")[0]
                auth = "Authorization" in self.headers
                listener.seen.append((self.command, self.path, auth, len(body)))
                if path in listener.redirect:
                    target, status = listener.redirect[path]
                    self.send_response(status)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.command == "POST":  # a SPARQL endpoint: one empty ASK answer
                    payload = b'{"head": {}, "boolean": true}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                else:
                    payload = b""
                    self.send_response(201 if self.command == "PUT" else 200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@contextmanager
def serving(listener: Listener) -> Iterator[Listener]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), listener.handler())
    listener.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        server.shutdown()
        server.server_close()
