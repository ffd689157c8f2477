"""Every code host's webhook, one pipeline: off, POST, verify, the event, once, the work.

In order, before any JSON is parsed: the endpoint is on (a door is given, else 404
saying what to set), the method is POST (405), the body is at most ``MAX_BODY`` bytes
(413), and a door proves the delivery came from its host (401 with the first door's
sentence otherwise). Then an event no proven door reads is 204 without work; a
delivery without the id its door names is 400, as is a body that is not JSON or not
the event it says; an event the check does not act on (an action it ignores, a
repository or project riskbrief.toml does not list) is 204; a delivery answered
before (or being worked on, for less than ``RECLAIM_AFTER``) is 200 "already
answered" with nothing done. Otherwise the work is done inline (the check's
``handle``, which skips a stale head) and answered 200 with what it did; when the
host fails on the way the delivery is forgotten and answered 502, so a redelivery
does it. Off, POST, the body's limit and the proof are the chain's guards
(``bot.doors.chain``), which answers every refusal as JSON ``{"error": "<one sentence>"}``
and logs it as ``<host>_webhook_refused``; a body past ``serve``'s own limit is refused
by waitress before it gets here.

A host gives only its differences: a ``Door`` (how it proves a delivery, names its
event and its delivery id, and reads the event) and its ``HostWords``. One path may
have several doors (Bitbucket's two editions): the first proven door whose events
these are answers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from wsgiref.types import WSGIApplication, WSGIEnvironment

from sqlalchemy.engine import Engine
from werkzeug.wrappers import Request

from bot.checks.change import BadEvent
from bot.checks.door import MAX_BODY, NotJson, answer_once, json_of
from bot.checks.host import HostCheck, HostEvent
from bot.doors import chain
from bot.doors.answer import JSON, Refused, json_answer
from data.clock import utcnow

__all__ = ["Door", "HostWords", "host_webhook"]

EventT = TypeVar("EventT", bound=HostEvent)


@dataclass(frozen=True, slots=True)
class HostWords:
    """How a host's webhook names itself: ``name`` in log lines (``<name>_webhook_refused``),
    ``sender`` in refusals ("GitHub sends webhook deliveries with POST"), and ``off``, the
    404's sentence when no reason is given."""

    name: str
    sender: str
    off: str


class Door(ABC, Generic[EventT]):
    """One host's (or edition's) differences at the webhook, and the check behind them."""

    def __init__(self, check: HostCheck[EventT]) -> None:
        self.check = check

    @abstractmethod
    def verify(self, environ: WSGIEnvironment, body: bytes, now: datetime) -> str | None:
        """``None`` when the delivery is proven to come from the host, else the 401's sentence."""

    @abstractmethod
    def event(self, environ: WSGIEnvironment) -> str | None:
        """The delivery's event name when it is one the check reads, else ``None`` (204)."""

    @abstractmethod
    def delivery(self, environ: WSGIEnvironment) -> str | None:
        """The id the delivery is claimed under (kept apart from other hosts'), or ``None``."""

    @property
    @abstractmethod
    def no_delivery(self) -> str:
        """The 400's sentence for a delivery without a usable id."""

    @abstractmethod
    def parse(self, payload: Any) -> EventT | None:
        """The event read from its JSON, ``None`` when the check does not act on it, or
        ``BadEvent`` naming the field at fault."""


def host_webhook(
    engine: Engine,
    host: HostWords,
    doors: Sequence[Door[EventT]],
    clock: Callable[[], datetime] = utcnow,
    *,
    off: str | None = None,
) -> WSGIApplication:
    """The WSGI application answering a host's webhook (see the module's doc).

    ``off`` says why the webhook is off when no door is given.
    """

    # The doors proven for this request, left by the proof for the handler.
    proven_key = "riskbrief.webhook.proven"

    def proof(request: Request) -> None:
        body = request.get_data()
        refusals = [door.verify(request.environ, body, clock()) for door in doors]
        proven = [door for door, why in zip(doors, refusals, strict=True) if why is None]
        if not proven:
            raise Refused(401, next(w for w in refusals if w))
        request.environ[proven_key] = proven

    def handle(request: Request) -> WSGIApplication:
        environ, body = request.environ, request.get_data()
        proven: list[Door[EventT]] = environ[proven_key]
        named = ((door, door.event(environ)) for door in proven)
        chosen = next(((door, event) for door, event in named if event is not None), None)
        if chosen is None:
            return json_answer(204, None)
        door, event = chosen
        delivery = door.delivery(environ)
        if delivery is None:
            raise Refused(400, door.no_delivery)
        try:
            change = door.parse(json_of(body))
        except (NotJson, BadEvent) as exc:
            raise Refused(400, str(exc)) from None
        except (ValueError, OverflowError):
            # A value of the right kind that no event holds (a date past year 9999): the
            # event is refused as any other malformed one, never answered with a 500.
            raise Refused(400, f"the delivery is not an event {host.sender} sends") from None
        if change is None:
            return json_answer(204, None)
        return answer_once(
            engine,
            delivery=delivery,
            event=event,
            key=change.key,
            work=lambda: door.check.handle(change),
            clock=clock,
            host=host.name,
        )

    guards = [
        chain.off(None if doors else off or host.off),
        chain.post_only(f"{host.sender} sends webhook deliveries with POST"),
        chain.body_within(MAX_BODY, f"a webhook delivery must be at most {MAX_BODY} bytes"),
        proof,
        # After the proof: a stranger learns nothing of what the door reads.
        chain.content_type(
            [JSON],
            f"{host.sender} must send this webhook as JSON: set its content type to "
            "application/json",
            undeclared=True,
        ),
    ]
    refused = f"{host.name}_webhook_refused"
    return chain.door(handle, guards, refused=refused, logger="riskbrief.webhook")
