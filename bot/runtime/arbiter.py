"""gunicorn embedded: its arbiter forking the workers, and their own refusals as JSON sentences."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from typing import Any
from wsgiref.types import WSGIApplication

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.gthread import ThreadWorker

from bot.runtime.body_limit import limit_bodies, note_request
from bot.runtime.server import refusal_sentence
from bot.runtime.workers import GRACEFUL_SECONDS, Built, WorkerPlan
from scoring.errors import StoreError

__all__ = [
    "run_workers",
]


class _Refusal:
    """The client socket as gunicorn's error writer sees it: what gunicorn would write as an
    HTML page goes out as ``{"error": …}``, one sentence, like every refusal of waitress's."""

    def __init__(self, client: Any, path: str | None, detail: str) -> None:
        self._client = client
        self._path = path
        self._detail = detail

    def gettimeout(self) -> float:
        # gunicorn's writer then writes at once, through sendall below.
        return 0.0

    def sendall(self, data: bytes) -> None:
        status_line = data.split(b"\r\n", 1)[0].decode("latin-1")
        _, code, reason = [*status_line.split(" ", 2), "", ""][:3]
        sentence = refusal_sentence(int(code), self._path, self._detail or reason)
        body = json.dumps({"error": sentence}).encode()
        head = (
            f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        from gunicorn import util

        util.write_nonblock(self._client, head + body)


class _JsonWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, refusing what it refuses itself in JSON."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        path = getattr(req, "path", None)
        super().handle_error(req, _Refusal(client, path, str(exc)), addr, exc)


def _worker_exit(_arbiter: Any, worker: Any) -> None:
    """gunicorn's ``worker_exit`` hook, in the worker: close what its ``build`` made."""
    server = worker.app
    if isinstance(server, _Server):
        server.close()


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn embedded: its settings from the plan, the application from ``build``."""

    def __init__(self, plan: WorkerPlan, listener: socket.socket, build: Callable[[], Built]):
        self._plan = plan
        self._listener = listener
        self._build = build
        self._built: Built | None = None
        super().__init__(prog="riskbrief serve")

    def load_config(self) -> None:
        plan = self._plan
        # The port ``listen`` bound (the one asked, or a free one for port 0).
        port = self._listener.getsockname()[1]
        options: dict[str, Any] = {
            "bind": f"[{plan.host}]:{port}" if ":" in plan.host else f"{plan.host}:{port}",
            # Each worker listens on a socket of its own on that port, and the kernel spreads
            # new connections evenly over them. On one shared socket, the worker that wakes
            # first takes a whole burst (44 and 50 of 50 connections, measured) while the
            # other sits idle, and the burst is as slow as on one process.
            "reuse_port": True,
            "workers": plan.workers,
            "worker_class": _JsonWorker,
            "threads": plan.threads,
            "graceful_timeout": GRACEFUL_SECONDS,
            # As waitress's channel_timeout: an idle connection is kept 2 minutes, longer than
            # a load balancer's or a client's own idle timeout, so that neither reuses one
            # the server is closing (a reset request).
            "keepalive": 120,
            # Built after the fork, in each worker: an engine's pool, /mcp's event loop and
            # bolt's threads never cross a fork.
            "preload_app": False,
            # gunicorn's control socket is a thread in the arbiter and a file in $HOME: not
            # needed to run riskbrief, and the arbiter stays one thread that only forks.
            "control_socket_disable": True,
            # gunicorn's own lines (a worker that died, its shutdown) on stderr beside
            # riskbrief's; no access log, as with waitress.
            "errorlog": "-",
            "loglevel": "warning",
            "accesslog": None,
            "proc_name": "riskbrief",
            # As waitress: a long web-view address is taken, and no header changes the scheme.
            "limit_request_line": 8190,
            "secure_scheme_headers": {},
            "worker_exit": _worker_exit,
            "pre_request": note_request,
        }
        # The workers' heartbeat files: in memory where there is /dev/shm (a container's
        # overlay disk can stall the heartbeat under load and get a worker killed).
        if os.path.isdir("/dev/shm"):
            options["worker_tmp_dir"] = "/dev/shm"
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApplication:
        self._built = self._build()
        return limit_bodies(self._built.application, self._plan.max_body)

    def close(self) -> None:
        """Close what this worker built, once."""
        built, self._built = self._built, None
        if built is not None:
            built.close()

    def run(self) -> None:
        # ``listen``'s socket stays open here, bound but not listening, holding the port;
        # the arbiter listens on nothing and each worker binds its own (``reuse_port``).
        Arbiter(self).run()


def run_workers(plan: WorkerPlan, listener: socket.socket, build: Callable[[], Built]) -> None:
    """Serve with ``plan.workers`` workers in this process's arbiter until SIGTERM or Ctrl-C."""
    try:
        _Server(plan, listener, build).run()
    except SystemExit as exc:
        # gunicorn ends its arbiter with sys.exit: 0 after a clean stop, else its reason
        # (a worker that could not start) is in the log above.
        if exc.code not in (0, None):
            raise StoreError(
                f"the web workers stopped with exit status {exc.code}; the reason is logged above"
            ) from None
