"""The one chain in front of every door: body limits, verification, content types, and one
JSON shape for every refusal, logged once."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from wsgiref.types import WSGIApplication

from structlog.testing import capture_logs
from werkzeug.wrappers import Request

from bot.doors.answer import json_answer
from bot.doors.chain import (
    Guard,
    body_within,
    content_type,
    declared_within,
    door,
    post_only,
    verified,
)


def _ask(
    app: WSGIApplication, body: bytes | Iterator[bytes] = b"", **environ: str
) -> tuple[str, dict[str, str], bytes]:
    """``app`` asked a POST of ``body`` (its length declared unless ``CONTENT_LENGTH=""``)."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start(status: str, headers: list[tuple[str, str]], _exc_info: object = None) -> None:
        seen.append((status, headers))

    raw = body if isinstance(body, bytes) else b"".join(body)
    env = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(raw),
        **environ,
    }
    out = b"".join(app(env, start))  # type: ignore[arg-type]
    return seen[0][0], dict(seen[0][1]), out


def _echo(guards: list[Guard]) -> WSGIApplication:
    """A door answering the body it was handed, behind ``guards``."""

    def handle(request: Request) -> WSGIApplication:
        return json_answer(200, {"body": request.get_data().decode()})

    return door(handle, guards, refused="test_refused", logger="riskbrief.test")


def test_a_body_within_its_limit_reaches_the_handler_and_one_past_it_is_a_413() -> None:
    """A body of exactly the limit passes whole; one byte more, declared or not, is a 413 in
    the one JSON shape."""
    app = _echo([body_within(8, "at most 8 bytes, please.")])
    assert _ask(app, b"12345678")[::2] == ("200 OK", b'{"body": "12345678"}')
    status, headers, body = _ask(app, b"123456789")
    assert status == "413 Content Too Large"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"error": "at most 8 bytes, please."}
    undeclared = _ask(app, b"123456789", CONTENT_LENGTH="")
    assert undeclared[::2] == (status, body)


def test_a_declared_limit_refuses_unread_and_may_require_a_length() -> None:
    """``declared_within`` refuses by the declared length alone: 413 past it, 411 without
    one when a length is required."""
    app = _echo([declared_within(4, "too big.", required="send a length.")])
    assert _ask(app, b"12345")[0] == "413 Content Too Large"
    assert json.loads(_ask(app, b"12", CONTENT_LENGTH="")[2]) == {"error": "send a length."}
    assert _ask(app, b"1234")[0] == "200 OK"


def test_a_failed_verification_is_a_401_with_its_challenge_and_the_handler_never_runs() -> None:
    """The door's proof refusing is a 401 saying its sentence, with its challenge header,
    logged once as the door's refusal; nothing past it runs."""
    ran: list[str] = []

    def handle(_request: Request) -> WSGIApplication:
        ran.append("handler")
        return json_answer(200, {})

    def proof(request: Request) -> str | None:
        good = request.headers.get("X-Proof") == "yes"
        return None if good else "Sign the request as the sender does."

    challenge = [("WWW-Authenticate", 'Bearer realm="test"')]
    app = door(handle, [verified(proof, challenge)], refused="test_refused")
    with capture_logs() as logs:
        status, headers, body = _ask(app, b"{}")
    assert status == "401 Unauthorized"
    assert headers["WWW-Authenticate"] == 'Bearer realm="test"'
    assert json.loads(body) == {"error": "Sign the request as the sender does."}
    assert [(e["event"], e["status"], e["log_level"]) for e in logs] == [
        ("test_refused", 401, "warning")
    ]
    assert ran == []
    assert _ask(app, b"{}", HTTP_X_PROOF="yes")[0] == "200 OK"
    assert ran == ["handler"]


def test_a_body_of_a_type_the_door_does_not_read_is_a_415() -> None:
    """A content type outside the door's is a 415 saying what to send; a parameter such as
    a charset does not change the type."""
    app = _echo([content_type(["application/json"], "Send JSON.")])
    status, _, body = _ask(app, b"a=1", CONTENT_TYPE="application/x-www-form-urlencoded")
    assert (status, json.loads(body)) == ("415 Unsupported Media Type", {"error": "Send JSON."})
    assert _ask(app, b"{}", CONTENT_TYPE="application/json; charset=utf-8")[0] == "200 OK"
    assert _ask(app, b"{}", CONTENT_TYPE="")[0] == "415 Unsupported Media Type"


def test_a_door_may_take_a_body_that_declares_no_type() -> None:
    """With ``undeclared``, a body declaring no type goes on to the handler, and one declaring
    another type is still a 415."""
    app = _echo([content_type(["application/json"], "Send JSON.", undeclared=True)])
    assert _ask(app, b"{}", CONTENT_TYPE="")[0] == "200 OK"
    assert _ask(app, b"a=1", CONTENT_TYPE="text/plain")[0] == "415 Unsupported Media Type"


def test_every_refusal_has_one_shape_and_the_first_guard_to_refuse_answers() -> None:
    """Guards run in order: a GET is a 405 allowing POST before its oversized body is read,
    and every refusal is an object with one key, ``error``, holding one sentence."""
    app = _echo(
        [
            post_only("Send it with POST."),
            body_within(2, "At most 2 bytes."),
            content_type(["application/json"], "Send JSON."),
        ]
    )
    status, headers, body = _ask(app, b"12345", REQUEST_METHOD="GET")
    assert (status, headers["Allow"]) == ("405 Method Not Allowed", "POST")
    answers = [
        body,
        _ask(app, b"12345")[2],
        _ask(app, b"{}", CONTENT_TYPE="text/plain")[2],
    ]
    for answer in answers:
        error = json.loads(answer)
        assert list(error) == ["error"]
        assert error["error"].endswith(".")
        assert error["error"].count(". ") == 0


def test_what_the_handler_returns_reads_the_body_afresh() -> None:
    """A WSGI application the handler hands on (bolt's, the MCP SDK's) reads the whole body
    though the guards have read it already."""

    def inner(environ: dict[str, object], start_response: object) -> list[bytes]:
        read = environ["wsgi.input"].read()  # type: ignore[attr-defined]
        start_response("200 OK", [])  # type: ignore[operator]
        return [read]

    def handle(_request: Request) -> WSGIApplication:
        return inner

    app = door(handle, [body_within(64, "too big.")], refused="test_refused")
    assert _ask(app, b'{"a": 1}')[2] == b'{"a": 1}'
