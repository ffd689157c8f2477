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

__all__ = ["WEBHOOK_PATH", "github_webhook", "pull_check_from"]


def pull_check_from(settings: Settings, engine: Engine, org: OrgConfig) -> PullCheck | None:
    """The check of the configured GitHub repositories, or ``None`` when the webhook is off.

    A GitHub App (all three ``GITHUB_APP_*`` settings) writes check runs; a token
    alone writes commit statuses. Off without ``GITHUB_WEBHOOK_SECRET``, without
    ``[sources.github]`` or without credentials.
    """
    config = org.sources.github
    if settings.github_webhook_secret is None or config is None:
        return None
    auth: Auth
    key = settings.github_app_private_key
    if settings.github_app_id and key and settings.github_app_installation_id:
        auth = app_auth(
            settings.github_app_id, key.get_secret_value(), settings.github_app_installation_id
        )
    elif settings.github_token is not None:
        auth = TokenAuth(settings.github_token.get_secret_value())
    else:
        return None
    client = GitHubClient(settings.github_api_url, auth, timeout=8.0)
    repositories = frozenset(r.lower() for r in github_repositories(org, config))
    return PullCheck(
        engine, org, client, app=not isinstance(auth, TokenAuth), repositories=repositories
    )
