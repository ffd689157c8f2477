"""`riskbrief doctor` against local fakes of Slack, GitHub, Anthropic and SMTP on 127.0.0.1."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlmodel import Session

from bot.cli import main
from bot.doctor import MANIFEST_SCOPES, Check, Probes, RateLimit, check_timezones, run_checks
from bot.settings import Settings
from data.config import parse_org_config
from data.engine import make_engine
from data.migrate import upgrade
from data.tables import Subscriber
from tests.fakes import slack_server
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.github_rest import FakeApp, FakeGitHubRest
from tests.fakes.slack_server import FakeSlack
from tests.fakes.smtp_server import USERNAME, FakeSMTP

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-doctor-bot-0123456789"
APP_TOKEN = "xapp-1-A0DOCTOR-0123456789"
SIGNING_SECRET = "doctor-signing-secret-value"
GITHUB_TOKEN = "ghp_doctorTOKEN0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-api03-doctor-key-0123456789"
SMTP_PASSWORD = "doctor-smtp-password-9"
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, GITHUB_TOKEN, ANTHROPIC_KEY, SMTP_PASSWORD)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite store and the sample organisation's riskbrief.toml, in the environment."""
    db = tmp_path / "riskbrief.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    engine.dispose()
    toml = tmp_path / "riskbrief.toml"
    sample = files("data.sources.sample") / "sample.toml"
    # The sample's repository read from a local clone, so that something reads it.
    clone = tmp_path / "platform"
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
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


@pytest.mark.usefixtures("everything")
def test_everything_configured_and_working_passes(
    github: FakeGitHubRest, smtp: FakeSMTP, slack: FakeSlack
) -> None:
    """With every service working, each check prints a pass line and doctor exits 0."""
    result = doctor()
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 11
    assert all(line.startswith("pass") for line in lines[:-1]), result.stdout
    assert lines[-1] == "10 passed, 0 failed, 0 skipped."
    assert "4321 of 4321 requests left this hour" in line_of(result, "github")
    assert github.url in line_of(result, "github")
    assert "STARTTLS, login ok; no mail was sent" in line_of(result, "smtp")
    assert "HTTP mode" in line_of(result, "slack mode")
    assert "`riskbrief sync` would run 2: git acme/platform, reverts" in line_of(result, "sources")
    assert "all 4 subscribers' time zones are valid" in line_of(result, "time zones")
    # The probes used the real protocols: a rate-limit read that costs nothing, a login, no mail.
    assert len(github.requests_to("/rate_limit")) == 1
    assert github.used == 0
    assert smtp.logins
    assert smtp.messages == []
    assert [m for m, _ in slack.calls] == ["auth.test"]


@pytest.mark.usefixtures("everything")
def test_json_output_is_machine_readable() -> None:
    """`doctor --json` prints one JSON object: ok and each check's name, status, detail, fix."""
    result = doctor("--json")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["ok"] is True
    assert [c["name"] for c in body["checks"]] == [
        "database",
        "sources",
        "repositories",
        "time zones",
        "delivery",
        "github",
        "slack token",
        "slack mode",
        "anthropic",
        "smtp",
    ]
    assert {c["status"] for c in body["checks"]} == {"pass"}
    assert all(c["fix"] is None for c in body["checks"])


@pytest.mark.usefixtures("store")
def test_unconfigured_services_are_skipped_and_pass() -> None:
    """With only a store and riskbrief.toml, the service checks skip and doctor exits 0."""
    result = doctor()
    assert result.exit_code == 0, result.output
    for name in ("github", "slack token", "slack mode", "anthropic", "smtp"):
        assert line_of(result, name).startswith("skip")
    assert result.stdout.splitlines()[-1] == "4 passed, 0 failed, 6 skipped."


