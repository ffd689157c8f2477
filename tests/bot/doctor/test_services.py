"""`riskbrief doctor` on Slack, GitHub, Anthropic and SMTP, each against its local fake."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from bot.doctor import MANIFEST_SCOPES, check_slack_mode
from bot.settings import Settings
from fakes import slack_server
from fakes.anthropic_server import FakeAnthropic
from fakes.github_rest import FakeApp, FakeGitHubRest
from fakes.slack_server import FakeSlack
from tests.bot.doctor.conftest import APP_TOKEN, ROOT, SIGNING_SECRET, doctor, line_of


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
    from fakes.smtp_server import free_port

    monkeypatch.setenv("RISKBRIEF_SMTP_PORT", str(free_port()))
    line = line_of(doctor(), "smtp")
    assert "could not be used: ConnectionRefusedError" in line
    assert "Fix: check RISKBRIEF_SMTP_HOST and RISKBRIEF_SMTP_PORT" in line


def test_the_scopes_checked_are_the_manifests() -> None:
    """The scopes doctor requires are exactly the bot scopes slack/manifest.yml asks for."""
    text = (ROOT / "slack" / "manifest.yml").read_text(encoding="utf-8")
    block = text.split("    bot:\n", 1)[1].split("\nsettings:", 1)[0]
    asked = tuple(re.findall(r"^\s+- ([a-z:._]+)\s*$", block, re.MULTILINE))
    assert asked == MANIFEST_SCOPES
    assert slack_server.MANIFEST_SCOPES == MANIFEST_SCOPES


def test_without_slack_slack_mode_says_what_serve_runs_and_what_is_off() -> None:
    """No Slack variable: serve still runs the scheduler and what is configured; the rest is named
    as off with its variable, never "serve is not available"."""
    settings = Settings(
        mcp_tokens=SecretStr("*:0123456789abcdef0123"), deploy_secret=SecretStr("s" * 20)
    )
    check = check_slack_mode(settings)
    assert check.status == "skip"
    assert "not available" not in check.detail
    assert "still runs the scheduler" in check.detail
    assert "/mcp for coding agents" in check.detail
    assert "/deploys and /coverage" in check.detail
    off = check.detail.split("off:", 1)[1]
    assert "/risk and Slack briefings (set SLACK_BOT_TOKEN" in off
    assert "the PR check (GITHUB_WEBHOOK_SECRET)" in off
    assert "/mcp" not in off
