"""What ``riskbrief doctor`` checks of Argo CD: one line per application, read as a sync reads
it (the server answers, the token is taken, the application is there), with its history's
length and its newest deploy.

Each check is one ``Finding`` (``data.sources.spec``): ``(ok, message, fix)``; ``fix`` is
``None`` when ``ok``. A refused token or a server that does not answer is one line, not one
per application.
"""

from __future__ import annotations

from collections.abc import Sequence

from data.config.sources.argocd import ArgoCDAppConfig
from data.sources.argocd.client import ArgoCDClient, ArgoCDError
from data.sources.argocd.source import ArgoStatus, read_status
from data.sources.spec import Finding

__all__ = ["argocd_findings"]

_TOKEN_FIX = "set {env} to an API token of an Argo CD account (`argocd account generate-token`)"


def _refused(exc: ArgoCDError, client: ArgoCDClient, app: ArgoCDAppConfig, env: str) -> Finding:
    """The finding of a request for ``app`` that failed."""
    if exc.status == 401:
        message = f"Argo CD at {client.base_url} refused the token in {env}"
        return Finding(False, message, _TOKEN_FIX.format(env=env))
    if exc.status == 403:
        return Finding(
            False,
            f"Argo CD denied reading application {app.name!r} (403): no such application, or "
            "the token's account may not get it",
            "check the name in [sources.argocd] applications and the account's RBAC "
            "(applications, get), or set the application's project to tell the two apart",
        )
    if exc.status == 404:
        return Finding(
            False,
            f"Argo CD has no application {app.name!r} in project {app.project!r}",
            "check the application's name and project in [sources.argocd] applications",
        )
    return Finding(
        False,
        f"no Argo CD answers at {client.base_url}: {exc}",
        "set url in [sources.argocd] to the Argo CD server's address, e.g. "
        "https://argocd.example.com",
    )


def _read(app: ArgoCDAppConfig, status: ArgoStatus) -> Finding:
    """An application that answered: its history's length and its newest deploy."""
    newest = status.newest
    if newest is None:
        return Finding(
            False,
            f"Argo CD application {app.name} ({app.service}) has no sync in its history, so "
            "no deploy of it is read",
            f"sync {app.name} once in Argo CD, or check it is the application that deploys "
            f"{app.service}",
        )
    shipped = newest.revision[:12] or "an unknown revision"
    count = f"{len(status.history)} sync{'' if len(status.history) == 1 else 's'}"
    message = (
        f"Argo CD application {app.name} ({app.service}): {count} in its history, the newest "
        f"of {shipped} at {newest.deployed_at:%Y-%m-%d %H:%M} UTC"
    )
    operation = status.operation
    if operation is not None and operation.failed:
        message += f"; its latest sync ended {operation.phase}"
    return Finding(True, message)


def argocd_findings(
    client: ArgoCDClient, applications: Sequence[ArgoCDAppConfig], env: str
) -> list[Finding]:
    """One finding per application; none past a refused token or a server that is not there."""
    out: list[Finding] = []
    for app in applications:
        try:
            status = read_status(client.application(app.name, app.project))
        except ArgoCDError as exc:
            out.append(_refused(exc, client, app, env))
            # Only a 403 or 404 is the application's own: the rest would repeat for each.
            if exc.status in (403, 404):
                continue
            break
        out.append(_read(app, status))
    return out
