"""GitHub's side of the check on pull requests: the webhook, the work per event, the verdict.

``webhook`` is GitHub's door to the one pipeline (``bot.checks.webhook``); ``check``
fetches, stores and scores the pull request as of now; ``check_run`` words the verdict
as one `riskbrief` check run (or a commit status) on its head. ``check_states`` and
``webhook_of`` are what the registry (``bot.checks.registry``) asks of GitHub.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from wsgiref.types import WSGIApplication

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.checks.secrets import webhook_secret
from bot.checks.state import CheckState
from bot.github.check import GitHubCheck
from bot.github.webhook import WEBHOOK_PATH, github_webhook
from bot.settings import Settings
from data.config import OrgConfig
from data.sources.github.app_auth import app_auth
from data.sources.github.auth import Auth, TokenAuth
from data.sources.github.client import GitHubClient
from data.sources.github.credentials import GitHubCredentials, github_credentials
from data.sources.github.deploy_rules import github_repositories

__all__ = [
    "WEBHOOK_PATH",
    "check_states",
    "github_check_from",
    "github_webhook",
    "webhook_of",
    "webhook_off",
]


def _secret(environ: Mapping[str, str] | None) -> SecretStr | None:
    """The webhook's secret (``GITHUB_WEBHOOK_SECRET``) in ``environ`` (default: this
    process's environment)."""
    return webhook_secret(os.environ if environ is None else environ, "GITHUB_WEBHOOK_SECRET")


def _credentials(environ: Mapping[str, str] | None) -> GitHubCredentials:
    """GitHub's token or App (``GITHUB_TOKEN``, ``GITHUB_APP_*``) in ``environ`` (default:
    this process's environment), as the GitHub source reads them."""
    return github_credentials(os.environ if environ is None else environ)


def webhook_off(org: OrgConfig | None, environ: Mapping[str, str] | None = None) -> str | None:
    """Why ``POST /github/webhook`` is off, in one sentence naming each thing missing, or
    ``None`` when it is on."""
    missing: list[str] = []
    if _secret(environ) is None:
        missing.append("set GITHUB_WEBHOOK_SECRET to the webhook's secret")
    credentials = _credentials(environ)
    if not credentials.app_complete and credentials.token is None:
        missing.append(
            "set GitHub credentials (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and "
            "GITHUB_APP_INSTALLATION_ID, or GITHUB_TOKEN)"
        )
    config = org.sources.github if org is not None else None
    if org is None or config is None:
        missing.append("add a [sources.github] table naming its repositories to riskbrief.toml")
    elif not github_repositories(org, config):
        missing.append("name the repositories in [sources.github] of riskbrief.toml")
    if not missing:
        return None
    return "the GitHub webhook is off; " + "; ".join(missing)


def github_check_from(
    engine: Engine, org: OrgConfig, environ: Mapping[str, str] | None = None
) -> GitHubCheck | None:
    """The check of the configured GitHub repositories, or ``None`` when the webhook is off.

    A GitHub App (all three ``GITHUB_APP_*`` settings) writes check runs; a token
    alone writes commit statuses. Off for the reasons ``webhook_off`` gives: no
    ``GITHUB_WEBHOOK_SECRET``, no credentials, no repositories in ``[sources.github]``.
    """
    config = org.sources.github
    if webhook_off(org, environ) is not None or config is None:
        return None
    credentials = _credentials(environ)
    auth: Auth
    key = credentials.app_private_key
    if credentials.app_id and key and credentials.app_installation_id:
        auth = app_auth(credentials.app_id, key.get_secret_value(), credentials.app_installation_id)
    else:
        assert credentials.token is not None  # webhook_off said credentials are set
        auth = TokenAuth(credentials.token.get_secret_value())
    client = GitHubClient(credentials.api_url, auth, timeout=8.0)
    repositories = frozenset(r.lower() for r in github_repositories(org, config))
    return GitHubCheck(
        engine, org, client, app=not isinstance(auth, TokenAuth), repositories=repositories
    )


def check_states(
    settings: Settings,  # noqa: ARG001 (the registry's protocol; the secrets are in ``environ``)
    org: OrgConfig | None,
    environ: Mapping[str, str],
) -> tuple[CheckState, ...]:
    """GitHub's one check as configured, for `serve`'s start-up log and the doctor."""
    config = org.sources.github if org is not None else None
    repositories = github_repositories(org, config) if org is not None and config else ()
    writes = "check run" if _credentials(environ).app_complete else "commit status"
    return (
        CheckState(
            name="github check",
            secret=_secret(environ) is not None,
            table=config is not None,
            off=webhook_off(org, environ),
            on=f"on: POST {WEBHOOK_PATH} checks each delivery's X-Hub-Signature-256 and "
            f"writes a riskbrief {writes} on pull requests of {len(repositories)} "
            "repository(ies).",
        ),
    )


def webhook_of(
    settings: Settings,  # noqa: ARG001 (the registry's protocol; the secrets are in ``environ``)
    engine: Engine,
    org: OrgConfig,
    environ: Mapping[str, str],
) -> WSGIApplication:
    """``POST /github/webhook``, on with what is set, else answering why it is off."""
    check = github_check_from(engine, org, environ)
    off = webhook_off(org, environ)
    return github_webhook(engine, _secret(environ), check, off=off)
