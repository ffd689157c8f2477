"""Which sources ``riskbrief sync`` runs: built from ``riskbrief.toml`` and the environment.

The composition root for data sources: tokens come from the settings, what to
read from the ``[sources]`` section and ``[[repositories]]``. A source that is
configured but lacks its token is one sentence naming the variable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import Engine
from tqdm import tqdm

from bot.settings import Settings
from data.config import OrgConfig
from data.handoff import Handoff, Source
from data.rules.revert_incidents import RevertIncidents
from data.sources.github.app_auth import app_auth
from data.sources.github.auth import Auth, TokenAuth
from data.sources.github.bugs import GitHubBugsConfig, github_bug_sources
from data.sources.github.client import GitHubClient
from data.sources.github.codeowners import load_codeowners_history
from data.sources.github.deploys import deploy_sources, github_repositories
from data.sources.github.issues import incident_sources
from data.sources.github.pulls import GitHubPullsSource
from data.sources.incident_file import FileImportSource
from data.sources.local_git import LocalGitSource
from data.sources.local_git.gitlog import repository_name
from data.sources.registry import configured
from data.sources.shared_client import close_with_last
from data.sources.spec import SourceContext
from data.sync import run_sources
from scoring.errors import ConfigError

log = structlog.get_logger("riskbrief.sync")

__all__ = [
    "BarProgress",
    "configured_sources",
    "git_sources",
    "github_sources",
    "registered_sources",
    "sync_hook",
]


class BarProgress:
    """One tqdm bar per source on stderr, shown only on a terminal."""

    def __init__(self, enabled: bool | None = None) -> None:
        self._enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bars: dict[str, Any] = {}

    def advance(self, source: str, count: int, unit: str) -> None:
        """Move ``source``'s bar on by ``count`` ``unit``."""
        bar = self._bars.get(source)
        if bar is None:
            bar = tqdm(
                desc=source,
                unit=f" {unit}",
                disable=not self._enabled,
                leave=False,
                file=sys.stderr,
            )
            self._bars[source] = bar
        bar.update(count)

    def close(self) -> None:
        """Clear the bars before the summary lines are printed."""
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


def git_sources(org: OrgConfig, paths: Sequence[Path]) -> list[Source]:
    """Local clones: the given paths, or every ``[[repositories]]`` entry with a ``path``."""
    git = org.sources.git
    if paths:
        out: list[Source] = []
        for path in paths:
            configured = next(
                (
                    r
                    for r in org.repositories
                    if r.path and Path(r.path).expanduser().resolve() == path.resolve()
                ),
                None,
            )
            if configured is not None:
                out.append(LocalGitSource.from_config(configured, org))
            else:
                out.append(
                    LocalGitSource(
                        path, repository_name(path), branch=git.branch, deploy_tags=git.deploy_tags
                    )
                )
        return out
    return [LocalGitSource.from_config(r, org) for r in org.repositories if r.path]


class _PullsWithOwners:
    """Merged PRs of one repository, with CODEOWNERS as of each merge read first."""

    def __init__(self, client: GitHubClient, pulls: GitHubPullsSource) -> None:
        self._client = client
        self._pulls = pulls

    @property
    def name(self) -> str:
        """The PR source's name."""
        return self._pulls.name

    def sync(self, run: Handoff) -> None:
        """Load the CODEOWNERS history (conditional GETs), then sync PRs with it."""
        history = load_codeowners_history(self._client, run, self._pulls.repository)
        self._pulls.owners_of = history.owners_of
        self._pulls.sync(run)


def _github_auth(settings: Settings) -> Auth:
    if settings.github_token is not None:
        return TokenAuth(settings.github_token.get_secret_value())
    key = settings.github_app_private_key
    if settings.github_app_id or key or settings.github_app_installation_id:
        return app_auth(
            settings.github_app_id,
            key.get_secret_value() if key else None,
            settings.github_app_installation_id,
        )
    raise ConfigError(
        "riskbrief.toml has [sources.github] but no GitHub credentials are set; set "
        "GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID."
    )


def github_sources(settings: Settings, org: OrgConfig) -> list[Source]:
    """PRs (with CODEOWNERS), deploys and labelled issues of every GitHub repository."""
    config = org.sources.github
    if config is None:
        return []
    client = GitHubClient(settings.github_api_url, _github_auth(settings))
    out: list[Source] = [
        _PullsWithOwners(
            client, GitHubPullsSource(client, repo, config, org.sources.first_sync_days)
        )
        for repo in github_repositories(org, config)
    ]
    out.extend(deploy_sources(client, org, config))
    out.extend(incident_sources(client, org, config))
    if config.bug_labels:
        bugs = GitHubBugsConfig(
            bug_labels=config.bug_labels, repositories=tuple(github_repositories(org, config))
        )
        out.extend(github_bug_sources(client, org, bugs))
    close_with_last(out, client)
    return out


def registered_sources(
    settings: Settings, org: OrgConfig, environ: Mapping[str, str] | None = None
) -> list[Source]:
    """The sources declared through the seam (``data.sources.registry``) whose table is set."""
    context = SourceContext(org, os.environ if environ is None else environ, settings.config.parent)
    out: list[Source] = []
    for spec, source_settings in configured(org):
        out.extend(spec.sources(source_settings, context))
    return out


def configured_sources(
    settings: Settings,
    org: OrgConfig,
    git_paths: Sequence[Path] = (),
    environ: Mapping[str, str] | None = None,
) -> list[Source]:
    """Every source to sync, in an order where later ones can use what earlier ones stored.

    With ``git_paths`` only those clones are mined (``riskbrief sync --git PATH``).
    Changes come before deploys (a deploy ships changes already stored) and
    reverts become incidents last, once every change is in the store. A source
    configured without its credentials is a ``ConfigError`` naming the variable.
    A registered source reads its credentials from ``environ`` (the process's).
    """
    sources: list[Source] = list(git_sources(org, git_paths))
    if not git_paths:
        sources.extend(github_sources(settings, org))
        # GitLab, Codecov (its comparisons attach to changes already stored), then the
        # incident tools: the registry's order.
        sources.extend(registered_sources(settings, org, environ))
        base = settings.config.parent
        sources.extend(FileImportSource(f, base) for f in org.sources.files)
    if org.sources.reverts_as_incidents:
        sources.append(RevertIncidents())
    return sources


def sync_hook(
    settings: Settings, record: Callable[[str, str | None], None] | None = None
) -> Callable[[Engine, OrgConfig], None]:
    """What ``serve``'s scheduler runs to sync: every configured source, summaries to the log
    and, when given, to ``record`` (the source's name and its error, if any)."""

    def sync(engine: Engine, org: OrgConfig) -> None:
        for summary in run_sources(engine, org, configured_sources(settings, org)):
            if record is not None:
                record(summary.source, summary.error)
            log.info(
                "sync.source",
                source=summary.source,
                added=summary.added,
                updated=summary.updated,
                skipped=summary.skipped,
                error=summary.error,
            )

    return sync
