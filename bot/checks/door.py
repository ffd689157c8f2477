"""What every code host's webhook shares past the chain: the body's limit, the hosts' one
signature scheme, the body as JSON, and a delivery answered once.

The chain (``bot.doors.chain``) reads the body within ``MAX_BODY`` and answers every refusal
in JSON with one sentence; ``bot.checks.webhook`` is the pipeline each host's ``Door`` (in
``bot.<host>.webhook``) runs in it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Response

from bot.checks.change import Outcome
from bot.doors.answer import Refused, json_answer
from data.store.webhook_deliveries import claim_delivery, finish_delivery, release_delivery
from scoring.errors import RiskbriefError

__all__ = ["MAX_BODY", "NotJson", "answer_once", "hub_signature", "json_of"]

# A pull or merge request event is tens of KiB (GitHub caps at 25 MB, GitLab's payload
# limit is 25 MB by default). Under `serve`'s own cap on any request body (1 MiB), so this
# one speaks.
MAX_BODY = 1_000_000

log = structlog.get_logger("riskbrief.webhook")


class NotJson(ValueError):
    """The body is not JSON text."""


def hub_signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``body`` with ``secret``: GitHub's
    ``X-Hub-Signature-256`` and Bitbucket's ``X-Hub-Signature``, one scheme."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def json_of(body: bytes) -> Any:
    """``body`` parsed as JSON; ``NotJson`` when it is not (or not UTF-8)."""
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise NotJson("the delivery's body is not JSON") from None


def answer_once(
    engine: Engine,
    *,
    delivery: str,
    event: str,
    key: str,
    work: Callable[[], Outcome],
    clock: Callable[[], datetime],
    host: str,
) -> Response:
    """Do ``work`` once per ``delivery`` and answer 200 with its outcome.

    A delivery claimed before is 200 "already answered" with nothing done; when the work
    fails with a ``RiskbriefError`` (the host down on the way) the claim is released and
    the answer is 502 (``Refused``), so the host's redelivery does it.
    """
    if not claim_delivery(engine, delivery, event, clock()):
        log.info(f"{host}_delivery_repeated", delivery=delivery, key=key)
        return json_answer(200, {"status": "already answered", "key": key})
    try:
        outcome = work()
    except RiskbriefError as exc:
        release_delivery(engine, delivery)
        raise Refused(502, str(exc)) from None
    except BaseException:
        release_delivery(engine, delivery)
        raise
    finish_delivery(engine, delivery, event, clock())
    return json_answer(
        200,
        {
            "status": outcome.status,
            "key": outcome.key,
            "head_sha": outcome.head_sha,
            "score": outcome.score,
            "published": outcome.published,
        },
    )
