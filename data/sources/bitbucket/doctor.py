"""What ``riskbrief doctor`` checks of Bitbucket, per edition: address, token, scopes, repositories.

Each check is one ``Finding`` (``ok``, what it saw, the fix); later checks are
skipped once the address or the token fails, as the GitLab doctor does.

- Cloud: the API answers at ``api_url``; the token is accepted; its scopes (the
  ``X-OAuth-Scopes`` an access token's answers carry, else a one-item list of
  pull requests, whose 403 names the missing scope) read repositories, pull
  requests and, with deployments, pipelines; each repository is readable.
- Data Center: ``/application-properties`` names the server's version; the
  token is accepted (its user is ``X-AUSERNAME``); it may read pull requests
  (repository read permission); each repository is readable.
"""

from __future__ import annotations

from data.sources.bitbucket.client import BitbucketClient, BitbucketError
from data.sources.bitbucket.datacenter import repo_path
from data.sources.spec import Finding

__all__ = ["cloud_findings", "dc_findings"]

# Access tokens' scope names, and the API tokens' scoped equivalents.
_CLOUD_NEEDED = ("repository", "pullrequest")


def _repository(client: BitbucketClient, path: str, shown: str, table: str) -> Finding:
    try:
        client.get(path)
    except BitbucketError as exc:
        if exc.status == 404:
            return Finding(
                False,
                f"{client.name} has no repository {shown} the token can see",
                f"check {shown!r} in {table} repositories and the token's access to it",
            )
        return Finding(False, f"{client.name} refused repository {shown}: {exc}", str(exc))
    return Finding(True, f"repository {shown} is readable")


def _no_repositories(table: str, example: str) -> Finding:
    return Finding(
        False, f"{table} lists no repositories", f'add repositories = ["{example}"] to {table}'
    )


def cloud_findings(
    client: BitbucketClient, repositories: tuple[str, ...], token_env: str, pipelines: bool
) -> list[Finding]:
    """Every Cloud check in order: address, token, scopes, each repository."""
    table = "[sources.bitbucket]"
    probe = f"repositories/{repositories[0]}" if repositories else "repositories"
    try:
        page = client.get(probe, {"pagelen": 1})
        status = page.status
        scopes_header = page.headers.get("x-oauth-scopes")
    except BitbucketError as exc:
        if exc.status is None or exc.status >= 500:
            return [
                Finding(
                    False,
                    f"no Bitbucket Cloud answers at {client.base_url}: {exc}",
                    f"leave api_url in {table} unset (https://api.bitbucket.org) or fix it",
                )
            ]
        status, scopes_header = exc.status, None
    address = Finding(True, f"Bitbucket Cloud answers at {client.base_url}")
    if status == 401:
        return [
            address,
            Finding(
                False,
                f"Bitbucket Cloud refused the token in {token_env}",
                f"set {token_env} to a workspace, project or repository access token, or an "
                f"API token with email set in {table}",
            ),
        ]
    token = Finding(True, "Bitbucket Cloud accepts the token")
    needed = (*_CLOUD_NEEDED, "pipeline") if pipelines else _CLOUD_NEEDED
    fix = (
        f"create a token with read access to {', '.join(needed)} (an API token's "
        f"read:{needed[0]}:bitbucket and the like) and put it in {token_env}"
    )
    if scopes_header is not None:
        granted = {s.strip().split(":")[0] for s in scopes_header.split(",") if s.strip()}
        missing = [s for s in needed if s not in granted]
        scopes = (
            Finding(False, f"the token lacks the {', '.join(missing)} scope", fix)
            if missing
            else Finding(True, f"the token has {', '.join(needed)}")
        )
    elif repositories:
        try:
            client.get(f"repositories/{repositories[0]}/pullrequests", {"pagelen": 1})
            scopes = Finding(True, "the token reads pull requests")
        except BitbucketError as exc:
            scopes = (
                Finding(False, str(exc), fix)
                if exc.status == 403
                else Finding(True, "the token's scopes were not refused")
            )
    else:
        scopes = Finding(True, "the token's scopes are checked with a repository")
    if not scopes.ok:
        return [address, token, scopes]
    if not repositories:
        return [address, token, scopes, _no_repositories(table, "workspace/repo-slug")]
    return [
        address,
        token,
        scopes,
        *(_repository(client, f"repositories/{r}", r, table) for r in repositories),
    ]


def dc_findings(
    client: BitbucketClient, repositories: tuple[str, ...], token_env: str
) -> list[Finding]:
    """Every Data Center check in order: address, token, permission, each repository."""
    table = "[sources.bitbucket_dc]"
    try:
        page = client.get("application-properties")
    except BitbucketError as exc:
        if exc.status == 401:
            return [
                Finding(True, f"Bitbucket Data Center answers at {client.base_url}"),
                Finding(
                    False,
                    f"Bitbucket Data Center refused the token in {token_env}",
                    f"set {token_env} to an HTTP access token with repository read "
                    "permission that has not expired",
                ),
            ]
        return [
            Finding(
                False,
                f"no Bitbucket Data Center answers at {client.base_url}: {exc}",
                f"set base_url in {table} to the server's web address",
            )
        ]
    data = page.data if isinstance(page.data, dict) else {}
    version = data.get("version")
    if not isinstance(version, str):
        return [
            Finding(
                False,
                f"{client.base_url} answers, but not as Bitbucket Data Center",
                f"set base_url in {table} to the server's web address (without /rest/api)",
            )
        ]
    address = Finding(True, f"Bitbucket Data Center {version} at {client.base_url}")
    user = page.headers.get("x-ausername")
    token = Finding(
        True, f"Bitbucket Data Center accepts the token as {user}" if user else "token accepted"
    )
    if not repositories:
        return [address, token, _no_repositories(table, "PROJECT/repo-slug")]
    try:
        client.get(f"{repo_path(repositories[0])}/pull-requests", {"limit": 1})
        scopes = Finding(True, "the token may read pull requests (repository read)")
    except BitbucketError as exc:
        if exc.status not in (401, 403):
            scopes = Finding(True, "the token's permission was not refused")
        else:
            scopes = Finding(
                False,
                "the token lacks repository read permission",
                f"create an HTTP access token with Repository read (or Project read) and put "
                f"it in {token_env}",
            )
    if not scopes.ok:
        return [address, token, scopes]
    return [
        address,
        token,
        scopes,
        *(_repository(client, repo_path(r), r, table) for r in repositories),
    ]