def test_missing_and_unmigrated_databases_fail_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No database file, or one never migrated, fails the database check: run db upgrade."""
    db = tmp_path / "riskbrief.db"
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(tmp_path / "riskbrief.toml"))
    missing = doctor()
    assert missing.exit_code == 1
    line = line_of(missing, "database")
    assert line.startswith("fail")
    assert f"there is no database at {db}" in line
    assert "Fix: run `riskbrief db upgrade`" in line
    assert not db.exists()  # doctor does not create an empty one
    # The toml is missing too: sources and time zones say so, with riskbrief init.
    assert "run `riskbrief init`" in line_of(missing, "sources")

    make_engine(f"sqlite:///{db}").dispose()
    db.touch()
    empty = doctor("--json")
    assert empty.exit_code == 1
    body = json.loads(empty.stdout)
    assert body["ok"] is False
    (check,) = [c for c in body["checks"] if c["name"] == "database"]
    assert check["status"] == "fail"
    assert "was never migrated" in check["detail"]
    assert check["fix"] == "run `riskbrief db upgrade`."


@pytest.mark.usefixtures("everything")
def test_a_refused_slack_token_fails_with_the_fix(slack: FakeSlack) -> None:
    """A bot token Slack refuses fails the Slack token check with where to get a new one."""
    slack.fail_next("auth.test", error="invalid_auth")
    result = doctor()
    assert result.exit_code == 1
    line = line_of(result, "slack token")
    assert line.startswith("fail")
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in line
    assert "Fix: copy the Bot User OAuth Token (xoxb-…)" in line


@pytest.mark.usefixtures("everything")
def test_missing_slack_scopes_are_named(slack: FakeSlack) -> None:
    """A token granted fewer scopes than the manifest asks fails, naming the missing ones."""
    slack.scopes = ("commands", "chat:write")
    result = doctor()
    assert result.exit_code == 1
    line = line_of(result, "slack token")
    assert "lacks the scopes im:write, im:history, users:read" in line
    assert "then reinstall the app" in line


@pytest.mark.usefixtures("everything")
@pytest.mark.parametrize(
    ("app_token", "signing_secret", "status", "words"),
    [
        (APP_TOKEN, None, "pass", "Socket Mode"),
        ("xoxb-not-an-app-token-123", None, "fail", "Fix: set it to the xapp-… token"),
        (None, None, "fail", "Fix: set SLACK_SIGNING_SECRET"),
        (None, SIGNING_SECRET, "pass", "HTTP mode"),
    ],
)
def test_socket_and_http_mode_settings_are_coherent(
    monkeypatch: pytest.MonkeyPatch,
    app_token: str | None,
    signing_secret: str | None,
    status: str,
    words: str,
) -> None:
    """Socket Mode needs an xapp- token; HTTP mode needs the signing secret."""
    for name, value in (("SLACK_APP_TOKEN", app_token), ("SLACK_SIGNING_SECRET", signing_secret)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    result = doctor()
    line = line_of(result, "slack mode")
    assert line.startswith(status)
    assert words in line
    assert "xoxb-not-an-app-token-123" not in result.output


@pytest.mark.usefixtures("everything")
def test_a_wrong_github_token_fails_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token GitHub refuses (401) fails the GitHub check, naming the settings to fix."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrongTOKEN0123456789")
    result = doctor()
    assert result.exit_code == 1
    line = line_of(result, "github")
    assert "GitHub refused the credentials (401)" in line
    assert "Fix: set GITHUB_TOKEN to a token with read access" in line
    assert "ghp_wrongTOKEN0123456789" not in result.output


@pytest.mark.usefixtures("everything")
def test_a_spent_github_rate_limit_fails(github: FakeGitHubRest) -> None:
    """A valid token with no requests left this hour fails, saying to wait or use an App."""
    github.remaining = 0
    line = line_of(doctor(), "github")
    assert line.startswith("fail")
    assert "rate limit is spent (0 of 4321 left)" in line
    assert "Fix: wait for the hourly reset" in line


@pytest.mark.usefixtures("everything")
def test_github_app_settings_are_checked(
    github: FakeGitHubRest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without GITHUB_TOKEN the App mints a token for the check; a missing App setting fails."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    github.enable_app(FakeApp("4242", "77", key.public_key()))
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("GITHUB_APP_ID", "4242")
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", pem)
    monkeypatch.setenv("GITHUB_APP_INSTALLATION_ID", "77")
    good = doctor()
    assert line_of(good, "github").startswith("pass  github: the GitHub App is accepted")
    assert "PRIVATE KEY" not in good.output
    monkeypatch.delenv("GITHUB_APP_INSTALLATION_ID")
    bad = doctor()
    line = line_of(bad, "github")
    assert line.startswith("fail")
    assert "GITHUB_APP_INSTALLATION_ID is not set" in line
    assert "PRIVATE KEY" not in bad.output


@pytest.mark.usefixtures("everything")
def test_a_refused_anthropic_key_fails_with_the_fix(claude: FakeAnthropic) -> None:
    """An API key Anthropic refuses (401) fails the Anthropic check: make a new key."""
    claude.script("unauthorized")
    line = line_of(doctor(), "anthropic")
    assert line.startswith("fail")
    assert "Anthropic refused ANTHROPIC_API_KEY (401 authentication_error)" in line
    assert "Fix: create a key in the Anthropic Console" in line
    assert claude.requests[0].path.startswith("/v1/models/")


@pytest.mark.usefixtures("everything")
def test_an_unknown_model_fails_with_the_fix(claude: FakeAnthropic) -> None:
    """A model id the API does not know fails the Anthropic check: set RISKBRIEF_MODEL."""
    claude.models = {"claude-some-other-model"}
    line = line_of(doctor(), "anthropic")
    assert line.startswith("fail")
    assert "is not available (404 not_found_error)" in line
    assert "Fix: set RISKBRIEF_MODEL" in line


@pytest.mark.usefixtures("everything")
def test_a_refused_smtp_login_fails_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong SMTP password fails the SMTP check after STARTTLS, naming the settings."""
    monkeypatch.setenv("RISKBRIEF_SMTP_PASSWORD", "doctor-wrong-password")
    result = doctor()
    line = line_of(result, "smtp")
    assert line.startswith("fail")
    assert "refused the login" in line
    assert "Fix: check RISKBRIEF_SMTP_USERNAME and RISKBRIEF_SMTP_PASSWORD" in line
    assert "doctor-wrong-password" not in result.output


