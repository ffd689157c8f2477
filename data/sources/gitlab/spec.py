"""GitLab declared to the app once: ``[sources.gitlab]``, its token, its sync, doctor and keys.

``GITLAB`` is the one object ``data.sources.registry`` lists. It imports only
the settings model and the key parser; the client, the sync and the doctor
checks are imported inside the functions that run them, so that ``data.config``
can read ``[sources.gitlab]`` without loading the store or httpx.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.gitlab import TOKEN_ENV, GitLabSourceConfig
from data.sources.gitlab.keys import parse_merge_request
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec
from scoring.change_key import ChangeKey

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["GITLAB"]

# Doctor asks once and says what it saw; a sync waits out GitLab's limits instead.
_DOCTOR_TIMEOUT = 10.0


def _sources(settings: GitLabSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.gitlab.source import gitlab_sources, gitlab_token

    return gitlab_sources(settings, gitlab_token(settings, context.environ), context.org)


def _findings(settings: GitLabSourceConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.gitlab.client import GitLabClient
    from data.sources.gitlab.doctor import check_base_url, gitlab_findings

    token = context.environ.get(settings.token_env, "").strip()
    client = GitLabClient(
        settings.base_url,
        token,
        timeout=_DOCTOR_TIMEOUT,
        max_wait=0.0,
        token_env=settings.token_env,
    )
    try:
        if not token:
            return [
                check_base_url(client),
                Finding(
                    False,
                    f"{settings.token_env} is not set",
                    f"set {settings.token_env} to a personal, group or project access token "
                    "with the read_api scope",
                ),
            ]
        return gitlab_findings(client, settings.projects, settings.token_env)
    finally:
        client.close()


def _read_change(text: str, settings: GitLabSourceConfig | None) -> ChangeKey | None:
    # Without [sources.gitlab], a merge request URL of any GitLab at its host's root still reads.
    return parse_merge_request(text, settings.base_url if settings is not None else None)


GITLAB = SourceSpec(
    key="gitlab",
    title="GitLab",
    settings=GitLabSourceConfig,
    env=(
        EnvVar(
            TOKEN_ENV,
            "a GitLab personal, group or project access token with `read_api`; "
            "`token_env` in `[sources.gitlab]` names another variable",
            secret=True,
            setting="token_env",
        ),
    ),
    sources=_sources,
    findings=_findings,
    read_change=_read_change,
)
