"""GitHub as a source: merged pull requests (GraphQL), deploys, CODEOWNERS and incidents (REST)."""

from data.sources.github.client import (
    Auth,
    GitHubClient,
    GitHubUnavailable,
    RestPage,
    TokenAuth,
    graphql_url,
)

__all__ = ["Auth", "GitHubClient", "GitHubUnavailable", "RestPage", "TokenAuth", "graphql_url"]