@pytest.mark.usefixtures("everything")
def test_an_unreachable_smtp_server_fails_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """An SMTP server that does not answer fails the SMTP check: check host and port."""
    from tests.fakes.smtp_server import free_port

    monkeypatch.setenv("RISKBRIEF_SMTP_PORT", str(free_port()))
    line = line_of(doctor(), "smtp")
    assert "could not be used: ConnectionRefusedError" in line
    assert "Fix: check RISKBRIEF_SMTP_HOST and RISKBRIEF_SMTP_PORT" in line


def test_a_bad_stored_time_zone_fails_with_the_fix(store: Path) -> None:
    """A subscriber in the store with a zone that is not IANA fails the time-zone check."""
    engine = make_engine(f"sqlite:///{store}")
    with Session(engine) as session:
        session.add(Subscriber(key="joined-in-slack", name="Sam", timezone="Mars/Olympus"))
        session.commit()
    engine.dispose()
    result = doctor()
    assert result.exit_code == 1
    line = line_of(result, "time zones")
    assert "not an IANA time zone: store joined-in-slack ('Mars/Olympus')" in line
    assert "Fix: use a zone such as Europe/Berlin" in line


def test_a_bad_toml_time_zone_fails_with_the_fix(store: Path) -> None:
    """A subscriber in riskbrief.toml with a bad zone fails with the file's own sentence."""
    toml = store.with_name("riskbrief.toml")
    toml.write_text(toml.read_text().replace('"Europe/Berlin"', '"CEST"'), encoding="utf-8")
    line = line_of(doctor(), "time zones")
    assert line.startswith("fail")
    assert "must be an IANA time zone" in line
    assert "Fix: correct" in line


