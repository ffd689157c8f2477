"""Slack's requests checked at the door: size, then signature, then shape, before bolt sees them.

Bolt builds its request (decoding the body as UTF-8, parsing JSON or a form's
``payload``) before it checks the signature, so a forged request with a body
that is not text, or not the JSON it claims to be, ended in a 500 and a logged
traceback. Here the body is read once, refused with 413 past the limit and
with 401 unless Slack's v0 signature of it is valid (slack_sdk's
``SignatureVerifier``: HMAC-SHA256 of ``v0:timestamp:body``, a timestamp within
five minutes), and a body that is not UTF-8, or a signed one that is not what Slack sends
riskbrief (``bot.slack.shapes``: its documented shapes, and button values riskbrief wrote),
is a 400 with one sentence, before bolt or any handler sees it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import structlog
from slack_sdk.signature import Clock, SignatureVerifier

from bot.slack.shapes import command_problem, event_problem, interaction_problem

__all__ = ["MAX_REQUEST_BYTES", "signed_only"]

# Slack's requests are small (a slash command is under 1 KiB, a block action a few KiB).
MAX_REQUEST_BYTES = 1024 * 1024

log = structlog.get_logger("riskbrief.slack")

# Slack writes seconds since the epoch and "v0=" with 64 hex digits; anything else is
# not Slack, and slack_sdk's int() and compare_digest() must not see it.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_STATUS = {400: "400 Bad Request", 401: "401 Unauthorized", 413: "413 Content Too Large"}


def _refuse(start_response: StartResponse, status: int, reason: str) -> Iterable[bytes]:
    """Refuse with ``status``; a 400 says why in one sentence (what it was sent is not echoed)."""
    log.warning("slack.request_refused", status=status, reason=reason)
    said = reason.encode() if status == 400 else b""
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(said)))]
    start_response(_STATUS[status], headers)
    return [said]


def _declared_length(environ: WSGIEnvironment) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _signed(verifier: SignatureVerifier, body: bytes, environ: WSGIEnvironment) -> bool:
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


def _malformed(body: bytes, content_type: str) -> str | None:
    """Why ``body`` (UTF-8 already) is not what Slack sends riskbrief, in one sentence, or
    ``None`` when it is (``bot.slack.shapes``)."""
    text = body.decode("utf-8")
    try:
        if content_type.startswith("application/json"):
            return event_problem(json.loads(text))
        form = parse_qs(text, keep_blank_values=True)
        if any(len(values) > 1 for values in form.values()):
            return "That form names a field twice; Slack never does."
        fields = {k: v[0] for k, v in form.items()}
        if "payload" in fields:
            return interaction_problem(json.loads(fields["payload"]))
        if "command" in fields:
            return command_problem(fields)
        if fields.get("ssl_check") == "1":
            return None
    except ValueError:
        return "That body is not the JSON it claims to be."
    return "That is neither a slash command, a button's click nor an event from Slack."


def signed_only(
    app: WSGIApplication,
    signing_secret: str,
    *,
    max_bytes: int = MAX_REQUEST_BYTES,
    clock: Clock | None = None,
) -> WSGIApplication:
    """``app`` behind the door: bodies Slack signed, within ``max_bytes``, of Slack's shapes."""
    verifier = SignatureVerifier(signing_secret, clock or Clock())

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        declared = _declared_length(environ)
        if declared is not None and declared > max_bytes:
            return _refuse(start_response, 413, "body too large")
        stream = environ["wsgi.input"]
        # Read one byte past the limit, never more: a body without a length is cut there.
        body = stream.read(max_bytes + 1 if declared is None else declared)
        if len(body) > max_bytes:
            return _refuse(start_response, 413, "body too large")
        # Slack only sends UTF-8, and slack_sdk's verifier cannot check anything else.
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(start_response, 400, "That body is not UTF-8, as Slack's always is.")
        if not _signed(verifier, body, environ):
            return _refuse(start_response, 401, "not signed by Slack")
        why = _malformed(body, environ.get("CONTENT_TYPE", ""))
        if why is not None:
            return _refuse(start_response, 400, why)
        passed = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        return app(passed, start_response)

    return application
