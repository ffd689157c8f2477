"""What ``riskbrief doctor`` checks of Codecov: the address and token, and each repository.

Each check is one ``Finding`` (``data.sources.spec``): ``(ok, message, fix)``; ``fix`` is
``None`` when ``ok``.
"""

from __future__ import annotations

from data.sources.codecov.client import CodecovClient, CodecovError
from data.sources.spec import Finding

__all__ = ["check_repository", "check_token", "codecov_findings"]


def check_token(client: CodecovClient, owner: str, token_env: str) -> Finding:
    """Codecov answers at the address and takes the token (``GET /api/v2/<service>/<owner>/``)."""
    try:
        client.json(f"/api/v2/{client.service}/{owner}/")
    except CodecovError as exc:
        if exc.status in (401, 403):
            return Finding(
                False,
                f"Codecov refused the token in {token_env}",
                f"set {token_env} to an API access token from Codecov's Settings > Access",
            )
        if exc.status == 404:
            return Finding(
                False,
                f"Codecov does not know the owner {owner!r} on {client.service}",
                "check the owner of repositories in [sources.codecov] and its service",
            )
        return Finding(
            False,
            f"no Codecov API answers at {client.base_url}: {exc}",
            "set base_url in [sources.codecov] to the API's address, e.g. https://api.codecov.io",
        )
    return Finding(True, f"Codecov at {client.base_url} takes the token for {owner}")


def check_repository(client: CodecovClient, repository: str) -> Finding:
    """The repository is on Codecov and the token may read it."""
    try:
        data = client.json(f"{client.repo_path(repository)}/")
    except CodecovError as exc:
        return Finding(
            False,
            f"Codecov cannot read {repository}: {exc}",
            f"check {repository!r} in [sources.codecov] and that the token's user can see it",
        )
    active = data.get("active") if isinstance(data, dict) else None
    if active is False:
        return Finding(
            False,
            f"{repository} is on Codecov but has no coverage uploaded",
            "upload coverage from CI to Codecov, or send it to `riskbrief coverage record`",
        )
    return Finding(True, f"Codecov has coverage of {repository}")


def codecov_findings(
    client: CodecovClient, repositories: tuple[str, ...], token_env: str
) -> list[Finding]:
    """The token, then each repository; repositories are not checked past a refused token."""
    owners = sorted({r.split("/")[0] for r in repositories})
    found = [check_token(client, owner, token_env) for owner in owners[:1]]
    if found and not found[0].ok:
        return found
    return found + [check_repository(client, r) for r in repositories]
