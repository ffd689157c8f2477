"""`riskbrief serve`: one sentence for a missing or refused Slack setting, a clean SIGTERM."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.runtime.server import HttpServer, wsgi_application
from data.store.engine import make_engine
from data.store.migrate import upgrade
from fakes.slack_server import FakeSlack, signed_headers
from tests import local_http
from tests.bot.serve_process import serve_env, start_serve, stop_serve
from tests.stores import migrated_copy

# One service and no subscribers: the scheduler has nothing to deliver.
CONFIG = """
[organisation]
name = "Tiny"
[[services]]
key = "api"
"""
SECRET = "serve-test-secret"


@pytest.fixture
def store(tmp_path: Path) -> dict[str, str]:
    """A migrated SQLite store and a config file, as the environment names them."""
    db = migrated_copy(tmp_path / "riskbrief.db")
    (tmp_path / "riskbrief.toml").write_text(CONFIG)
    return {
        "RISKBRIEF_DATABASE_URL": f"sqlite:///{db}",
        "RISKBRIEF_CONFIG": str(tmp_path / "riskbrief.toml"),
    }


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API."""
    with FakeSlack() as fake:
        yield fake


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_SIGNING_SECRET": "s3cret"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
    ],
)
def test_missing_setting_is_one_sentence_naming_it(
    store: dict[str, str], env: dict[str, str], variable: str
) -> None:
    """A missing Slack variable ends serve with one line that names it, and no traceback."""
    result = CliRunner().invoke(main, ["serve"], env={**store, **env})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {variable} ")
    assert "Traceback" not in result.output


def test_refused_bot_token_is_one_sentence(store: dict[str, str], slack: FakeSlack) -> None:
    """A bot token Slack refuses (auth.test invalid_auth) ends serve before it listens."""
    slack.fail_next("auth.test", error="invalid_auth")
    env = {
        **store,
        "SLACK_BOT_TOKEN": "xoxb-revoked",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.base_url,
    }
    result = CliRunner().invoke(main, ["serve", "--port", "1"], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: Slack did not accept SLACK_BOT_TOKEN (invalid_auth); copy the Bot User OAuth "
        "Token from your app's OAuth & Permissions page"
    )


def test_refused_app_token_in_socket_mode_is_one_sentence(
    store: dict[str, str], slack: FakeSlack
) -> None:
    """With SLACK_APP_TOKEN set serve uses Socket Mode; a token Slack refuses ends in one line."""
    slack.fail_next("apps.connections.open", error="invalid_auth")
    env = {
        **store,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-revoked",
        "SLACK_API_URL": slack.base_url,
    }
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert result.exit_code == 1
    assert result.output.strip().startswith(
        "Error: Slack did not accept SLACK_APP_TOKEN (invalid_auth); generate an app-level token"
    )
    assert [m for m, _ in slack.calls] == ["auth.test", "apps.connections.open"]


def test_serve_answers_then_stops_cleanly_on_sigterm(
    store: dict[str, str], slack: FakeSlack
) -> None:
    """The real command serves /healthz and signed Slack requests, and exits 0 on SIGTERM."""
    extra = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.base_url,
    }
    proc, url = start_serve(serve_env({**store, "RISKBRIEF_LOG_LEVEL": "info", **extra}))
    try:
        health = local_http.get(url + "/healthz", timeout=1)
        assert health.json()["status"] == "ok"
        body = b"command=%2Frisk&text=help&user_id=U1&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fx"
        ok = local_http.post(
            url + "/slack/events", content=body, headers=signed_headers(SECRET, body)
        )
        assert ok.status_code == 200
        assert "Usage" in ok.text or "riskbrief" in ok.text
        forged = local_http.post(
            url + "/slack/events", content=body, headers=signed_headers("forged", body)
        )
        assert forged.status_code == 401
    finally:
        out, err = stop_serve(proc)
    assert proc.returncode == 0, err
    assert f"HTTP mode on {url}/slack/events" in out
    assert '"event": "serve.stopped"' in err
    assert "Traceback" not in err


def test_without_any_slack_setting_the_web_role_serves_the_rest(store: dict[str, str]) -> None:
    """No Slack variable at all: serve still starts (MCP, webhooks, /deploys and email or
    Teams briefings need no Slack), says Slack is off, and /slack/events is not found."""
    proc, url = start_serve(serve_env({**store, "RISKBRIEF_LOG_LEVEL": "info"}))
    try:
        assert local_http.get(url + "/healthz", timeout=1).json()["status"] == "ok"
        assert local_http.post(url + "/slack/events", content=b"x=1").status_code == 404
    finally:
        out, err = stop_serve(proc)
    assert proc.returncode == 0, err
    assert "Slack is off (SLACK_BOT_TOKEN is not set)" in out
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("break_it", "reason"),
    [
        pytest.param("unmigrated", "not migrated", id="unmigrated-store"),
        pytest.param("config", "is not valid TOML", id="broken-config"),
    ],
)
def test_readyz_says_what_keeps_the_process_from_serving(
    tmp_path: Path, break_it: str, reason: str
) -> None:
    """/readyz is 503 naming the store or the organisation file; /healthz stays 200."""
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    if break_it != "unmigrated":
        upgrade(engine)
    config = tmp_path / "riskbrief.toml"
    config.write_text("organisation = [" if break_it == "config" else "", encoding="utf-8")
    server = HttpServer(wsgi_application(None, engine, config=config), "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        ready = local_http.get(f"{server.url}/readyz", timeout=10)
        health = local_http.get(f"{server.url}/healthz", timeout=10)
    finally:
        server.stop()
        thread.join(timeout=10)
        engine.dispose()
    assert ready.status_code == 503
    assert reason in json.dumps(ready.json())
    assert health.status_code == 200


def test_the_serve_module_loads_no_web_endpoint_until_one_is_built() -> None:
    """A scheduler replica imports neither the MCP SDK, bolt, nor the PR check's modules."""
    probe = (
        "import sys, bot.runtime.serve; "
        "print(sorted(m for m in ('mcp', 'slack_bolt', 'bot.github', 'bot.gitlab', "
        "'bot.bitbucket', 'bot.checks.registry', 'bot.checks.webhook', 'bot.mcp.http', "
        "'bot.ci.coverage') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
