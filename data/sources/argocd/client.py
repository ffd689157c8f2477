"""Argo CD's REST API over httpx: a bearer token, one application read at a time, retries by
the one policy (``data.http.retry``), and every refusal one sentence: a ``RestClient``
(``data.http.rest``) with Argo CD's headers and sentences.

Argo CD's API server answers ``401`` to a token it does not take (expired, revoked, of
another server) and ``403`` ("permission denied") both to an application the token's
account may not get and, unless the request names a ``project``, to an application that
does not exist, so that a name's existence is not told to who may not see it; with a
``project`` an unknown application (or one in another project) is ``404``.
"""

from __future__ import annotations

from typing import Any, Unpack
from urllib.parse import quote, unquote

import httpx

from data.http.rest import ApiError, RestClient, Transport

__all__ = ["ArgoCDClient", "ArgoCDError"]

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_APPS = "/api/v1/applications/"


class ArgoCDError(ApiError):
    """Argo CD refused a request or answered something that is not its API's JSON."""


def _application(url: str) -> str:
    """The application's name in a request for it, else empty."""
    path = httpx.URL(url).path
    return unquote(path.split(_APPS, 1)[1].split("/")[0]) if _APPS in path else ""


class ArgoCDClient(RestClient):
    """Requests to one Argo CD server's API with one token; ``sleep`` and ``clock`` are seams.

    ``max_wait`` is the most one request waits in all (the retry policy's budget).
    """

    error = ArgoCDError
    unreachable = "cannot reach {name} at {base_url} ({exc}); check {where} and the network"
    not_json = (
        "{name}'s answer to {what} is not JSON; check {where} (the Argo CD server's address, "
        "e.g. https://argocd.example.com)"
    )

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        token_env: str = "ARGOCD_AUTH_TOKEN",
        **transport: Unpack[Transport],
    ) -> None:
        base = base_url.rstrip("/")
        # Connecting is given less time than an answer: a wrong url fails sooner.
        transport.setdefault("timeout", _TIMEOUT)
        super().__init__(
            "Argo CD",
            base,
            base,
            token,
            where="url in [sources.argocd]",
            token_env=token_env,
            **transport,
        )

    def application(self, name: str, project: str | None = None) -> dict[str, Any]:
        """``GET /api/v1/applications/{name}``: the Application, its ``status`` with them."""
        params = {"project": project} if project else None
        data = self.json(f"{_APPS}{quote(name, safe='')}", params)
        if not isinstance(data, dict):
            raise ArgoCDError(f"Argo CD's answer for application {name!r} is not an object")
        return data

    # -- what Argo CD says ------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}

    def _refusal(self, response: httpx.Response, url: str) -> ArgoCDError:
        status = response.status_code
        name = _application(url)
        if status == 401:
            return ArgoCDError(
                f"Argo CD refused the token in {self._token_env} (401); set it to an API token "
                "of an Argo CD account (`argocd account generate-token`)",
                status,
            )
        if status == 403 and name:
            return ArgoCDError(
                f"Argo CD denied reading application {name!r} (403): it has no application of "
                "that name, or the token's account may not get it; check the name in "
                "[sources.argocd] applications and the account's RBAC (applications, get), or "
                "set the application's project to tell the two apart",
                status,
            )
        if status == 404 and name:
            # The query is the request's, not part of ``url``.
            project = response.request.url.params.get("project", "")
            return ArgoCDError(
                f"Argo CD has no application {name!r} in project {project!r} (404); check its "
                "name and project in [sources.argocd] applications",
                status,
            )
        if status == 403:
            return ArgoCDError(
                f"Argo CD denied the token in {self._token_env} (403); give its account read "
                "access to the applications",
                status,
            )
        return ArgoCDError(self._say(self.failed, url, status), status)
