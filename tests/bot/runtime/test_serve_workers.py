"""`riskbrief serve --workers N`: several processes behind one port, one scheduler, one SIGTERM."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from werkzeug.test import Client
from werkzeug.wrappers import Response

from bot.cli import main
from bot.runtime.body_limit import limit_bodies
from bot.runtime.server import BODY_LIMIT
from tests import local_http
from tests.bot.serve_process import serve_env, start_serve, stop_serve

CONFIG = """
[organisation]
name = "Tiny"
[[services]]
key = "api"
[[subscribers]]
key = "lead"
name = "Lead"
timezone = "Europe/Berlin"
email = "lead@example.com"
"""
TOKEN = "workers-test-token-0123456789abcdef"
MCP_HEADERS = {
    "Authorization": f"Bearer {TOKEN}",
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started, from Linux's /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent is the second field after the command, which is in parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _holder(pids: list[int], server_port: int, client_port: int) -> int | None:
    """Which of ``pids`` holds the server's end of the connection from ``client_port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


def _answered_by(url: str, workers: list[int]) -> int | None:
    """The worker that answers one request on a connection of its own."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.1 200")
        return _holder(workers, port, conn.getsockname()[1])


def _raw(url: str, request: bytes) -> tuple[bytes, bytes]:
    """What the server answers to ``request`` sent as it is; its head and body."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, body


