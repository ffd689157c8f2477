"""What ``riskbrief doctor`` checks of Linear: the API key (``viewer``) and each team.

Each check is one ``Finding``: ``(ok, message, fix)``, as the GitLab source's.
"""

from __future__ import annotations

from data.sources.linear.client import (
    AUTHENTICATION_ERROR,
    SERVER_ERROR,
    UNREACHABLE,
    LinearClient,
    LinearError,
    as_dict,
)
from data.sources.spec import Finding

__all__ = ["TEAM_QUERY", "VIEWER_QUERY", "Finding", "check_team", "check_viewer", "linear_findings"]

VIEWER_QUERY = "query RiskbriefViewer { viewer { id name email } }"
TEAM_QUERY = (
    "query RiskbriefTeam($key: String!) "
    "{ teams(filter: { key: { eq: $key } }) { nodes { id key name } } }"
)


def check_viewer(client: LinearClient, token_env: str = "RISKBRIEF_LINEAR_API_KEY") -> Finding:
    """``viewer`` answers: Linear knows the API key."""
    try:
        data = client.query(VIEWER_QUERY)
    except LinearError as exc:
        return _viewer_failed(client, token_env, exc)
    viewer = as_dict(data.get("viewer"))
    name = viewer.get("name") or viewer.get("email")
    return Finding(
        True, f"Linear accepts the API key of {name!r}" if name else "Linear accepts the API key"
    )


def _viewer_failed(client: LinearClient, token_env: str, exc: LinearError) -> Finding:
    # Only a refusal is the key's fault; an unreachable or failing Linear is fixed elsewhere,
    # and telling the user to replace a good key would send them the wrong way.
    if exc.code == AUTHENTICATION_ERROR or exc.status in (401, 403):
        return Finding(
            False,
            f"Linear at {client.api_url} refused the API key in {token_env}",
            f"set {token_env} to a personal API key (Linear, Settings, Security & access)",
        )
    if exc.code == UNREACHABLE:
        return Finding(
            False,
            f"Linear at {client.api_url} cannot be reached",
            "check the network, a proxy (HTTPS_PROXY) and api_url in [sources.linear]",
        )
    if exc.code == SERVER_ERROR:
        said = (
            f"answered {exc.status} (a server error)"
            if exc.status is not None
            else "did not answer in time"
        )
        return Finding(
            False,
            f"Linear at {client.api_url} {said}",
            "check status.linear.app (or api_url in [sources.linear]) and run doctor again",
        )
    return Finding(
        False,
        f"Linear at {client.api_url} cannot be read: {exc}",
        "check api_url in [sources.linear] is Linear's GraphQL endpoint "
        "(https://api.linear.app/graphql)",
    )


def check_team(client: LinearClient, team: str) -> Finding:
    """Team ``team`` exists and the key's user can read it."""
    try:
        data = client.query(TEAM_QUERY, {"key": team})
    except LinearError as exc:
        return Finding(False, f"Linear refused team {team}: {exc}", "see the log")
    teams = as_dict(data.get("teams"))
    nodes = teams.get("nodes") or []
    if not nodes:
        return Finding(
            False,
            f"Linear has no team {team} the API key can read",
            f"check {team!r} is the team's key (the prefix of its issue identifiers) and that "
            "the key's user is a member",
        )
    name = nodes[0].get("name") if isinstance(nodes[0], dict) else None
    return Finding(
        True, f"team {team} ({name}) is readable" if name else f"team {team} is readable"
    )


def linear_findings(
    client: LinearClient, teams: tuple[str, ...], token_env: str = "RISKBRIEF_LINEAR_API_KEY"
) -> list[Finding]:
    """Every Linear check in order; the teams are skipped when the key fails."""
    viewer = check_viewer(client, token_env)
    if not viewer.ok:
        return [viewer]
    if not teams:
        return [
            viewer,
            Finding(
                False, "[sources.linear] lists no teams", 'add teams = ["ENG"] to [sources.linear]'
            ),
        ]
    return [viewer, *(check_team(client, t) for t in teams)]
