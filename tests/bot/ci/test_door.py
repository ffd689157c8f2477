"""The door of CI's endpoints: off without a secret, POST only, the secret in constant time."""

from __future__ import annotations

from pydantic import SecretStr
from structlog.testing import capture_logs

from bot.ci.door import CiDoor, CiReply, answer, ci_endpoint, refusal

SECRET = SecretStr("s3cret-value-for-ci")


def test_the_door_refuses_in_order_off_method_secret() -> None:
    """No secret is 404, another method 405, a wrong or missing bearer 401, the right one passes."""
    post = {"REQUEST_METHOD": "POST", "HTTP_AUTHORIZATION": "Bearer s3cret-value-for-ci"}
    assert refusal(post, None, "off", "post") == (404, "off")
    assert refusal({**post, "REQUEST_METHOD": "GET"}, SECRET, "off", "post") == (405, "post")
    wrong = refusal({**post, "HTTP_AUTHORIZATION": "Bearer nope"}, SECRET, "off", "post")
    assert wrong is not None
    assert wrong[0] == 401
    assert refusal({"REQUEST_METHOD": "POST"}, SECRET, "off", "post") == wrong
    assert refusal({**post, "HTTP_AUTHORIZATION": "Basic s3cret-value-for-ci"}, SECRET, "o", "p")
    assert refusal(post, SECRET, "off", "post") is None


def test_an_answer_is_json_with_the_headers_its_status_needs() -> None:
    """A 401 names its realm, a 405 the one method taken, and the body is the JSON given."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start(status: str, headers: list[tuple[str, str]], _exc_info: object = None) -> None:
        seen.append((status, headers))

    body = answer(start, 401, {"error": "no"}, "riskbrief deploys")  # type: ignore[arg-type]
    assert body == [b'{"error": "no"}']
    status, headers = seen[-1]
    assert status == "401 Unauthorized"
    assert ("WWW-Authenticate", 'Bearer realm="riskbrief deploys"') in headers
    answer(start, 405, {"error": "post"}, "r")  # type: ignore[arg-type]
    assert seen[-1][0] == "405 Method Not Allowed"
    assert ("Allow", "POST") in seen[-1][1]


def test_an_endpoint_s_handler_runs_only_past_the_door() -> None:
    """A bad secret is refused in the door's realm and logged, and the handler never runs."""
    door = CiDoor("riskbrief test", "off", "post", "riskbrief.test", "test_refused")
    handled: list[object] = []

    def handle(environ: object) -> CiReply:
        handled.append(environ)
        return 201, {"ok": True}

    app = ci_endpoint(door, SECRET, handle)
    seen: list[str] = []

    def start(status: str, _headers: list[tuple[str, str]], _exc_info: object = None) -> None:
        seen.append(status)

    with capture_logs() as logs:
        refused = app({"REQUEST_METHOD": "POST", "HTTP_AUTHORIZATION": "Bearer no"}, start)  # type: ignore[arg-type]
    assert seen == ["401 Unauthorized"]
    assert list(refused) == [
        b'{"error": "send the deploy secret as \'Authorization: Bearer <secret>\'"}'
    ]
    assert [e["event"] for e in logs] == ["test_refused"]
    assert handled == []
    good = {"REQUEST_METHOD": "POST", "HTTP_AUTHORIZATION": "Bearer s3cret-value-for-ci"}
    assert list(app(good, start)) == [b'{"ok": true}']  # type: ignore[arg-type]
    assert seen[-1] == "201 Created"
    assert handled == [good]
