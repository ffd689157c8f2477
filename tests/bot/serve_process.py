"""The real `riskbrief serve` as a process: started on a free port, waited for, stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from tests import local_http

__all__ = ["free_port", "serve_env", "start_serve", "stop_serve"]

# A developer's own settings never reach the process: only what a test gives it.
_OWN = ("SLACK_", "RISKBRIEF_", "ANTHROPIC_", "GITHUB_")


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve_env(settings: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without riskbrief's and its services' settings, plus
    ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN)}
    return env | dict(settings)


def start_serve(env: Mapping[str, str], *args: str) -> tuple[subprocess.Popen[str], str]:
    """`riskbrief serve ARGS` on a free port of 127.0.0.1, once /healthz answers; its URL."""
    port = free_port()
    riskbrief = str(Path(sys.executable).with_name("riskbrief"))
    proc = subprocess.Popen(
        [riskbrief, "serve", *args, "--host", "127.0.0.1", "--port", str(port)],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            local_http.get(url + "/healthz", timeout=1)
            return proc, url
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"serve did not listen: {proc.communicate()[1]}") from None
            time.sleep(0.1)


def stop_serve(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM, then what the process printed (stdout, stderr); killed if not gone in 30 s."""
    try:
        proc.send_signal(signal.SIGTERM)
        return proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()
