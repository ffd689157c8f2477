"""What every code host's webhook does at its door, before the event is read.

Every host's webhook (``bot.checks.webhook``, with each host's door in
``bot.<host>.webhook``) reads the body up to a limit, answers in JSON with one sentence
per refusal, and parses the body only once it is proven to come from the host: the
same steps, kept here once so every door refuses alike.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import structlog
from sqlalchemy.engine import Engine

from bot.checks.change import Outcome
from data.store.github_deliveries import claim_delivery, finish_delivery, release_delivery
from scoring.errors import RiskbriefError

__all__ = [
    "MAX_BODY",
    "NotJson",
    "answer",
    "answer_once",
    "hub_signature",
    "json_of",
    "posted_body",
    "read_body",
    "refuse",
]

# A pull or merge request event is tens of KiB (GitHub caps at 25 MB, GitLab's payload
# limit is 25 MB by default). Under `serve`'s own cap on any request body (waitress:
# 1 MiB), so this one speaks.
MAX_BODY = 1_000_000

log = structlog.get_logger("riskbrief.webhook")

_REASONS = {
    200: "200 OK",
    204: "204 No Content",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
    502: "502 Bad Gateway",
}


class NotJson(ValueError):
    """The body is not JSON text."""


def hub_signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``body`` with ``secret``: GitHub's
    ``X-Hub-Signature-256`` and Bitbucket's ``X-Hub-Signature``, one scheme."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def answer(
    start_response: StartResponse, status: int, body: dict[str, object] | None
) -> list[bytes]:
    """Answer ``status`` with ``body`` as JSON, or with nothing when ``body`` is None."""
    if body is None:
        start_response(_REASONS[status], [("Content-Length", "0")])
        return [b""]
    data = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if status == 405:
        headers.append(("Allow", "POST"))
    start_response(_REASONS[status], headers)
    return [data]


def refuse(start_response: StartResponse, status: int, error: str, *, host: str) -> list[bytes]:
    """Refuse with ``{"error": error}`` (one sentence), logged as ``<host>_webhook_refused``."""
    log.warning(f"{host}_webhook_refused", status=status, reason=error)
    return answer(start_response, status, {"error": error})


def read_body(environ: WSGIEnvironment, limit: int = MAX_BODY) -> bytes | None:
    """The body, or ``None`` past ``limit`` (read one byte past it at most)."""
    try:
        declared: int | None = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        declared = None
    if declared is not None and (declared > limit or declared < 0):
        return None
    body: bytes = environ["wsgi.input"].read(limit + 1 if declared is None else declared)
    return None if len(body) > limit else body


def posted_body(
    environ: WSGIEnvironment, start_response: StartResponse, *, host: str, sender: str
) -> bytes | list[bytes]:
    """The body of a POST of at most ``MAX_BODY`` bytes, or the answer refusing it, already
    started: 405 for another method (``sender`` sends with POST), 413 past the limit."""
    if environ.get("REQUEST_METHOD") != "POST":
        return refuse(
            start_response, 405, f"{sender} sends webhook deliveries with POST", host=host
        )
    body = read_body(environ)
    if body is None:
        error = f"a webhook delivery must be at most {MAX_BODY} bytes"
        return refuse(start_response, 413, error, host=host)
    return body


def json_of(body: bytes) -> Any:
    """``body`` parsed as JSON; ``NotJson`` when it is not (or not UTF-8)."""
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise NotJson("the delivery's body is not JSON") from None


def answer_once(
    start_response: StartResponse,
    engine: Engine,
    *,
    delivery: str,
    event: str,
    key: str,
    work: Callable[[], Outcome],
    clock: Callable[[], datetime],
    host: str,
) -> list[bytes]:
    """Do ``work`` once per ``delivery`` and answer 200 with its outcome.

    A delivery claimed before is 200 "already answered" with nothing done; when the work
    fails with a ``RiskbriefError`` (the host down on the way) the claim is released and
    the answer is 502, so the host's redelivery does it.
    """
    if not claim_delivery(engine, delivery, event, clock()):
        log.info(f"{host}_delivery_repeated", delivery=delivery, key=key)
        return answer(start_response, 200, {"status": "already answered", "key": key})
    try:
        outcome = work()
    except RiskbriefError as exc:
        release_delivery(engine, delivery)
        return refuse(start_response, 502, str(exc), host=host)
    except BaseException:
        release_delivery(engine, delivery)
        raise
    finish_delivery(engine, delivery, event, clock())
    return answer(
        start_response,
        200,
        {
            "status": outcome.status,
            "key": outcome.key,
            "head_sha": outcome.head_sha,
            "score": outcome.score,
            "published": outcome.published,
        },
    )