def test_a_source_without_its_token_fails_with_the_fix(store: Path) -> None:
    """A source in riskbrief.toml whose token is not set fails the sources check naming it."""
    toml = store.with_name("riskbrief.toml")
    with toml.open("a", encoding="utf-8") as f:
        f.write('\n[sources.pagerduty]\nservices = { PXXXXXX = "checkout" }\n')
    line = line_of(doctor(), "sources")
    assert line.startswith("fail")
    assert "PAGERDUTY_TOKEN is not set" in line
    assert "Fix: set what the sentence names" in line


def test_the_scopes_checked_are_the_manifests() -> None:
    """The scopes doctor requires are exactly the bot scopes slack/manifest.yml asks for."""
    text = (ROOT / "slack" / "manifest.yml").read_text(encoding="utf-8")
    block = text.split("    bot:\n", 1)[1].split("\nsettings:", 1)[0]
    asked = tuple(re.findall(r"^\s+- ([a-z:._]+)\s*$", block, re.MULTILINE))
    assert asked == MANIFEST_SCOPES
    assert slack_server.MANIFEST_SCOPES == MANIFEST_SCOPES


def test_checks_run_behind_their_probes(tmp_path: Path) -> None:
    """run_checks asks each probe once and turns its answer into a line, no network needed."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'none.db'}",
        config=tmp_path / "none.toml",
        github_token=GITHUB_TOKEN,
    )
    probes = Probes(github=lambda _settings: RateLimit(limit=5000, remaining=12))
    checks = {c.name: c for c in run_checks(settings, probes)}
    assert checks["github"] == Check(
        "github",
        "pass",
        "GITHUB_TOKEN is accepted at https://api.github.com; 12 of 5000 requests left this hour.",
    )


@pytest.mark.parametrize(
    ("edit", "env", "check", "needle"),
    [
        pytest.param(
            lambda t, clone: t.replace(str(clone), str(clone) + "-typo"),
            {},
            "repositories",
            "platform-typo does not exist",
            id="clone-path-typo",
        ),
        pytest.param(
            lambda t, clone: t.replace(f'path = "{clone}"', 'url = "https://x/acme/platform"'),
            {},
            "repositories",
            "acme/platform has no path and GitHub is not configured, so nothing reads it",
            id="repository-read-by-nothing",
        ),
        pytest.param(
            lambda t, _clone: t,
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "RISKBRIEF_SMTP_HOST": ""},
            "delivery",
            "subscriber platform-lead would get nothing",
            id="email-only-subscriber-without-smtp",
        ),
    ],
)
def test_doctor_predicts_what_would_fail(
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[str, Path], str],
    env: dict[str, str],
    check: str,
    needle: str,
) -> None:
    """A clone path that is not a clone, a repository nothing reads, or a subscriber no
    configured channel reaches fails its check with the fix."""
    toml = store.parent / "riskbrief.toml"
    toml.write_text(edit(toml.read_text(encoding="utf-8"), store.parent / "platform"))
    for key, value in env.items():
        if value:
            monkeypatch.setenv(key, value)
        else:
            monkeypatch.delenv(key, raising=False)
    result = doctor()
    assert line_of(result, check).startswith("fail"), result.output
    assert needle in line_of(result, check)
    assert result.exit_code == 1


ONE_SUBSCRIBER = '[[subscribers]]\nkey = "maria"\nemail = "m@x.example"\ntimezone = "UTC"\n'


def test_one_subscriber_is_counted_once() -> None:
    """A subscriber in riskbrief.toml who is also in the store is one time zone, not two."""
    assert check_timezones(Settings(), parse_org_config(ONE_SUBSCRIBER), None).detail == (
        "the subscriber's time zone is valid."
    )
