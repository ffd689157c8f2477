"""What ``riskbrief doctor`` checks of GitLab: the base URL, the token, its scopes, each project.

Each check is one ``Finding``: ``(ok, message, fix)``, a plain value the
doctor wraps into its own check lines; ``fix`` is ``None`` when ``ok``.
"""

from __future__ import annotations

from typing import Any

from data.sources.gitlab.client import GitLabClient, GitLabError, project_id
from data.sources.spec import Finding

__all__ = [
    "Finding",
    "check_base_url",
    "check_project",
    "check_projects",
    "check_scopes",
    "check_token",
    "gitlab_findings",
]

_READ_SCOPES = frozenset({"read_api", "api"})


def check_base_url(client: GitLabClient) -> Finding:
    """``GET /version`` answers with a GitLab version at the configured address."""
    try:
        page = client.get("version")
    except GitLabError as exc:
        if exc.status in (401, 403):
            # GitLab answered (it wants a token): the address is right; the token is next.
            return Finding(True, f"GitLab answers at {client.base_url}")
        return Finding(
            False,
            f"no GitLab answers at {client.base_url}: {exc}",
            "set base_url in [sources.gitlab] to GitLab's address, e.g. https://gitlab.com "
            "or https://git.example.com/gitlab",
        )
    version = page.data.get("version") if isinstance(page.data, dict) else None
    if not isinstance(version, str):
        return Finding(
            False,
            f"{client.base_url} answers, but not as GitLab's API",
            "set base_url in [sources.gitlab] to GitLab's web address (without /api/v4)",
        )
    return Finding(True, f"GitLab {version} at {client.base_url}")


def _token_info(client: GitLabClient) -> dict[str, Any] | GitLabError:
    try:
        page = client.get("personal_access_tokens/self")
    except GitLabError as exc:
        return exc
    return page.data if isinstance(page.data, dict) else {}


def check_token(client: GitLabClient, token_env: str = "RISKBRIEF_GITLAB_TOKEN") -> Finding:
    """The token is one GitLab knows, active and not expired."""
    info = _token_info(client)
    if isinstance(info, GitLabError):
        if info.status == 403 and "read_api" in str(info):
            # The token is valid but narrow: the scope check says what to add.
            return Finding(True, "GitLab accepts the token")
        return Finding(
            False,
            f"GitLab refused the token in {token_env}",
            f"set {token_env} to a personal, group or project access token with read_api",
        )
    if info.get("active") is False or info.get("revoked") is True:
        return Finding(
            False,
            f"the token in {token_env} is revoked or expired",
            f"create a new access token with read_api and put it in {token_env}",
        )
    name = info.get("name")
    expires = info.get("expires_at")
    until = f", expires {expires}" if isinstance(expires, str) else ""
    return Finding(True, f"GitLab accepts the token {name!r}{until}" if name else "token accepted")


def check_scopes(client: GitLabClient, token_env: str = "RISKBRIEF_GITLAB_TOKEN") -> Finding:
    """The token's scopes include ``read_api`` (or ``api``)."""
    info = _token_info(client)
    fix = f"create an access token with the read_api scope and put it in {token_env}"
    if isinstance(info, GitLabError):
        if info.status == 403:
            return Finding(False, "the token lacks the read_api scope", fix)
        return Finding(False, f"the token's scopes cannot be read: {info}", fix)
    scopes = info.get("scopes")
    if not isinstance(scopes, list):
        return Finding(False, "GitLab did not say the token's scopes", fix)
    if not _READ_SCOPES & {str(s) for s in scopes}:
        shown = ", ".join(str(s) for s in scopes) or "none"
        return Finding(False, f"the token's scopes ({shown}) do not include read_api", fix)
    return Finding(True, f"the token has {'read_api' if 'read_api' in scopes else 'api'}")


def check_project(client: GitLabClient, project: str) -> Finding:
    """``project`` exists and the token can read it."""
    try:
        page = client.get(f"projects/{project_id(project)}")
    except GitLabError as exc:
        if exc.status == 404:
            return Finding(
                False,
                f"GitLab has no project {project} the token can see",
                f"check {project!r} is the project's full path (group/subgroup/project) and "
                "that the token's user is a member with at least Reporter",
            )
        return Finding(
            False,
            f"GitLab refused project {project}: {exc}",
            "give the token's user at least the Reporter role on the project",
        )
    shown = page.data.get("path_with_namespace") if isinstance(page.data, dict) else None
    return Finding(True, f"project {shown or project} is readable")


def check_projects(client: GitLabClient, projects: tuple[str, ...]) -> list[Finding]:
    """One finding per configured project; one saying none is configured when that is so."""
    if not projects:
        return [
            Finding(
                False,
                "[sources.gitlab] lists no projects",
                'add projects = ["group/subgroup/project"] to [sources.gitlab]',
            )
        ]
    return [check_project(client, p) for p in projects]


def gitlab_findings(
    client: GitLabClient, projects: tuple[str, ...], token_env: str = "RISKBRIEF_GITLAB_TOKEN"
) -> list[Finding]:
    """Every GitLab check in order; later ones are skipped once the address or token fails."""
    address = check_base_url(client)
    if not address.ok:
        return [address]
    token = check_token(client, token_env)
    if not token.ok:
        return [address, token]
    scopes = check_scopes(client, token_env)
    if not scopes.ok:
        return [address, token, scopes]
    return [address, token, scopes, *check_projects(client, projects)]
