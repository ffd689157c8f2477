"""No token, key or password ever shows: not in logs, error sentences, doctor output or the store.

The real `riskbrief` script runs as a user would (a subprocess, debug logging)
with a known fake value for every secret setting, against local fakes that
refuse them: GitHub and PagerDuty and Opsgenie on `sync`, Slack, SMTP and
Anthropic on `brief --send`. Everything it printed, and the SQLite file it
wrote, is then searched for the values and for every token shape.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.logs import TOKEN_PATTERNS
from bot.settings import Settings, load_settings
from fakes.anthropic_server import FakeAnthropic, Reply
from fakes.github_graphql import make_fake_github_graphql
from fakes.github_rest import FakeGitHubRest
from fakes.opsgenie_server import FakeOpsgenie
from fakes.pagerduty_server import FakePagerDuty
from fakes.slack_server import FakeSlack
from fakes.smtp_server import USERNAME, FakeSMTP
from scoring.errors import ConfigError


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


PEM = _pem()

# One known value for every secret setting, each shaped like the real thing.
SECRETS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "xoxb-1111111111-2222222222-LeakCheckBotToken01",
    "SLACK_SIGNING_SECRET": "LeakCheckSigningSecret0123456789ab",
    "SLACK_APP_TOKEN": "xapp-1-A0LEAK-3333333333-LeakCheckAppToken02",
    "ANTHROPIC_API_KEY": "sk-ant-api03-LeakCheckAnthropicKey-0123456789",
    "GITHUB_TOKEN": "ghp_LeakCheckGitHubToken0123456789abcd",
    "GITHUB_APP_PRIVATE_KEY": PEM,
    "PAGERDUTY_TOKEN": "u+LeakCheckPagerDutyToken03",
    "OPSGENIE_API_KEY": "LeakCheck-opsgenie-key-0000-1111",
    "RISKBRIEF_SMTP_PASSWORD": "LeakCheck-smtp-password-04",
    "RISKBRIEF_DEPLOY_SECRET": "LeakCheck-deploy-secret-05",
    # The code hosts' checks read theirs in their own packages (bot.checks.secrets).
    "GITHUB_WEBHOOK_SECRET": "LeakCheck-github-webhook-06",
    "GITLAB_WEBHOOK_SECRET": "LeakCheck-gitlab-webhook-07",
    "GITLAB_WEBHOOK_SIGNING_TOKEN": "whsec_TGVha0NoZWNrU2lnbmluZzA4",
    "BITBUCKET_WEBHOOK_SECRET": "LeakCheck-bitbucket-webhook-09",
}

SOURCES = """
[sources.github]
incident_label = "incident"
[sources.pagerduty]
services = { PCHK001 = "checkout" }
[sources.opsgenie]
services = { checkout = "checkout" }
"""


@dataclass(frozen=True, slots=True)
class Run:
    """One command as run, and what it printed."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True, slots=True)
class World:
    """Every run, the store they wrote, and the fakes they talked to."""

    runs: dict[str, Run]
    database: Path
    slack: FakeSlack
    claude: FakeAnthropic
    github: FakeGitHubRest
    smtp: FakeSMTP


