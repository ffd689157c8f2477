"""``POST /bitbucket/webhook``: Bitbucket pull request events, checked at the door, answered once.

One path for both editions. In order, before any JSON is parsed: the endpoint is on
(for an edition, its secret set and its table with repositories and a token, else 404
saying what to set), the method is POST (405), the body is at most ``MAX_BODY`` bytes
(413), and ``X-Hub-Signature`` is ``sha256=`` and the hex HMAC-SHA256 of the body
under a configured edition's secret, compared in constant time (401). Bitbucket Cloud
and Data Center sign alike; the secret that matches says which edition sent it.

Then an event other than the edition's pull request events (Cloud ``X-Event-Key``
``pullrequest:created``/``pullrequest:updated``; Data Center ``pr:opened``,
``pr:from_ref_updated``, ``pr:modified``) is 204 without work; a delivery without an
id (Cloud ``X-Request-UUID``, Data Center ``X-Request-Id``) or whose body is not a
pull request event is 400; a repository riskbrief.toml does not list is 204; a
delivery answered before (or being worked on) is 200 "already answered" with nothing
done. Otherwise the work is done inline (``bot.bitbucket.pr_check``) and answered 200
with what it did; when Bitbucket fails on the way the delivery is forgotten and
answered 502, so a redelivery does it.

Deliveries are claimed in the store's ``github_delivery`` table, shared with GitHub's
and GitLab's webhooks, under ``bitbucket:<id>`` or ``bitbucket-dc:<id>`` so that no
two hosts' ids can meet.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.bitbucket.pr_check import (
    CLOUD_EVENTS,
    DC_EVENTS,
    BadEvent,
    PullRequestCheck,
    cloud_event,
    dc_event,
)
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
from data.sources.bitbucket.client import Edition

__all__ = ["MAX_BODY", "WEBHOOK_PATH", "Door", "bitbucket_webhook"]

WEBHOOK_PATH = "/bitbucket/webhook"
_DELIVERY = re.compile(r"[A-Za-z0-9{}-]{1,100}")
_EVENTS = {"cloud": CLOUD_EVENTS, "dc": DC_EVENTS}
_ID_HEADER = {"cloud": "HTTP_X_REQUEST_UUID", "dc": "HTTP_X_REQUEST_ID"}
_PARSE = {"cloud": cloud_event, "dc": dc_event}
_CLAIM = {"cloud": "bitbucket:", "dc": "bitbucket-dc:"}


@dataclass(frozen=True, slots=True)
class Door:
    """One edition's half of the endpoint: its webhook secret and its check."""

    secret: SecretStr
    check: PullRequestCheck


def _refuse(start_response: StartResponse, status: int, error: str) -> list[bytes]:
    return refuse(start_response, status, error, host="bitbucket")


def _signed_by(doors: Mapping[Edition, Door], given: str, body: bytes) -> list[Edition]:
    """The editions whose secret signed ``body`` as ``given`` says."""
    out: list[Edition] = []
    for edition, door in doors.items():
        expected = hub_signature(door.secret.get_secret_value(), body)
        if given and hmac.compare_digest(given.encode(), expected.encode()):
            out.append(edition)
    return out


def bitbucket_webhook(
    engine: Engine,
    doors: Mapping[Edition, Door],
    clock: Callable[[], datetime] = utcnow,
    *,
    off: str | None = None,
) -> WSGIApplication:
    """The WSGI application answering ``POST /bitbucket/webhook`` (see the module's doc).

    ``off`` says why the webhook is off (``bot.bitbucket.webhook_off``) when no edition's
    door is given.
    """

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not doors:
            return _refuse(
                start_response,
                404,
                off
                or "the Bitbucket webhook is off; set BITBUCKET_WEBHOOK_SECRET and "
                "[sources.bitbucket]",
            )
        body = posted_body(environ, start_response, host="bitbucket", sender="Bitbucket")
        if isinstance(body, list):
            return body
        signed = _signed_by(doors, str(environ.get("HTTP_X_HUB_SIGNATURE", "")), body)
        if not signed:
            return _refuse(
                start_response,
                401,
                "the delivery is not signed with the webhook's secret (X-Hub-Signature)",
            )
        event = str(environ.get("HTTP_X_EVENT_KEY", ""))
        # The edition whose secret signed it and whose pull request events this is one of.
        edition = next((e for e in signed if event in _EVENTS[e]), None)
        if edition is None:
            return answer(start_response, 204, None)
        delivery = str(environ.get(_ID_HEADER[edition], ""))
        if not _DELIVERY.fullmatch(delivery):
            header = "X-Request-UUID" if edition == "cloud" else "X-Request-Id"
            return _refuse(start_response, 400, f"the delivery has no usable {header} id")
        try:
            pr = _PARSE[edition](json_of(body))
        except (NotJson, BadEvent) as exc:
            return _refuse(start_response, 400, str(exc))
        check = doors[edition].check
        if not check.knows(pr.repository):
            return answer(start_response, 204, None)
        return answer_once(
            start_response,
            engine,
            delivery=_CLAIM[edition] + delivery,
            event=event,
            key=pr.key,
            work=lambda: check.handle(pr),
            clock=clock,
            host="bitbucket",
        )

    return application
