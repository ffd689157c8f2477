"""`riskbrief brief --send` end to end on the sample organisation, against fake Slack and SMTP."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from bot.cli import main
from fakes.env import delivery_env
from fakes.slack_server import FakeSlack
from fakes.smtp_server import FakeSMTP

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TOKEN = "xoxb-test-token-0123456789"
SENDER = "riskbrief@acme.example"
SLACK_USERS = ("U04VPENG01", "U05COMLEAD", "U06DISCLD1")
EMAILS = (
    "dana.whitfield@acme.example",
    "lena.hoffmann@acme.example",
    "platform-lead@acme.example",
)


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder one `riskbrief demo` run wrote, its store included, for the tests to copy."""
    out = tmp_path_factory.mktemp("demo") / "out"
    with time_machine.travel(NOW, tick=True):
        demo = CliRunner().invoke(main, ["demo", "--out", str(out), "--as-of", "2026-11-23"])
    assert demo.exit_code == 0, demo.output
    return out


@pytest.fixture
def demo_store(demo_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of what `riskbrief demo` wrote; the environment points the CLI at it and its toml."""
    out = shutil.copytree(demo_output, tmp_path / "out")
    toml = tmp_path / "riskbrief.toml"
    sample = files("data.sources.sample") / "sample.toml"
    toml.write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{out / 'demo.db'}")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(toml))
    return out / "demo.db"


@pytest.mark.usefixtures("demo_store")
def test_brief_send_delivers_the_sample_org_once(
    slack: FakeSlack, smtp: FakeSMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`riskbrief brief --send` twice sends each briefing exactly once, secrets unprinted."""
    env = delivery_env(slack, smtp, token=TOKEN, sender=SENDER)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    first = runner.invoke(main, ["brief", "--send"])
    assert first.exit_code == 0, first.output
    assert "Sent 6 of 6 deliveries for 2026-W47." in first.output
    again = runner.invoke(main, ["brief", "--send", "--subscriber", "commerce-lead"])
    assert again.exit_code == 0, again.output
    assert "commerce-lead slack: skipped — already sent" in again.output
    assert all(len(slack.messages(u)) == 1 for u in SLACK_USERS)
    assert all(len(smtp.to(a)) == 1 for a in EMAILS)
    assert TOKEN not in first.output + again.output
    assert smtp.password not in first.output + again.output


@pytest.mark.usefixtures("demo_store")
def test_brief_send_without_settings_names_the_variables() -> None:
    """`brief --send` with neither Slack nor SMTP configured says in one line what to set."""
    with time_machine.travel(NOW, tick=True):
        result = CliRunner().invoke(main, ["brief", "--send"])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert "SLACK_BOT_TOKEN" in line
    assert "RISKBRIEF_SMTP_HOST" in line


@pytest.mark.usefixtures("demo_store")
def test_brief_send_refuses_a_week() -> None:
    """`--send` only sends the last complete week, so `--week` with it is a usage error."""
    result = CliRunner().invoke(main, ["brief", "--send", "--week", "2026-W40"])
    assert result.exit_code == 2
    assert "--send delivers the last complete week" in result.output


def _closed_port() -> int:
    """A local port nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.usefixtures("demo_store")
def test_a_failed_send_by_hand_is_told_once_without_a_log_line_or_a_retry_promise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An SMTP server that refuses: each failure is a report line, no JSON log line, no
    "retried later" (nothing retries a one-shot command), and one closing sentence, exit 1."""
    monkeypatch.setenv("RISKBRIEF_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RISKBRIEF_SMTP_PORT", str(_closed_port()))
    monkeypatch.setenv("RISKBRIEF_SMTP_FROM", SENDER)
    monkeypatch.delenv("RISKBRIEF_LOG_LEVEL", raising=False)
    with time_machine.travel(NOW, tick=True):
        result = CliRunner().invoke(main, ["brief", "--send"])
    assert result.exit_code == 1, result.output
    assert "email: failed — the SMTP server 127.0.0.1" in result.stdout
    assert "retried later" not in result.output
    assert "{" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: 3 deliveries failed as said above; mend what it says and run")


def test_a_placeholder_address_is_refused_before_anything_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp: FakeSMTP
) -> None:
    """quickstart's reader `me` at me@example.com: `brief --send` sends nothing and says in
    one sentence what to put in riskbrief.toml, exit 1."""
    from tests.stores import migrated_copy

    toml = tmp_path / "riskbrief.toml"
    toml.write_text(
        '[organisation]\nname = "Shop"\n\n[[subscribers]]\nkey = "me"\nemail = "me@example.com"\n',
        encoding="utf-8",
    )
    migrated_copy(tmp_path / "riskbrief.db")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(toml))
    monkeypatch.delenv("RISKBRIEF_DATABASE_URL", raising=False)
    monkeypatch.setenv("RISKBRIEF_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RISKBRIEF_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("RISKBRIEF_SMTP_FROM", SENDER)
    monkeypatch.setenv("RISKBRIEF_SMTP_STARTTLS", "false")
    result = CliRunner().invoke(main, ["brief", "--send"])
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert "subscriber me's email me@example.com is a placeholder" in line
    assert "nothing was sent: put a real email address" in line
    assert smtp.messages == []