def _riskbrief(args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    script = Path(sys.executable).parent / "riskbrief"
    done = subprocess.run(
        [str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    return Run(tuple(args), done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Seed the sample store, then sync, brief, send and doctor with every secret refused."""
    tmp = tmp_path_factory.mktemp("secrets")
    with (
        FakeSlack() as slack,
        FakeAnthropic() as claude,
        FakeGitHubRest(tokens=("the-right-token",)) as github,
        FakePagerDuty() as pagerduty,
        FakeOpsgenie() as opsgenie,
        FakeSMTP(tmp) as smtp,
    ):
        make_fake_github_graphql(github.server, token="the-right-token")
        # Slack refuses the bot token whatever riskbrief calls first.
        for method in ("auth.test", "conversations.open", "chat.postMessage", "users.info"):
            for _ in range(20):
                slack.fail_next(method, error="invalid_auth")
        refused: list[Reply] = ["unauthorized"] * 50
        claude.script(*refused)
        toml = tmp / "riskbrief.toml"
        sample = files("data.sources.sample") / "sample.toml"
        toml.write_text(sample.read_text(encoding="utf-8") + SOURCES, encoding="utf-8")
        database = tmp / "out" / "demo.db"
        keep = ("PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(SECRETS)
        env.update(
            {
                "RISKBRIEF_LOG_LEVEL": "debug",
                "RISKBRIEF_DATABASE_URL": f"sqlite:///{database}",
                "RISKBRIEF_CONFIG": str(toml),
                "SLACK_API_URL": slack.base_url,
                "ANTHROPIC_BASE_URL": claude.url,
                "RISKBRIEF_LLM_MAX_RETRIES": "0",
                "GITHUB_API_URL": github.url,
                "GITHUB_APP_ID": "4242",
                "GITHUB_APP_INSTALLATION_ID": "77",
                "PAGERDUTY_API_URL": pagerduty.url,
                "OPSGENIE_API_URL": opsgenie.url,
                "RISKBRIEF_SMTP_HOST": smtp.host,
                "RISKBRIEF_SMTP_PORT": str(smtp.port),
                "RISKBRIEF_SMTP_USERNAME": USERNAME,
                "RISKBRIEF_SMTP_FROM": "riskbrief@acme.example",
                "SSL_CERT_FILE": str(smtp.ca_file),
            }
        )
        commands = {
            "demo": ["demo", "--out", str(tmp / "out")],
            "sync": ["sync"],
            "brief": ["brief", "--out", str(tmp / "briefs")],
            "send": ["brief", "--send"],
            "doctor": ["doctor"],
            "doctor --json": ["doctor", "--json"],
        }
        runs = {name: _riskbrief(args, tmp, env) for name, args in commands.items()}
        yield World(runs, database, slack, claude, github, smtp)


def _leaks(text: str) -> list[str]:
    """The secret values and token shapes found in ``text``."""
    found = [name for name, value in SECRETS.items() if value in text]
    found += [line for line in PEM.splitlines()[1:-1] if line in text][:1]
    found += [m.group(0) for p in TOKEN_PATTERNS for m in p.finditer(text)]
    return found


def test_the_runs_met_every_refusal(world: World) -> None:
    """Each run reached the refusal it is about, so the scan below looked at real error paths."""
    runs = world.runs
    assert runs["demo"].returncode == 0, runs["demo"].stderr
    assert runs["sync"].returncode == 1
    assert "401" in runs["sync"].stdout + runs["sync"].stderr
    assert runs["send"].returncode == 1
    assert "refused the login" in runs["send"].stdout + runs["send"].stderr
    assert "invalid_auth" in runs["send"].stdout + runs["send"].stderr
    assert runs["doctor"].returncode == 1
    assert json.loads(runs["doctor --json"].stdout)["ok"] is False
    # The secrets were really sent (and refused) on the wire.
    assert world.claude.requests
    sent = world.claude.requests[0].headers
    assert SECRETS["ANTHROPIC_API_KEY"] in sent.get("x-api-key", sent.get("authorization", ""))
    assert any(
        r.headers.get("authorization") == f"Bearer {SECRETS['GITHUB_TOKEN']}"
        for r in world.github.server.requests
    )
    assert world.slack.calls
    assert world.smtp.messages == []
    # Debug logging was on: there were log lines to scan.
    assert any(run.stderr.strip() for run in runs.values())


@pytest.mark.parametrize("name", ["demo", "sync", "brief", "send", "doctor", "doctor --json"])
def test_no_secret_in_output_logs_or_errors(world: World, name: str) -> None:
    """Nothing a command printed (stdout, error sentences, JSON logs on stderr) holds a secret."""
    run = world.runs[name]
    assert _leaks(run.stdout) == []
    assert _leaks(run.stderr) == []
    for line in run.stderr.splitlines():
        if line.startswith("{"):
            # Escaped in JSON, a PEM key's newlines are \\n: look in the decoded values too.
            assert _leaks(json.dumps(json.loads(line), ensure_ascii=False)) == []


def test_no_secret_in_the_database(world: World) -> None:
    """The SQLite store (and its WAL) holds no secret after syncing, briefing and sending.

    riskbrief stores no Slack OAuth tokens today: it uses one bot token from the
    environment, and every other credential comes from the environment too, so
    nothing in the store should ever be a token, key or password.
    """
    paths = [world.database, *world.database.parent.glob("demo.db-*")]
    assert world.database.stat().st_size > 0
    for path in paths:
        data = path.read_bytes()
        for name, value in SECRETS.items():
            assert value.encode() not in data, f"{name} is in {path.name}"
        for line in PEM.splitlines()[1:-1]:
            assert line.encode() not in data


def test_settings_repr_and_dump_hide_every_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """repr, str and the JSON dump of the settings show no secret value."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert _leaks(text) == []
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == SECRETS["SLACK_BOT_TOKEN"]


def test_an_invalid_setting_error_names_the_variable_not_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rejected value is never quoted back: the sentence names only the variable."""
    monkeypatch.setenv("GITHUB_API_URL", f"not a url {SECRETS['GITHUB_TOKEN']}")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "GITHUB_API_URL" in str(caught.value)
    assert _leaks(str(caught.value)) == []
