"""``riskbrief serve --workers N``: the web role's HTTP side in N processes behind one port.

gunicorn's arbiter (kept, pre-fork; Linux) holds the port, forks N workers and replaces one
that dies; each worker listens on the port with a socket of its own (``SO_REUSEPORT``: the
kernel spreads connections evenly over them) and answers on ``THREADS`` threads. A worker
builds its own application after the fork (``build``): its own engine and connection pool,
its own ``/mcp`` event loop and Slack app, so no connection, pool or thread crosses a fork.
The arbiter runs no application code and never a scheduler: with ``--role all`` the
scheduler runs in the process that started the arbiter (``supervise``), exactly one per
replica, as without workers.

What waitress does for one process is done here too: a body over the limit is refused in
JSON before the application reads it (``limit_bodies``), and gunicorn's own refusals of a
malformed request are ``{"error": …}`` sentences (``_JsonWorker``). SIGTERM stops the
workers' accepting, lets each finish its requests (``GRACEFUL_SECONDS``) and closes what it
built.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FrameType
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import structlog
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.gthread import ThreadWorker

from bot.runtime.server import refusal_sentence
from scoring.errors import ConfigError, StoreError

__all__ = [
    "GRACEFUL_SECONDS",
    "THREADS",
    "Built",
    "WorkerPlan",
    "limit_bodies",
    "listen",
    "run_workers",
    "supervise",
]

# Threads per worker: a page holds the GIL for most of its time, so more threads in one
# process add queueing, not throughput; these cover the waits on PostgreSQL and Slack.
THREADS = 8
# How long a worker may take to finish its requests after SIGTERM before it is killed.
GRACEFUL_SECONDS = 30
# A chunked body is held in memory up to this size, then in a temporary file.
_SPOOL_BYTES = 1 << 20

log = structlog.get_logger("riskbrief.serve")


@dataclass(frozen=True, slots=True)
class WorkerPlan:
    """How many workers, where they listen, and the largest body any path takes."""

    workers: int
    host: str
    port: int
    max_body: int
    threads: int = THREADS


@dataclass(frozen=True, slots=True)
class Built:
    """One worker's application, and what to close when the worker ends."""

    application: WSGIApplication
    close: Callable[[], None]


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: a free one) before any worker exists, so that
    an address already in use is one sentence, as it is for one process; it holds the port
    while the workers listen on it with sockets of their own (``SO_REUSEPORT``)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        # First without SO_REUSEPORT, which any socket already on the port refuses, even
        # another server's workers that listen with it: two servers never share a port.
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
            address = probe.getsockname()
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)
        except OSError:
            sock.close()
            raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(
            f"cannot listen on {host}:{port} ({reason}); set RISKBRIEF_SERVE_HOST and "
            "RISKBRIEF_SERVE_PORT (or --host/--port) to a free address"
        ) from None
    return sock


# The request each worker thread is answering, noted by gunicorn's ``pre_request`` hook
# (``_note_request``): a body refused unread marks it to close. gunicorn decides whether to keep
# the connection as soon as the answer is written, before ``post_request`` runs; a connection
# kept after a refusal had gunicorn drain the unread body (a declared 10**12 bytes: until the
# client stopped or the read timed out), holding a thread. waitress closes it too.
_ANSWERING = threading.local()


def _note_request(_worker: Any, request: Any) -> None:
    """gunicorn's ``pre_request`` hook: the request this thread answers next."""
    _ANSWERING.request = request


def _refuse(start_response: StartResponse, path: str | None) -> Iterable[bytes]:
    request = getattr(_ANSWERING, "request", None)
    if request is not None:
        # gunicorn's own flag: the answer then says ``Connection: close`` and the socket closes.
        request.must_close = True
    data = json.dumps({"error": refusal_sentence(413, path, "")}).encode()
    start_response(
        "413 Content Too Large",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def limit_bodies(application: WSGIApplication, max_body: int) -> WSGIApplication:
    """``application`` behind waitress's body limit, which gunicorn does not have.

    A body declared over ``max_body`` bytes is refused unread; a chunked one is read until it
    passes the limit (then refused) or ends, and handed on with its length, as waitress does,
    so the application's own 1 MiB check sees it too.
    """

    def gated(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        declared = environ.get("CONTENT_LENGTH")
        if declared:
            with contextlib.suppress(ValueError):
                if int(declared) > max_body:
                    return _refuse(start_response, path)
            return application(environ, start_response)
        if "chunked" not in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
            return application(environ, start_response)
        body = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
        stream = environ["wsgi.input"]
        size = 0
        while chunk := stream.read(65536):
            size += len(chunk)
            if size > max_body:
                body.close()
                return _refuse(start_response, path)
            body.write(chunk)
        body.seek(0)
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        try:
            answer = application(environ, start_response)
        except BaseException:
            body.close()
            raise
        return _closing(answer, body)

    return gated


def _closing(answer: Iterable[bytes], body: Any) -> Iterable[bytes]:
    """The application's answer, then the spooled body closed (PEP 3333: after ``close``)."""
    try:
        yield from answer
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()
        body.close()


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
            "pre_request": _note_request,
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


def _die_with_parent(parent: int) -> None:
    """Ask Linux to end this process (SIGTERM) when the one that forked it dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)


def supervise(
    plan: WorkerPlan,
    listener: socket.socket,
    build: Callable[[], Built],
    start: Callable[[], Callable[[], None]],
) -> None:
    """The workers' arbiter (``run_workers``) in a child process, and ``start``'s work (the
    scheduler) in this one, until SIGTERM or Ctrl-C, or until the arbiter ends; ``start``
    returns what stops that work.

    The arbiter is forked before the scheduler starts a thread, and it never reaps the
    scheduler's own subprocesses (git) as it waits for its workers.
    """
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        code = 1
        try:
            _die_with_parent(parent)
            run_workers(plan, listener, build)
            code = 0
        except StoreError as exc:
            print(f"Error: {exc}", file=sys.stderr, flush=True)
        except BaseException:
            log.exception("serve.workers_failed")
        finally:
            os._exit(code)
    # The arbiter holds the port now: this process has no part in answering on it.
    listener.close()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("serve.stopping", signal=signal.Signals(signum).name)
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGTERM)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    status: int | None = None
    try:
        stop_work = start()
        try:
            while status is None and not stop.wait(0.5):
                status = _ended(child)
        finally:
            stop_work()
        if status is None:
            # Stopping: the arbiter lets its workers finish their requests first.
            status = _wait(child, GRACEFUL_SECONDS + 10)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if status is None:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
    if status != 0 and not stop.is_set():
        raise StoreError(
            f"the web workers stopped with exit status {status}; the reason is logged above"
        )


def _ended(child: int) -> int | None:
    """The child's exit code if it has ended, else ``None``."""
    pid, raw = os.waitpid(child, os.WNOHANG)
    return os.waitstatus_to_exitcode(raw) if pid else None


def _wait(child: int, seconds: float) -> int | None:
    """The child's exit code once it has ended, or ``None`` after ``seconds``."""
    for _ in range(int(seconds * 10)):
        status = _ended(child)
        if status is not None:
            return status
        time.sleep(0.1)
    return None
