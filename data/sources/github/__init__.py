"""GitHub as a source: merged pull requests (GraphQL), deploys, CODEOWNERS and incidents (REST)."""

from data.sources.github.client import (
    Auth,
    GitHubClient,
    GitHubUnavailable,
    RestPage,
    TokenAuth,
    graphql_url,
)
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
