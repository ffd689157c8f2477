"""``POST /github/webhook``: GitHub's pull request events, checked at the door, answered once.

In order, before any JSON is parsed: the endpoint is on (``GITHUB_WEBHOOK_SECRET``
set, else 404), the method is POST (405), the body is at most ``MAX_BODY`` bytes
(413), and ``X-Hub-Signature-256`` is the HMAC-SHA256 of the body with the
secret (401). Then an event the check does not use (anything but
``pull_request``, or one of its actions it does not act on) is answered 204
without work; a body that is not a ``pull_request`` event is 400; a delivery
whose ``X-GitHub-Delivery`` was answered before (or is being worked on, for less
than ``RECLAIM_AFTER``) is 200 with nothing done.
Otherwise the work is done inline (``bot.github.pull_check``: well under
GitHub's 10 seconds) and answered 200 with what it did; when GitHub fails on
the way the delivery is forgotten and answered 502, so a redelivery does it.
Every refusal here is JSON ``{"error": "<one sentence>"}``; a body past ``serve``'s
own limit (waitress' ``max_request_body_size``) is refused by waitress in plain text
before it gets here.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.change_check import BadEvent
from bot.github.pull_check import USED_ACTIONS, PullCheck, pull_event
from bot.webhook_door import (
    MAX_BODY,
    NotJson,
    answer,
    answer_once,
    hub_signature,
    json_of,
    posted_body,
    refuse,
)
from data.clock import utcnow

__all__ = ["MAX_BODY", "WEBHOOK_PATH", "github_webhook"]

WEBHOOK_PATH = "/github/webhook"
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")
_DELIVERY = re.compile(r"[A-Za-z0-9-]{1,100}")


def _refuse(start_response: StartResponse, status: int, error: str) -> list[bytes]:
    return refuse(start_response, status, error, host="github")


def github_webhook(
    engine: Engine,
    secret: SecretStr | None,
    check: PullCheck | None,
    clock: Callable[[], datetime] = utcnow,
    *,
    off: str | None = None,
) -> WSGIApplication:
    """The WSGI application answering ``POST /github/webhook`` (see the module's doc).

    ``off`` says why the webhook is off (``bot.github.webhook_off``) when ``check`` is None.
    """

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if secret is None or check is None:
            return _refuse(
                start_response,
                404,
                off
                or "the GitHub webhook is off; set GITHUB_WEBHOOK_SECRET and GitHub credentials",
            )
        body = posted_body(environ, start_response, host="github", sender="GitHub")
        if isinstance(body, list):
            return body
        given = str(environ.get("HTTP_X_HUB_SIGNATURE_256", ""))
        expected = hub_signature(secret.get_secret_value(), body)
        if not _SIGNATURE.fullmatch(given) or not hmac.compare_digest(given, expected):
            return _refuse(
                start_response,
                401,
                "the delivery is not signed with the webhook secret (X-Hub-Signature-256)",
            )
        event = str(environ.get("HTTP_X_GITHUB_EVENT", ""))
        delivery = str(environ.get("HTTP_X_GITHUB_DELIVERY", ""))
        if event != "pull_request":
            return answer(start_response, 204, None)
        if not _DELIVERY.fullmatch(delivery):
            return _refuse(start_response, 400, "the delivery has no usable X-GitHub-Delivery id")
        try:
            payload = json_of(body)
        except NotJson as exc:
            return _refuse(start_response, 400, str(exc))
        action = payload.get("action") if isinstance(payload, dict) else None
        if isinstance(action, str) and action not in USED_ACTIONS:
            return answer(start_response, 204, None)
        try:
            pull = pull_event(payload)
        except BadEvent as exc:
            return _refuse(start_response, 400, str(exc))
        if not check.knows(pull.repository):
            return answer(start_response, 204, None)
        return answer_once(
            start_response,
            engine,
            delivery=delivery,
            event=event,
            key=pull.key,
            work=lambda: check.handle(pull),
            clock=clock,
            host="github",
        )

    return application
