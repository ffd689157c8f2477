"""An off webhook says which setting is missing: to GitHub, once in `serve`'s log, in the doctor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.doctor import Check, check_code_host_checks
from bot.github import webhook_off
from bot.settings import Settings
from data.config import OrgConfig
from data.config.sources import GitHubSourceConfig
from data.store.engine import make_engine
from data.store.migrate import upgrade
from fakes.slack_server import FakeSlack
from tests import local_http
from tests.bot.serve_process import serve_env, start_serve, stop_serve

CONFIG = """
[organisation]
name = "Tiny"
[[repositories]]
name = "acme/api"
[[services]]
key = "api"
repository = "acme/api"
"""


def _org(github: GitHubSourceConfig | None) -> OrgConfig:
    org = OrgConfig.model_validate(
        {"repositories": [{"name": "acme/api"}], "services": [{"key": "api"}]}
    )
    return org.model_copy(update={"sources": org.sources.model_copy(update={"github": github})})


SECRET = {"GITHUB_WEBHOOK_SECRET": "s"}
TOKEN = {"GITHUB_TOKEN": "t"}


def test_each_missing_condition_is_named_and_only_it() -> None:
    """The secret, the credentials, [sources.github] and its repositories, each said alone."""
    on = GitHubSourceConfig(repositories=("acme/api",))
    assert webhook_off(_org(on), SECRET | TOKEN) is None
    no_secret = webhook_off(_org(on), TOKEN)
    assert no_secret == (
        "the GitHub webhook is off; set GITHUB_WEBHOOK_SECRET to the webhook's secret"
    )
    no_credentials = webhook_off(_org(on), SECRET)
    assert no_credentials is not None
    assert "GITHUB_TOKEN" in no_credentials
    assert "GITHUB_WEBHOOK_SECRET" not in no_credentials
    no_table = webhook_off(_org(None), SECRET | TOKEN)
    assert no_table is not None
    assert "[sources.github]" in no_table
    assert "GITHUB_" not in no_table
    # Every repository has a clone: none is read from GitHub, so no pull request is checked.
    cloned = _org(GitHubSourceConfig()).model_copy(
        update={"repositories": [_org(None).repositories[0].model_copy(update={"path": "/x"})]}
    )
    no_repositories = webhook_off(cloned, SECRET | TOKEN)
    assert no_repositories is not None
    assert "name the repositories" in no_repositories
    everything = webhook_off(_org(None), {})
    assert everything is not None
    assert everything.count(";") == 3


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API `serve` checks its token against."""
    with FakeSlack() as fake:
        yield fake


def test_serve_logs_once_and_answers_what_is_missing(tmp_path: Path, slack: FakeSlack) -> None:
    """Secret and token set, no [sources.github]: the 404 and one start-up line say so."""
    db = tmp_path / "riskbrief.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    engine.dispose()
    (tmp_path / "riskbrief.toml").write_text(CONFIG)
    env = serve_env(
        {
            "RISKBRIEF_DATABASE_URL": f"sqlite:///{db}",
            "RISKBRIEF_CONFIG": str(tmp_path / "riskbrief.toml"),
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "slack-secret",
            "SLACK_API_URL": slack.base_url,
            "GITHUB_WEBHOOK_SECRET": "whsec",
            "GITHUB_TOKEN": "ghp-test",
            "RISKBRIEF_LOG_LEVEL": "info",
        }
    )
    proc, url = start_serve(env, "--role", "web")
    try:
        answers = [local_http.post(url + "/github/webhook", content=b"{}") for _ in range(2)]
    finally:
        _, err = stop_serve(proc)
    for answer in answers:
        assert answer.status_code == 404
        error = answer.json()["error"]
        assert "[sources.github]" in error
        assert "GITHUB_" not in error
    started = [line for line in err.splitlines() if '"github_webhook.off"' in line]
    assert len(started) == 1, err
    assert "[sources.github]" in started[0]
    assert '"warning"' in started[0]


def _github_line(org: OrgConfig) -> Check | None:
    lines = check_code_host_checks(Settings(), org, None)
    return next((line for line in lines if line.name == "github check"), None)


def test_the_doctor_says_the_same_in_its_github_check_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing set: no line; a table alone: skipped naming the secret; all set: on; a secret
    without the rest: failed, the fix saying what is missing."""
    on = GitHubSourceConfig(repositories=("acme/api",))
    for name in ("GITHUB_WEBHOOK_SECRET", "GITHUB_TOKEN", "GITHUB_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    assert _github_line(_org(None)) is None
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    alone = _github_line(_org(on))
    assert alone is not None
    assert alone.status == "skip"
    assert "set GITHUB_WEBHOOK_SECRET" in alone.detail
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "s")
    running = _github_line(_org(on))
    assert running is not None
    assert running.status == "pass"
    assert "commit status on pull requests of 1 repository(ies)" in running.detail
    half = _github_line(_org(None))
    assert half is not None
    assert half.status == "fail"
    assert half.fix is not None
    assert "[sources.github]" in half.fix
