"""The web view and ``/mcp`` at ``CONCURRENT`` readers through the real ``riskbrief serve``.

Issue 51's target: on the 100,000-change store on PostgreSQL, p99 ≤ 500 ms for 50 readers
at once of the web view, and of MCP, with no error. ``bench.web --workers N`` runs it: the
store it generated is served by ``riskbrief serve --role web --workers W`` (a process of its
own, as in production: ``W`` of 1 is the one-process waitress server, above 1 gunicorn's
workers) for each ``W`` asked, with the web view and ``/mcp`` on behind one bearer token.
Each reader is a thread of this process; ``ROUNDS`` times, ``CONCURRENT`` of them are
released at once (a barrier) on random pages, or on random MCP tool calls, after one
untimed round that warms every worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

__all__ = [
    "CONCURRENT",
    "ROUNDS",
    "TARGET_P99_MS",
    "Burst",
    "McpCall",
    "Served",
    "served",
    "table",
    "time_served",
]

CONCURRENT = 50
ROUNDS = 4
TARGET_P99_MS = 500.0
TOKEN = "bench-web-served-token-0123456789abcdef"
_WEB_KEYS = "bench-web-served-key-0123456789abcdef0123456789abcdef"
_HEADERS = {"Authorization": f"Bearer {TOKEN}"}
_MCP_HEADERS = {
    **_HEADERS,
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}

# One MCP tool call: its tool's name and arguments.
McpCall = tuple[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Burst:
    """One reader's kind (``web view`` or ``MCP``) at one worker count: times and errors."""

    reader: str
    workers: int
    times: tuple[float, ...]
    errors: tuple[str, ...]
    # CPU time the server's processes spent per call (user and system, all its processes):
    # what a call costs whatever else the machine is doing.
    cpu_ms: float = 0.0

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the times, in milliseconds (nearest rank)."""
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    @property
    def met(self) -> bool:
        """p99 within the target and no error."""
        return not self.errors and self.quantile(0.99) <= TARGET_P99_MS


def _cpu_seconds(root: int) -> float:
    """User and system CPU seconds of ``root`` and every process under it (Linux's /proc)."""
    parents: dict[int, int] = {}
    spent: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(spent.get(pid, 0.0) for pid in tree)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Served:
    """A running ``riskbrief serve``: its URL and the process started."""

    url: str
    pid: int


@contextmanager
def served(
    database_url: str, config: Path, workers: int, said: list[str] | None = None
) -> Iterator[Served]:
    """``riskbrief serve --role web --workers W`` on ``database_url``; its URL once ready.

    What the server logged at warning level or above is added to ``said`` once it stopped."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RISKBRIEF_", "SLACK_"))}
    env |= {
        "RISKBRIEF_DATABASE_URL": database_url,
        "RISKBRIEF_CONFIG": str(config),
        "RISKBRIEF_MCP_TOKENS": f"*:{TOKEN}",
        "RISKBRIEF_WEB_KEYS": _WEB_KEYS,
        "RISKBRIEF_LOG_LEVEL": "warning",
    }
    riskbrief = str(Path(sys.executable).with_name("riskbrief"))
    command = [riskbrief, "serve", "--role", "web", "--workers", str(workers)]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    err.seek(0)
                    raise RuntimeError(f"serve did not start: {err.read().decode()[-2000:]}")
                time.sleep(0.2)
            yield Served(url, proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if said is not None:
                err.seek(0)
                said += [line for line in err.read().decode().splitlines() if line.strip()]


def _burst(
    http: httpx.Client, send: Callable[[httpx.Client, int], str | None], rounds: int
) -> tuple[list[float], list[str]]:
    """``rounds`` times ``CONCURRENT`` calls of ``send`` released at once; times and errors."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    for r in range(rounds):
        gate = threading.Barrier(CONCURRENT)

        def one(i: int, gate: threading.Barrier = gate, r: int = r) -> None:
            gate.wait()
            began = time.perf_counter()
            try:
                error = send(http, r * CONCURRENT + i)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__} {exc}"
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                times.append(elapsed)
                if error is not None:
                    errors.append(error)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(CONCURRENT)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return times, errors


def _page(path: Callable[[], str]) -> Callable[[httpx.Client, int], str | None]:
    def send(http: httpx.Client, _n: int) -> str | None:
        wanted = path()
        answer = http.get(wanted, headers=_HEADERS)
        if answer.status_code != 200 or not answer.content:
            return f"{wanted}: {answer.status_code}"
        return None

    return send


def _mcp(call: Callable[[], McpCall]) -> Callable[[httpx.Client, int], str | None]:
    def send(http: httpx.Client, n: int) -> str | None:
        name, arguments = call()
        answer = http.post(
            "/mcp",
            json={
                "jsonrpc": "2.0",
                "id": n,
                "method": "tools/call",
                "params": {"name": name, "arguments": arguments},
            },
            headers=_MCP_HEADERS,
        )
        if answer.status_code != 200:
            return f"{name}: {answer.status_code}"
        body = answer.json()
        if "result" not in body or body["result"].get("isError"):
            return f"{name} {arguments}: {str(body)[:200]}"
        return None

    return send


def time_served(
    database_url: str,
    config: Path,
    workers: tuple[int, ...],
    page: Callable[[], str],
    call: Callable[[], McpCall],
    rounds: int = ROUNDS,
    say: Callable[[str], None] = print,
) -> list[Burst]:
    """For each worker count, ``CONCURRENT`` readers of the web view, then of MCP."""
    out = []
    for count in workers:
        started = time.perf_counter()
        said: list[str] = []
        with (
            served(database_url, config, count, said) as server,
            httpx.Client(
                base_url=server.url,
                timeout=120,
                limits=httpx.Limits(max_connections=CONCURRENT * 2),
            ) as http,
        ):
            say(f"serve --workers {count}: ready in {time.perf_counter() - started:.1f} s")
            for reader, send in (("web view", _page(page)), ("MCP", _mcp(call))):
                # One untimed round: every worker compiles its templates and fills its caches.
                _burst(http, send, 1)
                before = _cpu_seconds(server.pid)
                times, errors = _burst(http, send, rounds)
                cpu_ms = (_cpu_seconds(server.pid) - before) * 1000 / max(1, len(times))
                out.append(Burst(reader, count, tuple(times), tuple(errors), cpu_ms))
        # waitress says when its queue grows, as it does in every burst: counted, not shown.
        queued = [line for line in said if "waitress.queue" in line]
        if queued:
            say(f"  serve --workers {count}: waitress logged its queue growing {len(queued)} times")
        for line in [line for line in said if "waitress.queue" not in line][-10:]:
            say(f"  serve --workers {count} logged: {line[:300]}")
    return out


def table(bursts: list[Burst]) -> str:
    """The bursts as a Markdown table."""
    rows = [
        f"| reader | workers | calls | p50 ms | p95 ms | p99 ms | max ms | errors "
        f"| server CPU ms per call | target p99 ≤ {TARGET_P99_MS:.0f} ms, no error |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for b in bursts:
        rows.append(
            f"| {b.reader} | {b.workers} | {len(b.times)} | {b.quantile(0.5):.0f} "
            f"| {b.quantile(0.95):.0f} | {b.quantile(0.99):.0f} | {max(b.times):.0f} "
            f"| {len(b.errors)} | {b.cpu_ms:.0f} | {'met' if b.met else '**missed**'} |"
        )
    return "\n".join(rows)
