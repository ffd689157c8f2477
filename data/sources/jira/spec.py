"""Jira declared to the app once: ``[sources.jira]``, its credentials, its sync and doctor.

Like every spec module it imports only the settings model: the client, the
source and the doctor checks are imported inside the functions that run them,
so ``data.config`` can validate ``[sources.jira]`` without httpx or the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.jira import (
    EMAIL_ENV,
    TOKEN_ENV,
    JiraDeployment,
    JiraSourceConfig,
)
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["JIRA"]

# Doctor asks once and says what it saw; a sync waits out Jira's limits instead.
_DOCTOR_TIMEOUT = 10.0


def _sources(settings: JiraSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.jira.source import jira_sources

    return jira_sources(settings, context.org, context.environ)


def _findings(settings: JiraSourceConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.jira.client import JiraClient
    from data.sources.jira.doctor import jira_findings

    token = context.value(settings.token_env)
    email = context.value(settings.email_env)
    cloud = settings.deployment is JiraDeployment.CLOUD
    if token is None or (cloud and email is None):
        wanted = f"{settings.email_env} and {settings.token_env}" if cloud else settings.token_env
        return [
            Finding(
                False,
                f"[sources.jira] is configured but {wanted} {'are' if cloud else 'is'} not set",
                f"set {settings.email_env} to the Atlassian account's email and "
                f"{settings.token_env} to its API token"
                if cloud
                else f"set {settings.token_env} to a personal access token",
            )
        ]
    client = JiraClient(settings, token, email, timeout=_DOCTOR_TIMEOUT, max_wait=0.0)
    try:
        return jira_findings(client)
    finally:
        client.close()


JIRA = SourceSpec(
    key="jira",
    title="Jira",
    settings=JiraSourceConfig,
    env=(
        EnvVar(
            TOKEN_ENV,
            "a Jira Cloud API token (with the account's email), or a Data Center/Server "
            "personal access token",
            secret=True,
            setting="token_env",
        ),
        EnvVar(
            EMAIL_ENV,
            "the Atlassian account's email, for Jira Cloud",
            setting="email_env",
        ),
    ),
    sources=_sources,
    findings=_findings,
)
