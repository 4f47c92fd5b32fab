"""A test HTTP server on 127.0.0.1 whose every path may answer with a hostile response."""
from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Responder = Callable[["Handler"], None]


class HostileServer:
    """Serves ``routes`` (path -> responder), then ``prefixes`` (path prefix -> responder, which
    reads ``handler.path``: endless families of pages), and records every hit with its time."""

    def __init__(self, routes: dict[str, Responder] | None = None, host: str = "127.0.0.1"):
        self.routes: dict[str, Responder] = dict(routes or {})
        self.prefixes: dict[str, Responder] = {}
        self.hits: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self._server = _Server((host, 0), Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def record(self, path: str) -> None:
        with self._lock:
            self.hits.append((path, time.monotonic()))

    def hit_times(self, path: str) -> list[float]:
        """When ``path`` was requested, in order."""
        with self._lock:
            return [at for hit, at in self.hits if hit == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "HostileServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: HostileServer

    def handle_error(self, request, client_address) -> None:
        """Resets and broken pipes are the point here: stay quiet."""


class Handler(BaseHTTPRequestHandler):
    """Dispatches a GET to the route's responder (404 when unknown)."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        path = self.path.split("#")[0]
        self.server.owner.record(path)
        owner = self.server.owner
        responder = owner.routes.get(path) or next(
            (owner.prefixes[p] for p in sorted(owner.prefixes, key=len, reverse=True) if path.startswith(p)), None)
        if responder is None:
            send(self, 404, b"<html><title>404</title><h1>Introuvable</h1></html>")
        else:
            responder(self)

    def log_message(self, format, *args) -> None:
        """No access log."""


# -- responders' building blocks ---------------------------------------------------------------

def send(handler: Handler, status: int, body: bytes, content_type: str | None = "text/html; charset=UTF-8",
         headers: list[tuple[str, str]] | None = None, length: int | None = None) -> None:
    """A complete response (``length`` overrides the Content-Length header)."""
    handler.send_response(status)
    if content_type is not None:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in headers or []:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def reset(handler: Handler) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0)."""
    handler.wfile.flush()
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def close_now(handler: Handler) -> None:
    """Close the connection cleanly where it stands."""
    handler.wfile.flush()
    handler.connection.shutdown(socket.SHUT_RDWR)
    handler.close_connection = True


def stream_forever(handler: Handler, chunk: bytes, limit: int) -> None:
    """A 200 without Content-Length whose body goes on until ``limit`` bytes or the client leaves."""
    handler.protocol_version = "HTTP/1.0"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=UTF-8")
    handler.end_headers()
    sent = 0
    try:
        while sent < limit:
            handler.wfile.write(chunk)
            sent += len(chunk)
    except OSError:
        pass
    handler.close_connection = True
