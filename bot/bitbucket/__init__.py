"""Bitbucket's side of the check on pull requests: the webhook, the work per event, the report.

``webhook`` is Bitbucket's door to the one pipeline (``bot.checks.webhook``), one per
edition; ``check`` fetches, stores and scores the pull request as of now; ``insights``
words the verdict as one `riskbrief` Code Insights report, with annotations on the
riskiest files, on its head commit. Bitbucket Cloud and Data Center share one path,
``/bitbucket/webhook``. ``check_states`` and ``webhook_of`` are what the registry
(``bot.checks.registry``) asks of Bitbucket.

Where the settings live, and why: the webhook secrets (``BITBUCKET_WEBHOOK_SECRET`` for
Cloud, ``BITBUCKET_DC_WEBHOOK_SECRET`` for Data Center) are read from the environment here
(``bot.checks.secrets``), as ``GITLAB_WEBHOOK_SECRET`` is, and only by the web role and the
doctor. Which repositories, the token
(``token_env``) and the enforcement (``check_enforce``, ``check_threshold``) are the
Bitbucket source's, in ``[sources.bitbucket]`` and ``[sources.bitbucket_dc]``, so the
check reads exactly what the sync reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from wsgiref.types import WSGIApplication

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.bitbucket.check import BitbucketCheck
from bot.bitbucket.webhook import WEBHOOK_PATH, Half, bitbucket_webhook
from bot.checks.secrets import webhook_secret
from bot.checks.state import CheckState
from bot.settings import Settings
from data.config import OrgConfig
from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.sources.bitbucket.client import BitbucketClient, Edition

__all__ = [
    "WEBHOOK_PATH",
    "bitbucket_webhook",
    "check_states",
    "edition_off",
    "edition_secret",
    "halves_from",
    "webhook_of",
    "webhook_off",
]

# The most a delivery waits for Bitbucket in all (retries of a 5xx included): Bitbucket
# gives up on a webhook after about 10 seconds, and a redelivery retries what failed.
_MAX_WAIT = 5.0
_SECRET_ENV = {"cloud": "BITBUCKET_WEBHOOK_SECRET", "dc": "BITBUCKET_DC_WEBHOOK_SECRET"}
_TABLE = {"cloud": "[sources.bitbucket]", "dc": "[sources.bitbucket_dc]"}
_NAME = {"cloud": "Bitbucket Cloud", "dc": "Bitbucket Data Center"}
_TOKEN = {
    "cloud": "an access token with the repository:write and pullrequest scopes",
    "dc": "an HTTP access token with repository read permission",
}


def edition_secret(environ: Mapping[str, str], edition: Edition) -> SecretStr | None:
    """The webhook secret ``environ`` holds for ``edition``, if any."""
    return webhook_secret(environ, _SECRET_ENV[edition])


def _config(
    org: OrgConfig | None, edition: Edition
) -> BitbucketCloudConfig | BitbucketDataCenterConfig | None:
    if org is None:
        return None
    return org.sources.bitbucket if edition == "cloud" else org.sources.bitbucket_dc


def _missing(org: OrgConfig | None, edition: Edition, env: Mapping[str, str]) -> list[str]:
    """What one edition's half still needs, each as an instruction."""
    missing: list[str] = []
    if edition_secret(env, edition) is None:
        missing.append(f"set {_SECRET_ENV[edition]} to the webhook's secret")
    config = _config(org, edition)
    if config is None:
        missing.append(f"add a {_TABLE[edition]} table naming its repositories to riskbrief.toml")
    else:
        if not config.repositories:
            missing.append(f"name the repositories in {_TABLE[edition]} of riskbrief.toml")
        if not env.get(config.token_env, "").strip():
            missing.append(f"set {config.token_env} to {_TOKEN[edition]}")
    return missing


def edition_off(
    org: OrgConfig | None, edition: Edition, environ: Mapping[str, str] | None = None
) -> str | None:
    """Why one edition's half of ``POST /bitbucket/webhook`` is off, in one sentence naming
    each thing missing, or ``None`` when it is on."""
    missing = _missing(org, edition, os.environ if environ is None else environ)
    if not missing:
        return None
    return f"the {_NAME[edition]} webhook is off; " + "; ".join(missing)


def webhook_off(org: OrgConfig | None, environ: Mapping[str, str] | None = None) -> str | None:
    """Why ``POST /bitbucket/webhook`` is off for both editions, in one sentence, or ``None``
    when either edition is on."""
    env = os.environ if environ is None else environ
    cloud, dc = (_missing(org, e, env) for e in ("cloud", "dc"))
    if not cloud or not dc:
        return None
    return (
        "the Bitbucket webhook is off; for Cloud, "
        + ", ".join(cloud)
        + "; or for Data Center, "
        + ", ".join(dc)
    )


def halves_from(
    settings: Settings, engine: Engine, org: OrgConfig, environ: Mapping[str, str] | None = None
) -> dict[Edition, Half]:
    """Each edition that is on, with its secret and its check of the configured repositories."""
    env = os.environ if environ is None else environ
    halves: dict[Edition, Half] = {}
    for edition in ("cloud", "dc"):
        config = _config(org, edition)
        secret = edition_secret(env, edition)
        if edition_off(org, edition, env) is not None or config is None or not secret:
            continue
        token = env[config.token_env].strip()
        if isinstance(config, BitbucketCloudConfig):
            client = BitbucketClient(
                "cloud",
                config.api_url,
                token,
                email=config.email,
                timeout=8.0,
                max_wait=_MAX_WAIT,
                token_env=config.token_env,
            )
        else:
            client = BitbucketClient(
                "dc",
                config.base_url,
                token,
                timeout=8.0,
                max_wait=_MAX_WAIT,
                token_env=config.token_env,
            )
        check = BitbucketCheck(engine, org, config, client, web_url=settings.web_url)
        halves[edition] = Half(secret, check)
    return halves


def check_states(
    settings: Settings,  # noqa: ARG001 (the registry's protocol; the secrets are in ``environ``)
    org: OrgConfig | None,
    environ: Mapping[str, str],
) -> tuple[CheckState, ...]:
    """Each edition's check as configured, for `serve`'s start-up log and the doctor."""
    out: list[CheckState] = []
    for edition in ("cloud", "dc"):
        config = _config(org, edition)
        scope = "the repository:write scope" if edition == "cloud" else "repository read permission"
        repositories = len(config.repositories) if config is not None else 0
        token_env = config.token_env if config is not None else "its token_env"
        out.append(
            CheckState(
                name="bitbucket check" if edition == "cloud" else "bitbucket dc check",
                secret=edition_secret(environ, edition) is not None,
                table=config is not None,
                off=edition_off(org, edition, environ),
                on=f"on: POST {WEBHOOK_PATH} checks each delivery's X-Hub-Signature and "
                "puts a riskbrief Code Insights report on pull requests of "
                f"{repositories} repository(ies); {token_env} needs {scope} to write it.",
            )
        )
    return tuple(out)


def webhook_of(
    settings: Settings, engine: Engine, org: OrgConfig, environ: Mapping[str, str]
) -> WSGIApplication:
    """``POST /bitbucket/webhook``, each edition on with what is set, else answering why not."""
    halves = halves_from(settings, engine, org, environ)
    return bitbucket_webhook(engine, halves, off=webhook_off(org, environ))
