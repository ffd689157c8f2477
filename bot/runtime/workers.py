"""``riskbrief serve --workers N``: the web role's HTTP side in N processes behind one port.

gunicorn's arbiter (kept, pre-fork; Linux) holds the port, forks N workers and replaces one
that dies; each worker listens on the port with a socket of its own (``SO_REUSEPORT``: the
kernel spreads connections evenly over them) and answers on ``THREADS`` threads. A worker
builds its own application after the fork (``build``): its own engine and connection pool,
its own ``/mcp`` event loop and Slack app, so no connection, pool or thread crosses a fork.
The arbiter runs no application code and never a scheduler: with ``--role all`` the
scheduler runs in the process that started the arbiter (``bot.runtime.supervisor``),
exactly one per replica, as without workers.

What waitress does for one process is done here too: a body over the limit is refused in
JSON before the application reads it (``bot.runtime.body_limit``), and gunicorn's own
refusals of a malformed request are ``{"error": …}`` sentences (``bot.runtime.arbiter``,
which embeds gunicorn). SIGTERM stops the workers' accepting, lets each finish its requests
(``GRACEFUL_SECONDS``) and closes what it built. This module holds the plan, what a worker
builds, and the port held before any worker exists.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from wsgiref.types import WSGIApplication

from scoring.errors import ConfigError

__all__ = [
    "GRACEFUL_SECONDS",
    "THREADS",
    "Built",
    "WorkerPlan",
    "listen",
]

# Threads per worker: a page holds the GIL for most of its time, so more threads in one
# process add queueing, not throughput; these cover the waits on PostgreSQL and Slack.
THREADS = 8
# How long a worker may take to finish its requests after SIGTERM before it is killed.
GRACEFUL_SECONDS = 30


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