@pytest.fixture
def store(engine: Engine, database_url: str, tmp_path: Path) -> dict[str, str]:
    """A migrated store and the settings of a web role with the web view and /mcp on."""
    # ``engine``'s store is at head and empty already, far faster than migrating anew.
    del engine
    config = tmp_path / "riskbrief.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return {
        "RISKBRIEF_DATABASE_URL": database_url,
        "RISKBRIEF_CONFIG": str(config),
        "RISKBRIEF_LOG_LEVEL": "info",
        "RISKBRIEF_MCP_TOKENS": f"*:{TOKEN}",
        "RISKBRIEF_WEB_KEYS": "workers-test-web-key-0123456789abcdef0123456789",
    }


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_workers_answer_behind_one_port_with_one_scheduler(store: dict[str, str]) -> None:
    """`serve --workers 2` on PostgreSQL: two worker processes answer, the web view, /mcp and
    the probes answer, one process leads the scheduler, a second server on the port is
    refused, refusals are JSON, and SIGTERM ends every process."""
    proc, url = start_serve(serve_env(store), "--workers", "2")
    try:
        deadline = time.monotonic() + 60
        while local_http.get(url + "/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "the workers never became ready"
            time.sleep(0.2)
        [arbiter] = _children(proc.pid)
        workers = _children(arbiter)
        assert len(workers) == 2
        # Connections opened at once spread over the workers: each is seen answering.
        seen: set[int | None] = set()
        with ThreadPoolExecutor(16) as pool:
            for _ in range(10):
                seen |= set(pool.map(lambda _: _answered_by(url, workers), range(16)))
                if seen >= set(workers):
                    break
        assert seen == set(workers)
        web = local_http.get(
            url + "/web/", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        assert web.status_code == 200
        assert "the whole organisation" in web.text
        listed = local_http.post(
            url + "/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers=MCP_HEADERS,
            timeout=30,
        )
        assert listed.status_code == 200
        assert "change_risk" in {t["name"] for t in listed.json()["result"]["tools"]}
        # The one scheduler's gauges reach /metrics whichever worker answers.
        deadline = time.monotonic() + 30
        while "riskbrief_scheduler_leader 1.0" not in local_http.get(url + "/metrics").text:
            assert time.monotonic() < deadline, "no process reported leading"
            time.sleep(0.2)
        assert "riskbrief_scheduler_term 1.0" in local_http.get(url + "/metrics").text
        # A second server on the same port is refused, though the workers share theirs.
        port = url.rsplit(":", 1)[1]
        second = subprocess.run(
            [str(Path(sys.executable).with_name("riskbrief")), "serve", "--workers", "2"],
            env=serve_env(store)
            | {"RISKBRIEF_SERVE_HOST": "127.0.0.1", "RISKBRIEF_SERVE_PORT": port},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 1
        assert second.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port} (")
        # What the workers refuse themselves is one JSON sentence, as with one process.
        head, body = _raw(url, b"NOT A REQUEST\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400")
        assert json.loads(body)["error"].startswith("the request was refused (")
        head, body = _raw(
            url, b"POST /deploys HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n"
        )
        assert head.startswith(b"HTTP/1.1 413")
        assert json.loads(body) == {"error": "body too large"}
        # Closed at once, not kept open for a body nobody will read (``_raw`` reads to the end).
        assert b"connection: close" in head.lower()
    finally:
        _, err = stop_serve(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    taken = [e for e in events if e["event"] == "leadership.taken"]
    assert len(taken) == 1
    assert f"-{proc.pid}-" in taken[0]["holder"]
    assert not [e for e in events if e["event"] == "leadership.following"]
    assert sorted(e["pid"] for e in events if e["event"] == "serve.worker_started") == sorted(
        workers
    )
    for pid in (arbiter, *workers):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_the_web_role_s_workers_run_no_scheduler(store: dict[str, str]) -> None:
    """`serve --role web --workers 2`: the arbiter is the process started, no one leads."""
    proc, url = start_serve(serve_env(store), "--role", "web", "--workers", "2")
    try:
        deadline = time.monotonic() + 60
        while local_http.get(url + "/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "the workers never became ready"
            time.sleep(0.2)
        assert len(_children(proc.pid)) == 2
        assert "riskbrief_scheduler_leader 0.0" in local_http.get(url + "/metrics").text
    finally:
        out, err = stop_serve(proc)
    assert proc.returncode == 0, err
    assert "web role, 2 workers on" in out
    assert "leadership." not in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "env", "sentence"),
    [
        pytest.param(
            ["--workers", "2"],
            {},
            "Error: --workers 2 needs PostgreSQL (RISKBRIEF_DATABASE_URL=postgresql://…): "
            "SQLite is for one process, so serve it with --workers 1",
            id="sqlite",
        ),
        pytest.param(
            ["--workers", "3", "--role", "scheduler"],
            {},
            "Error: --workers 3 is for the web role (web or all); a scheduler replica is one "
            "process: run more replicas for availability",
            id="scheduler",
        ),
        pytest.param(
            ["--workers", "2"],
            {"RISKBRIEF_DATABASE_URL": "postgresql://x@127.0.0.1:1/none", "SLACK_APP_TOKEN": "x"},
            "Error: --workers 2 serves Slack over HTTP only: unset SLACK_APP_TOKEN for HTTP "
            "mode, or keep Socket Mode with --workers 1",
            id="socket-mode",
        ),
    ],
)
def test_workers_this_replica_cannot_run_are_refused_in_one_sentence(
    tmp_path: Path, args: list[str], env: dict[str, str], sentence: str
) -> None:
    """SQLite, a scheduler replica or Socket Mode with several workers: one sentence, exit 1."""
    base = {"RISKBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = CliRunner().invoke(main, ["serve", *args], env=base | env)
    assert result.exit_code == 1
    assert result.output.strip() == sentence


@pytest.mark.parametrize("value", ["0", "65", "many"])
def test_a_worker_count_out_of_range_is_a_usage_error(tmp_path: Path, value: str) -> None:
    """`--workers 0` (or the variable) is refused in one sentence, with no traceback."""
    for how in (["--workers", value], []):
        result = CliRunner().invoke(
            main,
            ["serve", *how],
            env={
                "RISKBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                "RISKBRIEF_SERVE_WORKERS": value,
            },
        )
        assert result.exit_code == 2
        assert "Invalid value for '--workers'" in result.output
        assert "Traceback" not in result.output


def _echo(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """What the application was handed: the body's declared length and what it read."""
    body = environ["wsgi.input"].read()
    response = Response(
        json.dumps({"length": environ.get("CONTENT_LENGTH"), "read": len(body)}),
        mimetype="application/json",
    )
    return response(environ, start_response)


def _chunked(app: Any, path: str, size: int) -> tuple[str, dict[str, Any]]:
    """``app``'s status and JSON answer to a chunked body of ``size`` bytes (no length)."""
    said: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(b"x" * size),
    }
    body = b"".join(app(environ, lambda status, _headers: said.append(status)))
    return said[0], json.loads(body)


def test_bodies_over_the_limit_are_refused_before_the_application_reads_them() -> None:
    """Declared or chunked, a body over the limit is a JSON 413; under it, the application
    reads it all with its length, as waitress hands it."""
    gated = limit_bodies(_echo, BODY_LIMIT)
    client = Client(gated)
    over = client.post("/deploys", data=b"x" * (BODY_LIMIT + 1))
    assert over.status_code == 413
    assert over.get_json() == {"error": "body too large"}
    at = client.post("/deploys", data=b"x" * BODY_LIMIT)
    assert at.get_json() == {"length": str(BODY_LIMIT), "read": BODY_LIMIT}
    assert _chunked(gated, "/coverage", BODY_LIMIT) == (
        "200 OK",
        {"length": str(BODY_LIMIT), "read": BODY_LIMIT},
    )
    status, answer = _chunked(gated, "/coverage", BODY_LIMIT + 1)
    assert status == "413 Content Too Large"
    assert answer["error"].startswith("a coverage report must be under")
