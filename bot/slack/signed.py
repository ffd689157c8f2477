"""Slack's requests checked at the door: size, then signature, then shape, before bolt sees them.

Bolt builds its request (decoding the body as UTF-8, parsing JSON or a form's
``payload``) before it checks the signature, so a forged request with a body
that is not text, or not the JSON it claims to be, ended in a 500 and a logged
traceback. Here the body is read once, refused with 413 past the limit and
with 401 unless Slack's v0 signature of it is valid (slack_sdk's
``SignatureVerifier``: HMAC-SHA256 of ``v0:timestamp:body``, a timestamp within
five minutes), and a body that is not UTF-8, or a signed one that is not what Slack sends
(of another content type than a form or JSON: a 415)
riskbrief (``bot.slack.shapes``: its documented shapes, and button values riskbrief wrote),
is a 400 with one sentence, before bolt or any handler sees it. Each step is a guard of
the one chain (``bot.doors.chain``), which answers every refusal as JSON ``{"error": "<one
sentence>"}`` and logs it as ``slack.request_refused``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs
from wsgiref.types import WSGIApplication

from slack_sdk.signature import Clock, SignatureVerifier
from werkzeug.wrappers import Request

from bot.doors.answer import Refused
from bot.doors.chain import body_within, content_type, door, verified
from bot.slack.shapes import command_problem, event_problem, interaction_problem

__all__ = ["MAX_REQUEST_BYTES", "signed_only"]

# Slack's requests are small (a slash command is under 1 KiB, a block action a few KiB).
MAX_REQUEST_BYTES = 1024 * 1024

# Slack writes seconds since the epoch and "v0=" with 64 hex digits; anything else is
# not Slack, and slack_sdk's int() and compare_digest() must not see it.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# What Slack sends: slash commands, clicks and checks as forms, events as JSON.
_SLACK_TYPES = ("application/x-www-form-urlencoded", "application/json")


def _utf8(request: Request) -> None:
    # Slack only sends UTF-8, and slack_sdk's verifier cannot check anything else.
    try:
        request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "That body is not UTF-8, as Slack's always is.") from None


def _signed(verifier: SignatureVerifier, request: Request) -> bool:
    timestamp = request.environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = request.environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return False
    return verifier.is_valid(body=request.get_data(), timestamp=timestamp, signature=signature)


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

    def proof(request: Request) -> str | None:
        return None if _signed(verifier, request) else "not signed by Slack"

    def shape(request: Request) -> None:
        why = _malformed(request.get_data(), request.environ.get("CONTENT_TYPE", ""))
        if why is not None:
            raise Refused(400, why)

    guards = [
        body_within(max_bytes, "body too large"),
        _utf8,
        verified(proof),
        content_type(_SLACK_TYPES, "Slack sends a form or JSON; this body is neither."),
        shape,
    ]
    return door(
        lambda _request: app, guards, refused="slack.request_refused", logger="riskbrief.slack"
    )
