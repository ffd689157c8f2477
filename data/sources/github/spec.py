"""GitHub declared to the app once: ``[sources.github]``, its credentials and its sync.

``GITHUB`` is what ``data.sources.registry`` lists. It imports only the settings
model and the credentials' model; the client and the sync are imported inside the
function that builds them, so reading the registry loads neither httpx nor the store.
The doctor's ``github`` line and the PR check (``bot.github``) read the same
credentials (``data.sources.github.credentials``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from data.config.sources.github import GitHubSourceConfig
from data.sources.github.credentials import DEFAULT_API_URL, github_credentials
from data.sources.spec import EnvVar, SourceContext, SourceSpec

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["GITHUB"]


def _sources(settings: GitHubSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.github.sources import github_sources

    return github_sources(settings, github_credentials(context.environ), context.org)


def _check_variables(environ: Mapping[str, str]) -> None:
    github_credentials(environ)


GITHUB = SourceSpec(
    key="github",
    title="GitHub",
    settings=GitHubSourceConfig,
    env=(
        EnvVar(
            "GITHUB_TOKEN",
            "a GitHub token (fine-grained PAT or Actions' `GITHUB_TOKEN`) with read access to "
            "contents, pull requests, deployments, actions and issues",
            secret=True,
        ),
        EnvVar(
            "GITHUB_APP_ID",
            "sync as a GitHub App instead (with the next two): the App's id",
        ),
        EnvVar(
            "GITHUB_APP_PRIVATE_KEY",
            "the App's private key (PEM text or a `.pem` path)",
            secret=True,
        ),
        EnvVar("GITHUB_APP_INSTALLATION_ID", "the App's installation id"),
        EnvVar(
            "GITHUB_API_URL",
            "GitHub Enterprise Server's `https://HOST/api/v3` (GraphQL is then "
            "`https://HOST/api/graphql`), or a local fake",
            default=f"`{DEFAULT_API_URL}`",
        ),
    ),
    sources=_sources,
    check_variables=_check_variables,
)
