"""GitLab's side of the check on merge requests: the webhook, the work per event, the status.

``webhook`` is GitLab's door to the one pipeline (``bot.checks.webhook``); ``check``
fetches, stores and scores the merge request as of now; ``commit_status`` words the
verdict as one `riskbrief` commit status on its head. ``check_states`` and ``webhook_of`` are
what the registry (``bot.checks.registry``) asks of GitLab.

Where the settings live, and why: the webhook's secret and signing token
(``GITLAB_WEBHOOK_SECRET``, ``GITLAB_WEBHOOK_SIGNING_TOKEN``) are read from the environment
here (``bot.checks.secrets``), as ``GITHUB_WEBHOOK_SECRET`` is, and only by the web role and
the doctor; the registry's entry (``bot.checks.registry``) names them for the log to redact
and says what form the signing token must have. Which GitLab, which projects, the token
(``token_env``, which must then have the ``api`` scope) and the enforcement
(``check_enforce``, ``check_threshold``) are the GitLab source's, in ``[sources.gitlab]``,
so the check reads exactly what the sync reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from wsgiref.types import WSGIApplication

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.checks.registry import check_secret_forms
from bot.checks.secrets import webhook_secret
from bot.checks.state import CheckState
from bot.gitlab.check import GitLabCheck
from bot.gitlab.webhook import WEBHOOK_PATH, gitlab_webhook
from bot.settings import Settings
from data.config import OrgConfig
from data.sources.gitlab.client import GitLabClient

__all__ = [
    "WEBHOOK_PATH",
    "check_states",
    "gitlab_check_from",
    "gitlab_webhook",
    "webhook_of",
    "webhook_off",
]

# The webhook's secret token (X-Gitlab-Token), and the signing token (whsec_…) where GitLab
# signs deliveries as Standard Webhooks do.
SECRET_ENV = "GITLAB_WEBHOOK_SECRET"
SIGNING_ENV = "GITLAB_WEBHOOK_SIGNING_TOKEN"


def signing_token(environ: Mapping[str, str]) -> SecretStr | None:
    """The webhook's signing token, if set; the ``ConfigError`` naming the variable (never its
    value) when it is not of the form GitLab gives (``bot.checks.registry``'s entry says it)."""
    check_secret_forms(environ, SIGNING_ENV)
    return webhook_secret(environ, SIGNING_ENV)


# The most a delivery waits for GitLab in all (retries of a 5xx included): GitLab gives
# up on a webhook after 10 seconds, and a redelivery retries what failed.
_MAX_WAIT = 5.0


def webhook_off(org: OrgConfig | None, environ: Mapping[str, str] | None = None) -> str | None:
    """Why ``POST /gitlab/webhook`` is off, in one sentence naming each thing missing, or
    ``None`` when it is on."""
    env = os.environ if environ is None else environ
    missing: list[str] = []
    if webhook_secret(env, SECRET_ENV) is None:
        missing.append("set GITLAB_WEBHOOK_SECRET to the webhook's secret token")
    config = org.sources.gitlab if org is not None else None
    if config is None:
        missing.append("add a [sources.gitlab] table naming its projects to riskbrief.toml")
    else:
        if not config.projects:
            missing.append("name the projects in [sources.gitlab] of riskbrief.toml")
        if not env.get(config.token_env, "").strip():
            missing.append(f"set {config.token_env} to a GitLab access token with the api scope")
    if not missing:
        return None
    return "the GitLab webhook is off; " + "; ".join(missing)


def gitlab_check_from(
    settings: Settings, engine: Engine, org: OrgConfig, environ: Mapping[str, str] | None = None
) -> GitLabCheck | None:
    """The check of the configured GitLab projects, or ``None`` when the webhook is off."""
    env = os.environ if environ is None else environ
    config = org.sources.gitlab
    if webhook_off(org, env) is not None or config is None:
        return None
    token = env[config.token_env].strip()
    client = GitLabClient(
        config.base_url, token, timeout=8.0, max_wait=_MAX_WAIT, token_env=config.token_env
    )
    return GitLabCheck(engine, org, config, client, web_url=settings.web_url)


def check_states(
    settings: Settings,  # noqa: ARG001 (the registry's protocol; the secrets are in ``environ``)
    org: OrgConfig | None,
    environ: Mapping[str, str],
) -> tuple[CheckState, ...]:
    """GitLab's one check as configured, for `serve`'s start-up log and the doctor."""
    config = org.sources.gitlab if org is not None else None
    signed = (
        "token and signature" if signing_token(environ) is not None else "token (X-Gitlab-Token)"
    )
    projects = len(config.projects) if config is not None else 0
    token_env = config.token_env if config is not None else "its token_env"
    return (
        CheckState(
            name="gitlab check",
            secret=webhook_secret(environ, SECRET_ENV) is not None,
            table=config is not None,
            off=webhook_off(org, environ),
            on=f"on: POST {WEBHOOK_PATH} checks each delivery's {signed} and sets a riskbrief "
            f"status on merge requests of {projects} project(s); "
            f"{token_env} needs the api scope to write it.",
        ),
    )


def webhook_of(
    settings: Settings, engine: Engine, org: OrgConfig, environ: Mapping[str, str]
) -> WSGIApplication:
    """``POST /gitlab/webhook``, on with what is set, else answering why it is off."""
    return gitlab_webhook(
        engine,
        webhook_secret(environ, SECRET_ENV),
        gitlab_check_from(settings, engine, org, environ),
        signing_token=signing_token(environ),
        off=webhook_off(org, environ),
    )
