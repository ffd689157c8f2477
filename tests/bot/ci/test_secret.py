"""CI's door on the chain: off without a secret, POST only, the secret in constant time."""

from __future__ import annotations

import io
import json
from wsgiref.types import WSGIApplication

from pydantic import SecretStr
from structlog.testing import capture_logs
from werkzeug.wrappers import Request

from bot.ci.secret import BAD_SECRET, ci_guards
from bot.doors.answer import Refused, json_answer
from bot.doors.chain import door

SECRET = SecretStr("s3cret-value-for-ci")
GOOD = "Bearer s3cret-value-for-ci"


def _call(app: WSGIApplication, environ: dict[str, object]) -> tuple[str, dict[str, str], bytes]:
    """``app`` asked with ``environ``: its status line, headers and body."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start(status: str, headers: list[tuple[str, str]], _exc_info: object = None) -> None:
        seen.append((status, headers))

    env = {"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(b""), **environ}
    body = b"".join(app(env, start))  # type: ignore[arg-type]
    return seen[0][0], dict(seen[0][1]), body


def _refusal(secret: SecretStr | None, environ: dict[str, object]) -> tuple[int, str] | None:
    """The status and sentence the CI guards refuse ``environ`` with, or None."""
    request = Request({"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(b""), **environ})
    try:
        for guard in ci_guards(secret, "off", "post", "riskbrief test"):
            guard(request)
    except Refused as exc:
        return exc.status, exc.sentence
    return None


def test_the_door_refuses_in_order_off_method_secret() -> None:
    """No secret is 404, another method 405, a wrong or missing bearer 401, the right one passes."""
    assert _refusal(None, {"HTTP_AUTHORIZATION": GOOD}) == (404, "off")
    assert _refusal(SECRET, {"REQUEST_METHOD": "GET", "HTTP_AUTHORIZATION": GOOD}) == (405, "post")
    assert _refusal(SECRET, {"HTTP_AUTHORIZATION": "Bearer nope"}) == (401, BAD_SECRET)
    assert _refusal(SECRET, {}) == (401, BAD_SECRET)
    assert _refusal(SECRET, {"HTTP_AUTHORIZATION": "Basic s3cret-value-for-ci"}) == (
        401,
        BAD_SECRET,
    )
    assert _refusal(SECRET, {"HTTP_AUTHORIZATION": GOOD}) is None


def test_a_refusal_names_its_realm_or_method_and_the_handler_never_runs() -> None:
    """A bad secret is a 401 in the door's realm, logged; a GET a 405 allowing POST; the
    handler runs only for the right secret."""
    handled: list[Request] = []

    def handle(request: Request) -> WSGIApplication:
        handled.append(request)
        return json_answer(201, {"ok": True})

    guards = ci_guards(SECRET, "off", "post", "riskbrief test")
    app = door(handle, guards, refused="test_refused", logger="riskbrief.test")
    with capture_logs() as logs:
        status, headers, body = _call(app, {"HTTP_AUTHORIZATION": "Bearer no"})
    assert status == "401 Unauthorized"
    assert headers["WWW-Authenticate"] == 'Bearer realm="riskbrief test"'
    assert json.loads(body) == {"error": BAD_SECRET}
    assert [(e["event"], e["status"]) for e in logs] == [("test_refused", 401)]
    status, headers, _ = _call(app, {"REQUEST_METHOD": "GET", "HTTP_AUTHORIZATION": GOOD})
    assert (status, headers["Allow"]) == ("405 Method Not Allowed", "POST")
    assert handled == []
    assert _call(app, {"HTTP_AUTHORIZATION": GOOD})[::2] == ("201 Created", b'{"ok": true}')
    assert len(handled) == 1
