"""`riskbrief serve` as replicas: roles, several started at once, one leader, health and metrics."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from data.store.engine import make_engine
from data.store.migrate import upgrade
from tests import local_http

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _environment(database_url: str, config: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "RISKBRIEF_", "ANTHROPIC_", "GITHUB_"))
    }
    return env | {
        "RISKBRIEF_DATABASE_URL": database_url,
        "RISKBRIEF_CONFIG": str(config),
        "RISKBRIEF_LOG_LEVEL": "info",
    }


def _start(env: dict[str, str], role: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("riskbrief")),
            "serve",
            "--role",
            role,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait_ready(proc: subprocess.Popen[str], url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if local_http.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}: {proc.communicate()[1]}")
        assert time.monotonic() < deadline, "serve did not become ready"
        time.sleep(0.1)


def _metric(url: str, name: str) -> float:
    text = local_http.get(url + "/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def _stop(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    results = []
    for proc in procs:
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        results.append((proc.returncode, err))
    return results


def test_scheduler_role_needs_no_slack_settings(tmp_path: Path) -> None:
    """`serve --role scheduler` starts without any Slack variable, leads, and reports it."""
    url_db = f"sqlite:///{tmp_path / 'riskbrief.db'}"
    engine = make_engine(url_db)
    upgrade(engine)
    engine.dispose()
    config = tmp_path / "riskbrief.toml"
    config.write_text(CONFIG, encoding="utf-8")
    proc, url = _start(_environment(url_db, config), "scheduler")
    try:
        _wait_ready(proc, url)
        assert local_http.get(url + "/healthz", timeout=5).json() == {"status": "ok"}
        # The scheduler's first heartbeat or tick sets the gauge.
        deadline = time.monotonic() + 20
        while _metric(url, "riskbrief_scheduler_leader") != 1.0:
            assert time.monotonic() < deadline, "the scheduler never reported leading"
            time.sleep(0.2)
        assert _metric(url, "riskbrief_oldest_claim_age_seconds") == 0.0
        assert local_http.post(url + "/slack/events", content=b"x", timeout=5).status_code == 404
    finally:
        [(code, err)] = _stop([proc])
    assert code == 0, err
    assert "Traceback" not in err
    assert '"role": "scheduler"' in err


def test_unknown_role_is_refused_in_one_sentence(tmp_path: Path) -> None:
    """A misspelled role names the ones there are."""
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("riskbrief")), "serve", "--role", "schedular"],
        capture_output=True,
        text=True,
        env=_environment(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "riskbrief.toml"),
        timeout=60,
    )
    assert proc.returncode == 2
    assert "'all', 'web', 'scheduler'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_replicas_started_together_on_a_fresh_store_all_serve_and_one_leads(
    database_url: str, tmp_path: Path
) -> None:
    """Four schedulers started at once on a freshly migrated store: none crashes, one leads."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    config = tmp_path / "riskbrief.toml"
    config.write_text(CONFIG, encoding="utf-8")
    env = _environment(database_url, config)
    started = [_start(env, "scheduler") for _ in range(4)]
    procs = [p for p, _ in started]
    try:
        for proc, url in started:
            _wait_ready(proc, url)
        deadline = time.monotonic() + 30
        while True:
            leaders = sum(_metric(url, "riskbrief_scheduler_leader") for _, url in started)
            if leaders == 1:
                break
            assert leaders <= 1, "two replicas lead at once"
            assert time.monotonic() < deadline, "no replica took the lead"
            time.sleep(0.2)
        terms = {_metric(url, "riskbrief_scheduler_term") for _, url in started}
        assert terms == {0.0, 1.0}
    finally:
        results = _stop(procs)
    for code, err in results:
        assert code == 0, err
        assert "Traceback" not in err
