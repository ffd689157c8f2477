"""Fixtures for the doctor tests: a store, each service's local fake, doctor run in-process."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from fakes.anthropic_server import FakeAnthropic
from fakes.github_rest import FakeGitHubRest
from fakes.slack_server import FakeSlack
from fakes.smtp_server import USERNAME, FakeSMTP
from tests.stores import migrated_copy

ROOT = Path(__file__).resolve().parents[3]
BOT_TOKEN = "xoxb-doctor-bot-0123456789"
APP_TOKEN = "xapp-1-A0DOCTOR-0123456789"
SIGNING_SECRET = "doctor-signing-secret-value"
GITHUB_TOKEN = "ghp_doctorTOKEN0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-api03-doctor-key-0123456789"
SMTP_PASSWORD = "doctor-smtp-password-9"
WEB_KEYS = "doctor-web-key-0123456789abcdef"
SECRETS = (
    BOT_TOKEN,
    APP_TOKEN,
    SIGNING_SECRET,
    GITHUB_TOKEN,
    ANTHROPIC_KEY,
    SMTP_PASSWORD,
    WEB_KEYS,
)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite store and the sample organisation's riskbrief.toml, in the environment."""
    db = migrated_copy(tmp_path / "riskbrief.db")
    toml = tmp_path / "riskbrief.toml"
    sample = files("data.sources.sample") / "sample.toml"
    # The sample's repository read from a local clone, so that something reads it.
    clone = tmp_path / "platform"
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    # With a release tag: a clone without any is warned about (no deploy is read from it).
    who = ["-c", "user.name=Ann", "-c", "user.email=ann@example.com"]
    subprocess.run(
        ["git", "-C", str(clone), *who, "commit", "-q", "--allow-empty", "-m", "Start"], check=True
    )
    subprocess.run(["git", "-C", str(clone), "tag", "v1.0"], check=True)
    text = sample.read_text(encoding="utf-8").replace(
        'url = "https://github.com/acme/platform"', f'path = "{clone}"'
    )
    toml.write_text(text, encoding="utf-8")
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(toml))
    return db


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API, granting the manifest's scopes."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def github() -> Iterator[FakeGitHubRest]:
    """The fake GitHub REST API, accepting ``GITHUB_TOKEN``."""
    with FakeGitHubRest(tokens=(GITHUB_TOKEN,), remaining=4321) as fake:
        yield fake


@pytest.fixture
def claude() -> Iterator[FakeAnthropic]:
    """The fake Anthropic API."""
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[FakeSMTP]:
    """The fake SMTP server: STARTTLS and login required."""
    with FakeSMTP(tmp_path, password=SMTP_PASSWORD) as server:
        yield server


@pytest.fixture
def everything(
    store: Path,
    slack: FakeSlack,
    github: FakeGitHubRest,
    claude: FakeAnthropic,
    smtp: FakeSMTP,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every service configured, each pointed at its fake, with working credentials."""
    assert store.exists()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.base_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "GITHUB_API_URL": github.url,
        "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
        "ANTHROPIC_BASE_URL": claude.url,
        "RISKBRIEF_SMTP_HOST": smtp.host,
        "RISKBRIEF_SMTP_PORT": str(smtp.port),
        "RISKBRIEF_SMTP_USERNAME": USERNAME,
        "RISKBRIEF_SMTP_PASSWORD": SMTP_PASSWORD,
        "RISKBRIEF_SMTP_FROM": "riskbrief@acme.example",
        "SSL_CERT_FILE": str(smtp.ca_file),
        "RISKBRIEF_WEB_KEYS": WEB_KEYS,
        "RISKBRIEF_WEB_URL": "https://riskbrief.acme.example/web",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def doctor(*args: str) -> Result:
    """Run `riskbrief doctor` in-process and check no secret appears in anything it printed."""
    result = CliRunner().invoke(main, ["doctor", *args])
    for secret in SECRETS:
        assert secret not in result.output
    assert "Traceback" not in result.output
    return result


def line_of(result: Result, name: str) -> str:
    """The one line of check ``name``."""
    (line,) = [x for x in result.stdout.splitlines() if re.match(rf"\w+\s+{name}:", x)]
    return line
