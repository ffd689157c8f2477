"""GitHub's answers read: JSON bodies, GraphQL errors, and refusals as one sentence each."""

from __future__ import annotations

import json
from typing import Any

import httpx

from scoring.errors import SourceError

__all__ = [
    "GitHubUnavailable",
    "graphql_error",
    "graphql_json",
    "graphql_refusal",
    "json_of",
    "not_found",
    "rate_limited",
    "refusal",
    "short",
    "usable_partial",
]


class GitHubUnavailable(SourceError):
    """GitHub answered 5xx or not at all; the caller may retry with a smaller request."""


def short(url: str) -> str:
    """The path of ``url``, as the sentences name what was asked for."""
    return httpx.URL(url).path or url


def refusal(response: httpx.Response, url: str) -> SourceError:
    """The sentence for a REST (or GraphQL) answer of 400 or more."""
    status = response.status_code
    if status == 401:
        return SourceError(
            "GitHub refused the credentials (401); check GITHUB_TOKEN or the GitHub App "
            "settings (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)."
        )
    if status == 403:
        return SourceError(
            f"GitHub denied access to {short(url)} (403); give the token read access to "
            "the repository's contents, pull requests, deployments and issues."
        )
    if status == 404:
        return SourceError(
            f"GitHub has no {short(url)} (404), or the token cannot see it; check the "
            "repository name in riskbrief.toml and the token's access."
        )
    if status >= 500:
        return GitHubUnavailable(
            f"GitHub answered {status} for {short(url)}, a fault on its side; "
            "the next sync resumes from the last checkpoint."
        )
    return SourceError(f"GitHub answered {status} for {short(url)}; see the log.")


def graphql_refusal(response: httpx.Response, url: str) -> SourceError:
    """The sentence for a GraphQL answer of 400 or more."""
    if response.status_code == 404:
        return SourceError(
            f"GitHub has no GraphQL API at {url} (404); check GITHUB_API_URL "
            "(https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server)."
        )
    if response.status_code == 403:
        return SourceError(
            "GitHub denied the GraphQL query (403); give the token read access to the "
            "repository's contents and pull requests, or approve it for the organisation (SSO)."
        )
    return refusal(response, url)


def json_of(response: httpx.Response, url: str) -> Any:
    """The JSON of a REST answer."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SourceError(
            f"GitHub's answer from {short(url)} is not valid JSON; the next sync retries."
        ) from None


def graphql_json(response: httpx.Response, url: str) -> dict[str, Any]:
    """The JSON object of a GraphQL answer; one cut short counts as unavailable."""
    # A GraphQL answer cut short is a symptom of a query too big for GitHub to
    # finish in time, so the caller treats it like a 502 and asks for less.
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise GitHubUnavailable(
            f"GitHub's answer from {short(url)} is not valid JSON (cut short?); "
            "the next sync retries."
        ) from None
    if not isinstance(payload, dict):
        raise SourceError(f"GitHub's answer from {short(url)} is not a JSON object; see the log.")
    return payload


def usable_partial(errors: list[Any]) -> bool:
    """Each error names a ``path`` into the answer's data: the rest of it is usable."""
    return all(isinstance(e, dict) and e.get("path") for e in errors)


def not_found(errors: list[Any]) -> bool:
    """One of the errors says something asked for does not exist."""
    return any(isinstance(e, dict) and e.get("type") == "NOT_FOUND" for e in errors)


def graphql_error(errors: list[Any]) -> SourceError:
    """The sentence for a GraphQL answer's errors."""
    found = [e for e in errors if isinstance(e, dict) and e.get("type") == "NOT_FOUND"]
    first = (found or errors)[0]
    if not isinstance(first, dict):
        first = {"message": str(first)}
    message = str(first.get("message", "no message"))
    if first.get("type") == "NOT_FOUND":
        return SourceError(
            f"GitHub says {message.rstrip('.')}; check the repository names in riskbrief.toml "
            "and the token's access."
        )
    lowered = message.lower()
    if "timeout" in lowered or "timed out" in lowered or "something went wrong" in lowered:
        return GitHubUnavailable(f"GitHub gave up on the GraphQL query ({message.rstrip('.')}).")
    if first.get("type") == "FORBIDDEN":
        return SourceError(
            f"GitHub refused the GraphQL query ({message.rstrip('.')}); give GITHUB_TOKEN or "
            "the GitHub App read access to the repository's contents and pull requests."
        )
    return SourceError(
        f"GitHub's GraphQL API refused the query ({message.rstrip('.')}); the next sync "
        "retries from the last checkpoint and the log has the details."
    )


def rate_limited(errors: list[Any]) -> bool:
    """The errors say the GraphQL API is rate limited."""
    for e in errors:
        if not isinstance(e, dict):
            continue
        if e.get("type") == "RATE_LIMITED" or "rate limit" in str(e.get("message", "")).lower():
            return True
    return False
