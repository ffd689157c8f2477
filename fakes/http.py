"""A small threaded HTTP server on 127.0.0.1 for fakes of outside APIs.

A fake is a set of ``Route`` handlers; the server records every request,
injects failures on demand (``fail_next``) and answers what the handler returns.
Every HTTP fake is built on it: a vendor's fake is a ``FakeService`` holding its
own ``FakeServer``, and keeps only its vendor's protocol.
"""

from __future__ import annotations

import contextlib
import json
import re
import selectors
import socket
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from fakes.lifecycle import Lifecycle

__all__ = ["Answer", "FakeServer", "FakeService", "PageFailures", "Request", "Route"]


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the fake saw it."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    # Every value of each query key, for APIs that repeat keys (``statuses[]=a&statuses[]=b``).
    query_lists: Mapping[str, list[str]] = field(default_factory=dict)
    # The query string as sent, for fakes whose vendors' records keep the whole target.
    query_string: str = ""

    @property
    def target(self) -> str:
        """The path with its query string, as on the request line."""
        return f"{self.path}?{self.query_string}" if self.query_string else self.path

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body or b"null")


@dataclass(frozen=True, slots=True)
class Answer:
    """What the fake sends back: a status, headers and a body (JSON-encoded unless ``raw``)."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encoded(self) -> bytes:
        """The bytes on the wire."""
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


Handler = Callable[[Request, re.Match[str]], Answer]


@dataclass(frozen=True, slots=True)
class Route:
    """``handler`` answers ``method`` requests whose path matches ``pattern``."""

    method: str
    pattern: str
    handler: Handler


class FakeServer(Lifecycle):
    """A real HTTP server on 127.0.0.1; use it as a context manager."""

    def __init__(self, routes: list[Route] | None = None) -> None:
        self.routes: list[Route] = list(routes or [])
        self.requests: list[Request] = []
        self._failures: deque[tuple[str, Answer]] = deque()
        self.lock = threading.RLock()
        # Set when the server stops: a handler that hangs on purpose waits on it, not past it.
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # ``stop`` writes to this pair to end ``_serve`` at once: ``serve_forever`` noticed a
        # shutdown only at its next poll, 50 ms into every fake's stop.
        self._wake, self._waker = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer ``method`` requests whose whole path matches the regex ``pattern``."""
        self.routes.append(Route(method, pattern, handler))

    def fail_next(self, path_prefix: str, answer: Answer) -> None:
        """Answer the next request whose path starts with ``path_prefix`` with ``answer``.

        Queued failures are used in order; each is used once.
        """
        with self.lock:
            self._failures.append((path_prefix, answer))

    def requests_to(self, pattern: str) -> list[Request]:
        """Recorded requests whose path matches ``pattern``."""
        with self.lock:
            return [r for r in self.requests if re.fullmatch(pattern, r.path)]

    def _answer(self, request: Request) -> Answer:
        with self.lock:
            self.requests.append(request)
            for i, (prefix, answer) in enumerate(self._failures):
                if request.path.startswith(prefix):
                    del self._failures[i]
                    return answer
        for route in self.routes:
            if route.method != request.method:
                continue
            match = re.fullmatch(route.pattern, request.path)
            if match:
                return route.handler(request, match)
        return Answer(404, {"message": "Not Found"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; with Nagle on, a kept-alive client
            # waits for a delayed ACK (~40 ms) on every answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet."""

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    query_lists=parse_qs(parts.query),
                    query_string=parts.query,
                )
                answer = fake._answer(request)
                data = answer.encoded()
                headers = {k.lower(): v for k, v in answer.headers.items()}
                try:
                    self.send_response(answer.status)
                    if data and "content-type" not in headers:
                        self.send_header("Content-Type", "application/json; charset=utf-8")
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as a timeout test means it to

            do_GET = _serve
            do_POST = _serve
            do_PUT = _serve
            do_PATCH = _serve
            do_DELETE = _serve

        return _Handler

    def _serve(self) -> None:
        """Hand each connection to a handler thread until ``stop`` wakes this loop."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._server, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in selector.select()]
                if self._wake in ready:
                    return
                self._server.handle_request()

    def start(self) -> None:
        """Answer on ``url`` from a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop answering, releasing any handler that waits on ``stopping``, and free the port."""
        self.stopping.set()
        if self._thread.ident is not None:
            with contextlib.suppress(OSError):
                self._waker.send(b"\0")
            self._thread.join(timeout=5)
        self._server.server_close()
        self._wake.close()
        self._waker.close()


class FakeService(Lifecycle):
    """A vendor's fake on its own ``server``: entering it starts that server, leaving stops it."""

    __slots__ = ()

    server: FakeServer

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: where the fake answers."""
        return self.server.url

    def start(self) -> None:
        """Start the fake's server."""
        self.server.start()

    def stop(self) -> None:
        """Stop the fake's server."""
        self.server.stop()


class PageFailures:
    """Answers queued for the list requests at one offset, each used once, in order."""

    def __init__(self) -> None:
        self._queued: dict[int, deque[Answer]] = {}
        self._lock = threading.Lock()

    def add(self, offset: int, answer: Answer, times: int = 1) -> None:
        """Answer the next ``times`` list requests at ``offset`` with ``answer``."""
        with self._lock:
            self._queued.setdefault(offset, deque()).extend([answer] * times)

    def take(self, offset: int) -> Answer | None:
        """The next queued answer for ``offset``, or ``None`` when none is left."""
        with self._lock:
            queued = self._queued.get(offset)
            return queued.popleft() if queued else None
