"""The door of CI's endpoints (``POST /deploys``, ``POST /coverage``): one secret, JSON answers.

Both take ``Authorization: Bearer <RISKBRIEF_DEPLOY_SECRET>`` and answer JSON with
``{"error": "<one sentence>"}`` for anything refused; what each does past the door
is its own module's.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import structlog
from pydantic import SecretStr

__all__ = ["CiDoor", "CiReply", "answer", "ci_endpoint", "refusal"]

# An endpoint's answer past the door: its status and its JSON body.
CiReply = tuple[int, dict[str, object]]


@dataclass(frozen=True, slots=True)
class CiDoor:
    """What one CI endpoint says at the door: its realm, its two refusals, its log."""

    realm: str
    off: str
    method: str
    logger: str
    refused_event: str


def answer(
    start_response: StartResponse, status: int, body: dict[str, object], realm: str
) -> list[bytes]:
    """``body`` as JSON with ``status``; a 401 names the realm, a 405 the one method taken."""
    data = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if status == 401:
        headers.append(("WWW-Authenticate", f'Bearer realm="{realm}"'))
    if status == 405:
        headers.append(("Allow", "POST"))
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [data]


def refusal(
    environ: WSGIEnvironment, secret: SecretStr | None, off: str, method: str
) -> tuple[int, str] | None:
    """Why the door stays shut (status and sentence), or ``None`` to go on.

    ``off`` is the sentence while no secret is set (the endpoint is off), ``method`` the
    one for anything but POST. The secret is compared in constant time.
    """
    if secret is None:
        return 404, off
    if environ.get("REQUEST_METHOD") != "POST":
        return 405, method
    scheme, _, token = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    expected = secret.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        return 401, "send the deploy secret as 'Authorization: Bearer <secret>'"
    return None


def ci_endpoint(
    door: CiDoor, secret: SecretStr | None, handle: Callable[[WSGIEnvironment], CiReply]
) -> WSGIApplication:
    """The WSGI application: ``door`` refuses what it must, ``handle`` answers the rest."""
    log = structlog.get_logger(door.logger)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        shut = refusal(environ, secret, door.off, door.method)
        if shut is not None:
            if shut[0] == 401:
                log.warning(door.refused_event, reason="bad secret")
            return answer(start_response, shut[0], {"error": shut[1]}, door.realm)
        status, body = handle(environ)
        return answer(start_response, status, body, door.realm)

    return application
