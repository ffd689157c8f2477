"""GitLab as a source: merge requests, CODEOWNERS, deploys and incidents (REST, GraphQL)."""

from data.sources.gitlab.client import GitLabClient, GitLabError
from data.sources.gitlab.doctor import Finding, gitlab_findings
from data.sources.gitlab.keys import merge_request_key, merge_request_url, parse_merge_request
from data.sources.gitlab.merge_requests import MergeRequestsSource
from data.sources.gitlab.settings import GitLabSourceConfig
from data.sources.gitlab.source import gitlab_client, gitlab_sources, gitlab_token

__all__ = [
    "Finding",
    "GitLabClient",
    "GitLabError",
    "GitLabSourceConfig",
    "MergeRequestsSource",
    "gitlab_client",
    "gitlab_findings",
    "gitlab_sources",
    "gitlab_token",
    "merge_request_key",
    "merge_request_url",
    "parse_merge_request",
]
