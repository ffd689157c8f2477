"""`riskbrief doctor` as a whole: every line, its JSON, skips, probes and what it predicts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.doctor import Check, Probes, RateLimit, run_checks
from bot.settings import Settings
from fakes.github_rest import FakeGitHubRest
from fakes.slack_server import FakeSlack
from fakes.smtp_server import FakeSMTP
from tests.bot.doctor.conftest import BOT_TOKEN, GITHUB_TOKEN, doctor, line_of

# The doctor's own checks, in the order it prints them: those of the store and riskbrief.toml,
# then those of the services it talks to.
CORE = (
    "database",
    "config",
    "sources",
    "repositories",
    "deploy tags",
    "services",
    "time zones",
    "calibration",
    "delivery",
)
SERVICES = ("github", "web view", "slack token", "slack mode", "anthropic", "smtp")


@pytest.mark.usefixtures("everything")
def test_everything_configured_and_working_passes(
    github: FakeGitHubRest, smtp: FakeSMTP, slack: FakeSlack
) -> None:
    """With every service working, each check prints a pass line and doctor exits 0."""
    result = doctor()
    assert result.exit_code == 0, result.output
    *lines, summary = result.stdout.splitlines()
    assert all(line.startswith("pass") for line in lines), result.stdout
    assert summary == f"{len(lines)} passed, 0 failed, 0 skipped."
    for name in (*CORE, *SERVICES):
        assert line_of(result, name).startswith("pass")
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
    names = [c["name"] for c in body["checks"]]
    # The doctor's own checks in their order; a registered extension's lines may come between.
    assert [n for n in names if n in (*CORE, *SERVICES)] == [*CORE, *SERVICES]
    assert {c["status"] for c in body["checks"]} == {"pass"}
    assert all(c["fix"] is None for c in body["checks"])


@pytest.mark.usefixtures("store")
def test_unconfigured_services_are_skipped_and_pass() -> None:
    """With only a store and riskbrief.toml, the service checks skip and doctor exits 0."""
    result = doctor()
    assert result.exit_code == 0, result.output
    for name in ("delivery", *SERVICES):
        assert line_of(result, name).startswith("skip")
    for name in CORE:
        if name != "delivery":
            assert line_of(result, name).startswith("pass")
    # The count is of the lines printed: a code host's check or a channel added to its
    # registry may add a line of its own, and no number here needs changing for it.
    *lines, summary = result.stdout.splitlines()
    said = [line.split()[0] for line in lines]
    assert "fail" not in said
    assert summary == f"{said.count('pass')} passed, 0 failed, {said.count('skip')} skipped."


def test_checks_run_behind_their_probes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """run_checks asks each probe once and turns its answer into a line, no network needed."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'none.db'}", config=tmp_path / "none.toml"
    )
    # The GitHub source's own variable, read from the environment as the sync reads it.
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
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
            "acme/platform has no path and no code host reads it",
            id="repository-read-by-nothing",
        ),
        pytest.param(
            lambda t, _clone: t,
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "RISKBRIEF_SMTP_HOST": ""},
            "delivery",
            "subscriber platform-lead would get nothing",
            id="email-only-subscriber-without-smtp",
        ),
        pytest.param(
            lambda t, _clone: t,
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "RISKBRIEF_SLACK_CHANNEL": "C012ABCDEF",
                "RISKBRIEF_SMTP_HOST": "",
            },
            "delivery",
            "subscriber platform-lead would get nothing",
            id="email-only-subscriber-with-a-slack-channel-but-no-smtp",
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
