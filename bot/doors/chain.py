"""The chain every door's requests pass before its handler: guards in order, then the handler.

A guard looks at the request and either returns (the request goes on) or raises
``Refused``; the chain answers a refusal in the one JSON shape (``{"error": "<one
sentence>"}``, with the headers its status needs) and logs it once, at warning, as the
door's ``refused`` event with the status and the sentence (never a header, so never a
token). The guards a door may choose, each written once here:

- ``off``: the door is not configured (404 saying what to set);
- ``post_only``: any other method is a 405 with ``Allow: POST``;
- ``body_within``: the body read once within a limit (413 past it, without reading more
  than one byte past it), then handed on from memory, so every later step and the
  handler read the same bytes; ``declared_within`` only checks the declared length, for
  a body the handler streams (a coverage report);
- ``content_type``: a body of a type the door does not read is a 415;
- ``verified``: the door's own proof that its sender sent it (a signature, a secret, a
  token), a 401 with the door's sentence and challenge otherwise.

As bolt-python puts a request's verification in its middleware, a door here is its
guards and its handler: ``door(handler, guards, refused=…)`` is its WSGI application.
A handler returns what answers the request: a werkzeug ``Response`` (``json_answer``) or
any WSGI application (bolt's adapter, the MCP SDK's).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import structlog
from werkzeug.wrappers import Request

from bot.doors.answer import Refused, json_answer

__all__ = [
    "DoorHandler",
    "Guard",
    "Refused",
    "bearer_token",
    "body_within",
    "content_type",
    "declared_length",
    "declared_within",
    "door",
    "off",
    "post_only",
    "refusal",
    "verified",
]

# Where ``body_within`` keeps the body it read, to hand it on unread to the door's handler.
_BODY = "riskbrief.doors.body"

# A step of the chain: returns to let the request go on, raises ``Refused`` to stop it.
Guard = Callable[[Request], None]
# What answers a request past the guards.
DoorHandler = Callable[[Request], WSGIApplication]


def door(
    handler: DoorHandler,
    guards: Sequence[Guard] = (),
    *,
    refused: str,
    logger: str = "riskbrief.doors",
) -> WSGIApplication:
    """The WSGI application of one door: ``guards`` in order, then ``handler``.

    A refusal (from a guard or the handler) is answered as ``{"error": …}`` and logged as
    ``refused`` on ``logger``.
    """
    log = structlog.get_logger(logger)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            for guard in guards:
                guard(request)
            answer = handler(request)
        except Refused as exc:
            log.warning(refused, status=exc.status, reason=exc.sentence)
            answer = refusal(exc)
        if _BODY in environ:
            # The guards have read the body through werkzeug: what answers reads it afresh.
            environ["wsgi.input"] = io.BytesIO(environ[_BODY])
        return answer(environ, start_response)

    return application


def refusal(exc: Refused) -> WSGIApplication:
    """``exc`` answered: its status, ``{"error": sentence}`` and its headers."""
    return json_answer(exc.status, {"error": exc.sentence}, exc.headers)


def off(sentence: str | None) -> Guard:
    """A 404 saying ``sentence`` (what to set) when it is given: the door is off."""

    def guard(_request: Request) -> None:
        if sentence is not None:
            raise Refused(404, sentence)

    return guard


def post_only(sentence: str) -> Guard:
    """A 405 saying ``sentence``, with ``Allow: POST``, for any method but POST."""

    def guard(request: Request) -> None:
        if request.method != "POST":
            raise Refused(405, sentence, [("Allow", "POST")])

    return guard


def declared_length(environ: WSGIEnvironment) -> int | None:
    """The body's declared ``Content-Length``, or ``None`` when none is (or it is no number)."""
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def body_within(limit: int, sentence: str) -> Guard:
    """The body read once, at most ``limit`` bytes, else a 413 saying ``sentence``.

    A declared length over the limit (or below zero) is refused unread; a body of no
    declared length is read one byte past the limit at most. What was read is put back as
    the request's input, with its length, for the later guards (``request.get_data()``) and
    again, unread, for the WSGI application the handler returns.
    """

    def guard(request: Request) -> None:
        environ = request.environ
        declared = declared_length(environ)
        if declared is not None and not 0 <= declared <= limit:
            raise Refused(413, sentence)
        body: bytes = environ["wsgi.input"].read(limit + 1 if declared is None else declared)
        if len(body) > limit:
            raise Refused(413, sentence)
        environ[_BODY] = body
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        # werkzeug reads the body through its own stream, made once: made again from here.
        request.__dict__.pop("stream", None)

    return guard


def declared_within(limit: int, sentence: str, *, required: str | None = None) -> Guard:
    """A 413 saying ``sentence`` when the body declares more than ``limit`` bytes; with
    ``required``, a 411 saying it when no length is declared. Nothing is read: for a body
    the handler streams (a coverage report), or a limit in front of every door."""

    def guard(request: Request) -> None:
        declared = declared_length(request.environ)
        if required is not None and (declared is None or declared < 0):
            raise Refused(411, required)
        if declared is not None and declared > limit:
            raise Refused(413, sentence)

    return guard


def content_type(types: Iterable[str], sentence: str, *, undeclared: bool = False) -> Guard:
    """A 415 saying ``sentence`` unless the body's media type is one of ``types``.

    With ``undeclared``, a body that declares no type goes on (a sender's script that posts
    JSON without saying so is read as JSON, and refused as malformed if it is not).
    """
    taken = frozenset(t.lower() for t in types)

    def guard(request: Request) -> None:
        if undeclared and not request.mimetype:
            return
        if request.mimetype not in taken:
            raise Refused(415, sentence)

    return guard


def verified(
    proof: Callable[[Request], str | None], challenge: Sequence[tuple[str, str]] = ()
) -> Guard:
    """``proof`` says ``None`` when the request comes from who the door takes, else the
    401's sentence, answered with ``challenge`` (a ``WWW-Authenticate`` header)."""

    def guard(request: Request) -> None:
        why = proof(request)
        if why is not None:
            raise Refused(401, why, challenge)

    return guard


def bearer_token(request: Request) -> str | None:
    """The token of ``Authorization: Bearer <token>`` (the scheme in any case), or ``None``
    when the header is missing, of another scheme or names no token."""
    scheme, _, token = str(request.environ.get("HTTP_AUTHORIZATION", "")).strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None
