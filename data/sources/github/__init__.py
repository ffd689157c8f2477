"""GitHub as a source: merged pull requests (GraphQL), deploys, CODEOWNERS and incidents (REST)."""

from data.sources.github.auth import Auth, TokenAuth
from data.sources.github.client import GitHubClient, GitHubUnavailable, RestPage, graphql_url
from data.sources.github.pulls import GitHubPullsSource, OwnersOf

__all__ = [
    "Auth",
    "GitHubClient",
    "GitHubPullsSource",
    "GitHubUnavailable",
    "OwnersOf",
    "RestPage",
    "TokenAuth",
    "graphql_url",
]
