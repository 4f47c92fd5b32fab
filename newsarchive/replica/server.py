"""Serve a replica Site over real HTTP on 127.0.0.1 from a daemon thread."""
from __future__ import annotations

import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .site import HTML, Resource, Site

_ERROR = Resource(500, b"<!doctype html><title>500</title><h1>Erreur interne du serveur</h1>", HTML)


class ServedSite:
    """A running server. Swap ``site`` to change what it serves without changing the port."""

    def __init__(self, site: Site, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.requests: list[tuple[str, str]] = []
        """Every request received, as ``(method, path_and_query)``, in arrival order."""
        self.headers: list[dict[str, str]] = []
        """The headers of every request (names lower-cased), in the order of ``requests``."""
        self.errors: list[str] = []
        """Tracebacks of exceptions raised while resolving (each was answered with a 500)."""
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Handler)
        self._server.served = self
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name=f"replica-{self.base_url}")
        self._thread.start()

    def url(self, path: str) -> str:
        """``path`` (starting with ``/``) as an absolute URL on this server."""
        return self.base_url + path

    def record(self, method: str, path: str, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self.requests.append((method, path))
            self.headers.append(headers or {})

    def requested_paths(self) -> list[str]:
        """A snapshot of the requested paths (with their query strings)."""
        with self._lock:
            return [path for _, path in self.requests]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ServedSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(site: Site, host: str = "127.0.0.1", port: int = 0) -> ServedSite:
    """Start serving ``site``; ``port=0`` picks a free port (read ``.base_url``)."""
    return ServedSite(site, host, port)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops SYNs under a concurrent crawl (1 s retransmit)
    served: ServedSite

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay silent on client disconnects and the like."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: avoid 40 ms delayed-ACK stalls
    server_version = "Apache"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        served, headers = self.server.served, self._headers()
        served.record("POST", self.path, headers)
        try:
            res = served.site.resolve_post(self.path, body, served.base_url, headers)
        except Exception:  # a bug in a replica endpoint must not hang the client
            served.errors.append(traceback.format_exc())
            res = _ERROR
        self._send(res or Resource(405, b"", HTML, [("Allow", "GET, HEAD")]), send_body=True)

    def _answer(self, send_body: bool) -> None:
        served = self.server.served
        served.record(self.command, self.path, self._headers())
        site = served.site
        try:
            res = site.resolve(self.path, served.base_url) or site.not_found(served.base_url)
        except Exception:  # a bug in a replica page must not hang the client
            served.errors.append(traceback.format_exc())
            res = _ERROR
        self._send(res, send_body)

    def _headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    def _send(self, res: Resource, send_body: bool) -> None:
        self.send_response(res.status)
        self.send_header("Content-Type", res.content_type)
        if not any(name.lower() == "transfer-encoding" for name, _ in res.headers):
            self.send_header("Content-Length", str(len(res.body)))  # else the body frames itself
        for name, value in res.headers:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(res.body)

    def log_message(self, format: str, *args: object) -> None:
        """No access log on stderr."""
