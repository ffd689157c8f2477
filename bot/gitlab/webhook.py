"""``POST /gitlab/webhook``: GitLab's merge request events, checked at the door, answered once.

In order, before any JSON is parsed: the endpoint is on (``GITLAB_WEBHOOK_SECRET`` set
and ``[sources.gitlab]`` with projects and its token, else 404 saying what to set),
the method is POST (405), the body is at most ``MAX_BODY`` bytes (413), and
``X-Gitlab-Token`` equals the secret, compared in constant time (401).

GitLab's webhooks carry the secret itself in ``X-Gitlab-Token``, not a signature of
the body: anyone who reads one delivery can send others. Recent GitLab versions can
also sign deliveries (a webhook's signing token, ``whsec_…``, behind the
``webhook_signing_token`` feature flag): ``webhook-signature`` is ``v1,`` and the
base64 HMAC-SHA256 of ``{webhook-id}.{webhook-timestamp}.{body}`` under the token's
key, as the Standard Webhooks specification writes it. When
``GITLAB_WEBHOOK_SIGNING_TOKEN`` is set, every delivery must carry a valid one, with a
timestamp within ``TOLERANCE`` of now, as well as the token (401 otherwise); unset,
the token alone is checked, as GitLab without the flag sends nothing else.

Then an event other than ``Merge Request Hook`` is 204 without work; a delivery
without an id (``Idempotency-Key``, the same across GitLab's retries of one event
since GitLab 17.4, else ``X-Gitlab-Event-UUID``) or whose body is not a merge request
event is 400; an action the check does not act on, or a project riskbrief.toml does
not list, is 204; a delivery answered before (or being worked on, for less than
``RECLAIM_AFTER``) is 200 "already answered" with nothing done. Otherwise the work is
done inline (``bot.gitlab.mr_check``) and answered 200 with what it did; when GitLab
fails on the way the delivery is forgotten and answered 502, so a redelivery does it.

Deliveries are claimed in the store's ``github_delivery`` table, shared with GitHub's
webhook, under ``gitlab:<id>`` so that the two hosts' ids can never meet.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.gitlab.mr_check import BadEvent, MergeRequestCheck, mr_event
from bot.webhook_door import MAX_BODY, NotJson, answer, answer_once, json_of, posted_body, refuse
from data.clock import utcnow

__all__ = ["EVENT", "MAX_BODY", "TOLERANCE", "WEBHOOK_PATH", "gitlab_webhook", "signature_of"]

WEBHOOK_PATH = "/gitlab/webhook"
EVENT = "Merge Request Hook"
# How far a signed delivery's timestamp may be from now (the Standard Webhooks' default):
# a captured delivery replayed later is refused even where its id was forgotten.
TOLERANCE = timedelta(minutes=5)
_DELIVERY = re.compile(r"[A-Za-z0-9-]{1,100}")
_TIMESTAMP = re.compile(r"\d{1,12}")


def _refuse(start_response: StartResponse, status: int, error: str) -> list[bytes]:
    return refuse(start_response, status, error, host="gitlab")


def _key(signing_token: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` signing token."""
    return base64.b64decode(signing_token.removeprefix("whsec_"))


def signature_of(signing_token: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    """``webhook-signature`` of a delivery: ``v1,`` and the base64 HMAC-SHA256 of
    ``{webhook-id}.{webhook-timestamp}.{body}`` under the signing token's key."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(signing_token), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _signed(environ: WSGIEnvironment, signing_token: str, body: bytes, now: datetime) -> bool:
    """True when the delivery's ``webhook-signature`` is the signing token's, and recent."""
    webhook_id = str(environ.get("HTTP_WEBHOOK_ID", ""))
    timestamp = str(environ.get("HTTP_WEBHOOK_TIMESTAMP", ""))
    given = str(environ.get("HTTP_WEBHOOK_SIGNATURE", "")).split()
    if not _DELIVERY.fullmatch(webhook_id) or not _TIMESTAMP.fullmatch(timestamp) or not given:
        return False
    if abs(now.timestamp() - int(timestamp)) > TOLERANCE.total_seconds():
        return False
    try:
        expected = signature_of(signing_token, webhook_id, timestamp, body)
    except (binascii.Error, ValueError):
        return False
    # The header may list several signatures (a key being rotated): any one will do.
    return any(hmac.compare_digest(s.encode(), expected.encode()) for s in given)


def _delivery(environ: WSGIEnvironment) -> str | None:
    """The id GitLab keeps across retries of one event, or its event id on an older GitLab."""
    for header in ("HTTP_IDEMPOTENCY_KEY", "HTTP_X_GITLAB_EVENT_UUID"):
        value = str(environ.get(header, ""))
        if _DELIVERY.fullmatch(value):
            return value
    return None


def gitlab_webhook(
    engine: Engine,
    secret: SecretStr | None,
    check: MergeRequestCheck | None,
    clock: Callable[[], datetime] = utcnow,
    *,
    signing_token: SecretStr | None = None,
    off: str | None = None,
) -> WSGIApplication:
    """The WSGI application answering ``POST /gitlab/webhook`` (see the module's doc).

    ``off`` says why the webhook is off (``bot.gitlab.webhook_off``) when ``check`` is None.
    """

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if secret is None or check is None:
            return _refuse(
                start_response,
                404,
                off or "the GitLab webhook is off; set GITLAB_WEBHOOK_SECRET and [sources.gitlab]",
            )
        body = posted_body(environ, start_response, host="gitlab", sender="GitLab")
        if isinstance(body, list):
            return body
        given = str(environ.get("HTTP_X_GITLAB_TOKEN", "")).encode()
        if not given or not hmac.compare_digest(given, secret.get_secret_value().encode()):
            return _refuse(
                start_response,
                401,
                "the delivery does not carry the webhook's secret token (X-Gitlab-Token)",
            )
        if signing_token is not None and not _signed(
            environ, signing_token.get_secret_value(), body, clock()
        ):
            return _refuse(
                start_response,
                401,
                "the delivery is not signed with the webhook's signing token "
                "(webhook-signature), or its webhook-timestamp is not within five minutes",
            )
        event = str(environ.get("HTTP_X_GITLAB_EVENT", ""))
        if event != EVENT:
            return answer(start_response, 204, None)
        delivery = _delivery(environ)
        if delivery is None:
            return _refuse(
                start_response,
                400,
                "the delivery has no usable Idempotency-Key or X-Gitlab-Event-UUID id",
            )
        try:
            mr = mr_event(json_of(body))
        except (NotJson, BadEvent) as exc:
            return _refuse(start_response, 400, str(exc))
        if not mr.used or not check.knows(mr.project):
            return answer(start_response, 204, None)
        claimed = "gitlab:" + delivery
        return answer_once(
            start_response,
            engine,
            delivery=claimed,
            event=event,
            key=mr.key,
            work=lambda: check.handle(mr),
            clock=clock,
            host="gitlab",
        )

    return application
