"""``POST /bitbucket/webhook``: Bitbucket pull request events, through the one pipeline.

One path for both editions, each a door (``bot.checks.webhook`` runs the steps): an
edition is on with its secret set and its table with repositories and a token (with
neither, 404 saying what to set), and ``X-Hub-Signature`` is ``sha256=`` and the hex
HMAC-SHA256 of the body under a configured edition's secret, compared in constant
time (401). Bitbucket Cloud and Data Center sign alike; the secret that matches says
which edition sent it.

Then an event other than the edition's pull request events (Cloud ``X-Event-Key``
``pullrequest:created``/``pullrequest:updated``; Data Center ``pr:opened``,
``pr:from_ref_updated``, ``pr:modified``) is 204 without work; a delivery without an
id (Cloud ``X-Request-UUID``, Data Center ``X-Request-Id``) or whose body is not a
pull request event is 400; a repository riskbrief.toml does not list is 204. The work
is done inline (``bot.bitbucket.check``).

Deliveries are claimed in the store's webhook-delivery table (``WebhookDelivery``, whose
table keeps the name ``github_delivery``), shared with GitHub's and GitLab's webhooks,
under ``bitbucket:<id>`` or ``bitbucket-dc:<id>`` so that no two hosts' ids can meet.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from wsgiref.types import WSGIApplication, WSGIEnvironment

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.bitbucket.check import (
    CLOUD_EVENTS,
    DC_EVENTS,
    BitbucketCheck,
    BitbucketEvent,
    cloud_event,
    dc_event,
)
from bot.checks.door import MAX_BODY, hub_signature
from bot.checks.webhook import Door, HostWords, host_webhook
from data.clock import utcnow
from data.sources.bitbucket.client import Edition

__all__ = ["MAX_BODY", "WEBHOOK_PATH", "BitbucketDoor", "Half", "bitbucket_webhook"]

WEBHOOK_PATH = "/bitbucket/webhook"
BITBUCKET = HostWords(
    "bitbucket",
    "Bitbucket",
    "the Bitbucket webhook is off; set BITBUCKET_WEBHOOK_SECRET and [sources.bitbucket]",
)
_DELIVERY = re.compile(r"[A-Za-z0-9{}-]{1,100}")
_EVENTS = {"cloud": CLOUD_EVENTS, "dc": DC_EVENTS}
_ID_HEADER = {
    "cloud": ("HTTP_X_REQUEST_UUID", "X-Request-UUID"),
    "dc": ("HTTP_X_REQUEST_ID", "X-Request-Id"),
}
_PARSE = {"cloud": cloud_event, "dc": dc_event}
_CLAIM = {"cloud": "bitbucket:", "dc": "bitbucket-dc:"}


@dataclass(frozen=True, slots=True)
class Half:
    """One edition's half of the endpoint, as configured: its webhook secret and its check."""

    secret: SecretStr
    check: BitbucketCheck


class BitbucketDoor(Door[BitbucketEvent]):
    """One edition's differences: its secret, its events, its delivery header, its parser."""

    def __init__(self, edition: Edition, secret: SecretStr, check: BitbucketCheck) -> None:
        super().__init__(check)
        self.edition = edition
        self.secret = secret
        self.bitbucket = check  # as its own type: the door asks it which repositories it knows

    def verify(self, environ: WSGIEnvironment, body: bytes, now: datetime) -> str | None:
        given = str(environ.get("HTTP_X_HUB_SIGNATURE", ""))
        expected = hub_signature(self.secret.get_secret_value(), body)
        if given and hmac.compare_digest(given.encode(), expected.encode()):
            return None
        return "the delivery is not signed with the webhook's secret (X-Hub-Signature)"

    def event(self, environ: WSGIEnvironment) -> str | None:
        event = str(environ.get("HTTP_X_EVENT_KEY", ""))
        return event if event in _EVENTS[self.edition] else None

    def delivery(self, environ: WSGIEnvironment) -> str | None:
        delivery = str(environ.get(_ID_HEADER[self.edition][0], ""))
        return _CLAIM[self.edition] + delivery if _DELIVERY.fullmatch(delivery) else None

    @property
    def no_delivery(self) -> str:
        return f"the delivery has no usable {_ID_HEADER[self.edition][1]} id"

    def parse(self, payload: Any) -> BitbucketEvent | None:
        event = _PARSE[self.edition](payload)
        return event if self.bitbucket.knows(event.repository) else None


def bitbucket_webhook(
    engine: Engine,
    halves: Mapping[Edition, Half],
    clock: Callable[[], datetime] = utcnow,
    *,
    off: str | None = None,
) -> WSGIApplication:
    """The WSGI application answering ``POST /bitbucket/webhook`` (see the module's doc).

    ``off`` says why the webhook is off (``bot.bitbucket.webhook_off``) when no edition's
    half is given.
    """
    doors = [BitbucketDoor(edition, e.secret, e.check) for edition, e in halves.items()]
    return host_webhook(engine, BITBUCKET, doors, clock, off=off)
