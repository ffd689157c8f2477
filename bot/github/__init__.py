"""GitHub's side of the check on pull requests: the webhook, the work per event, the verdict.

``webhook`` checks a delivery at the door and answers it once; ``pull_check``
fetches, stores and scores the pull request as of now; ``check_run`` turns the
assessment into one `riskbrief` check run (or a commit status) on its head.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.github.pull_check import PullCheck
from bot.github.webhook import WEBHOOK_PATH, github_webhook
from bot.settings import Settings
from data.config import OrgConfig
from data.sources.github.app_auth import app_auth
from data.sources.github.auth import Auth, TokenAuth
from data.sources.github.client import GitHubClient
from data.sources.github.deploy_rules import github_repositories

__all__ = ["WEBHOOK_PATH", "github_webhook", "pull_check_from", "webhook_off"]


def _app_credentials(settings: Settings) -> bool:
    return bool(
        settings.github_app_id
        and settings.github_app_private_key
        and settings.github_app_installation_id
    )


def webhook_off(settings: Settings, org: OrgConfig) -> str | None:
    """Why ``POST /github/webhook`` is off, in one sentence naming each thing missing, or
    ``None`` when it is on."""
    missing: list[str] = []
    if settings.github_webhook_secret is None:
        missing.append("set GITHUB_WEBHOOK_SECRET to the webhook's secret")
    if not _app_credentials(settings) and settings.github_token is None:
        missing.append(
            "set GitHub credentials (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and "
            "GITHUB_APP_INSTALLATION_ID, or GITHUB_TOKEN)"
        )
    config = org.sources.github
    if config is None:
        missing.append("add a [sources.github] table naming its repositories to riskbrief.toml")
    elif not github_repositories(org, config):
        missing.append("name the repositories in [sources.github] of riskbrief.toml")
    if not missing:
        return None
    return "the GitHub webhook is off; " + "; ".join(missing)


def pull_check_from(settings: Settings, engine: Engine, org: OrgConfig) -> PullCheck | None:
    """The check of the configured GitHub repositories, or ``None`` when the webhook is off.

    A GitHub App (all three ``GITHUB_APP_*`` settings) writes check runs; a token
    alone writes commit statuses. Off for the reasons ``webhook_off`` gives: no
    ``GITHUB_WEBHOOK_SECRET``, no credentials, no repositories in ``[sources.github]``.
    """
    config = org.sources.github
    if webhook_off(settings, org) is not None or config is None:
        return None
    auth: Auth
    key = settings.github_app_private_key
    if settings.github_app_id and key and settings.github_app_installation_id:
        auth = app_auth(
            settings.github_app_id, key.get_secret_value(), settings.github_app_installation_id
        )
    else:
        assert settings.github_token is not None  # webhook_off said credentials are set
        auth = TokenAuth(settings.github_token.get_secret_value())
    client = GitHubClient(settings.github_api_url, auth, timeout=8.0)
    repositories = frozenset(r.lower() for r in github_repositories(org, config))
    return PullCheck(
        engine, org, client, app=not isinstance(auth, TokenAuth), repositories=repositories
    )
