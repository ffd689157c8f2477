"""``POST /gitlab/webhook``: GitLab's merge request events, through the one pipeline.

GitLab's door (``bot.checks.webhook`` runs the steps): the endpoint is on with
``GITLAB_WEBHOOK_SECRET`` and ``[sources.gitlab]`` with projects and its token (else
404 saying what to set), and ``X-Gitlab-Token`` equals the secret, compared in
constant time (401).

GitLab's webhooks carry the secret itself in ``X-Gitlab-Token``, not a signature of
the body: anyone who reads one delivery can send others. Recent GitLab versions can
also sign deliveries (a webhook's signing token, ``whsec_…``, behind the
``webhook_signing_token`` feature flag): ``webhook-signature`` is ``v1,`` and the
base64 HMAC-SHA256 of ``{webhook-id}.{webhook-timestamp}.{body}`` under the token's
key, as the Standard Webhooks specification writes it. When
``GITLAB_WEBHOOK_SIGNING_TOKEN`` is set, every delivery must carry a valid one, with a
timestamp within ``TOLERANCE`` of now, as well as the token (401 otherwise); unset,
the token alone is checked, as GitLab without the flag sends nothing else.

The signature is checked here (``_signed``, an HMAC and a timestamp), not by the Standard
Webhooks package (``standardwebhooks`` 1.1.0, read for this): it takes the time from the
wall clock rather than the clock every door is given (``now``), decodes the body as UTF-8
(a body of other bytes raises ``UnicodeDecodeError``, not its verification error) and
unpacks each listed signature unchecked (``v1`` without a comma raises ``ValueError``), so
wrapping it would take as many lines as the check, with three more ways to fail.

Then an event other than ``Merge Request Hook`` is 204 without work; a delivery
without an id (``Idempotency-Key``, the same across GitLab's retries of one event
since GitLab 17.4, else ``X-Gitlab-Event-UUID``) or whose body is not a merge request
event is 400; an action the check does not act on, or a project riskbrief.toml does
not list, is 204. The work is done inline (``bot.gitlab.check``).

Deliveries are claimed in the store's webhook-delivery table (``WebhookDelivery``, whose
table keeps the name ``github_delivery``), shared with GitHub's webhook, under
``gitlab:<id>`` so that the two hosts' ids can never meet.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from wsgiref.types import WSGIApplication, WSGIEnvironment

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.checks.door import MAX_BODY
from bot.checks.webhook import Door, HostWords, host_webhook
from bot.gitlab.check import GitLabCheck, GitLabEvent, gitlab_event
from data.clock import utcnow

__all__ = [
    "EVENT",
    "MAX_BODY",
    "TOLERANCE",
    "WEBHOOK_PATH",
    "GitLabDoor",
    "gitlab_webhook",
    "signature_of",
]

WEBHOOK_PATH = "/gitlab/webhook"
EVENT = "Merge Request Hook"
GITLAB = HostWords(
    "gitlab", "GitLab", "the GitLab webhook is off; set GITLAB_WEBHOOK_SECRET and [sources.gitlab]"
)
# How far a signed delivery's timestamp may be from now (the Standard Webhooks' default):
# a captured delivery replayed later is refused even where its id was forgotten.
TOLERANCE = timedelta(minutes=5)
_DELIVERY = re.compile(r"[A-Za-z0-9-]{1,100}")
_TIMESTAMP = re.compile(r"\d{1,12}")


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


class GitLabDoor(Door[GitLabEvent]):
    """GitLab's differences: its token (and signature), its event and delivery headers."""

    def __init__(
        self, secret: SecretStr, check: GitLabCheck, signing_token: SecretStr | None
    ) -> None:
        super().__init__(check)
        self.secret = secret
        self.gitlab = check  # as its own type: the door asks it which projects it knows
        self.signing_token = signing_token

    def verify(self, environ: WSGIEnvironment, body: bytes, now: datetime) -> str | None:
        given = str(environ.get("HTTP_X_GITLAB_TOKEN", "")).encode()
        if not given or not hmac.compare_digest(given, self.secret.get_secret_value().encode()):
            return "the delivery does not carry the webhook's secret token (X-Gitlab-Token)"
        if self.signing_token is not None and not _signed(
            environ, self.signing_token.get_secret_value(), body, now
        ):
            return (
                "the delivery is not signed with the webhook's signing token "
                "(webhook-signature), or its webhook-timestamp is not within five minutes"
            )
        return None

    def event(self, environ: WSGIEnvironment) -> str | None:
        return EVENT if environ.get("HTTP_X_GITLAB_EVENT") == EVENT else None

    def delivery(self, environ: WSGIEnvironment) -> str | None:
        """The id GitLab keeps across retries of one event, or its event id on an older GitLab,
        claimed as ``gitlab:<id>``."""
        for header in ("HTTP_IDEMPOTENCY_KEY", "HTTP_X_GITLAB_EVENT_UUID"):
            value = str(environ.get(header, ""))
            if _DELIVERY.fullmatch(value):
                return "gitlab:" + value
        return None

    @property
    def no_delivery(self) -> str:
        return "the delivery has no usable Idempotency-Key or X-Gitlab-Event-UUID id"

    def parse(self, payload: Any) -> GitLabEvent | None:
        event = gitlab_event(payload)
        return event if event.used and self.gitlab.knows(event.project) else None


def gitlab_webhook(
    engine: Engine,
    secret: SecretStr | None,
    check: GitLabCheck | None,
    clock: Callable[[], datetime] = utcnow,
    *,
    signing_token: SecretStr | None = None,
    off: str | None = None,
) -> WSGIApplication:
    """The WSGI application answering ``POST /gitlab/webhook`` (see the module's doc).

    ``off`` says why the webhook is off (``bot.gitlab.webhook_off``) when ``check`` is None.
    """
    doors = []
    if secret is not None and check is not None:
        doors.append(GitLabDoor(secret, check, signing_token))
    return host_webhook(engine, GITLAB, doors, clock, off=off)
