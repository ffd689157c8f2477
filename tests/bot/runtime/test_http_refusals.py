"""`serve`'s real HTTP server refuses what Slack did not sign, and runs nothing for it.

Bolt checks every request to /slack/events: the v0 HMAC signature of the
timestamp and body with the signing secret, and a timestamp within 5 minutes
of now (an older one is a replay). The deploy endpoint's secret is compared in
constant time.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.ci.deploys import deploy_endpoint
from bot.runtime.server import EVENTS_PATH, HttpServer, wsgi_application
from data.config import OrgConfig, parse_org_config
from data.store.engine import make_engine, session_scope
from data.store.org import sync_org
from data.store.tables import Deploy, Subscriber
from fakes.slack_server import FakeSlack, SlackUser, signed_headers
from tests import local_http
from tests.bot.slack.harness import SECRET, Served, serve_app
from tests.stores import migrated_copy

ORG = parse_org_config(
    '[organisation]\nname = "Acme"\n'
    '[[services]]\nkey = "payments"\nname = "Payments"\n'
    '[[teams]]\nkey = "commerce"\nservices = ["payments"]\n'
)
CALLER = "U0NEWBIE1"
TWO_MB = 2 * 1024 * 1024


def _form(text: str, response_id: str, slack: FakeSlack) -> bytes:
    """The form body of `/risk <text>`, answered on ``response_id``."""
    return urlencode(
        {
            "team_id": "T0FAKE",
            "user_id": CALLER,
            "command": "/risk",
            "text": text,
            "response_url": slack.response_url(response_id),
            "trigger_id": "1337.42.abcd",
        }
    ).encode()


@dataclass
class Running:
    """The app on a fresh store, with the fake Slack it talks to."""

    served: Served
    slack: FakeSlack
    engine: Engine


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """`serve`'s HTTP server with the Slack app on a store holding only the organisation."""
    engine = make_engine(f"sqlite:///{migrated_copy(tmp_path / 'store.db')}")
    with session_scope(engine) as session:
        sync_org(session, ORG)
    users = [SlackUser(CALLER, name="sam", real_name="Sam Newcomer", tz="Europe/Berlin")]
    with FakeSlack(users) as slack, serve_app(engine, ORG, slack) as served:
        yield Running(served, slack, engine)
    engine.dispose()


def _subscribers(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Subscriber)).one()


def _stale(seconds: int) -> Callable[[bytes, dict[str, str]], dict[str, str]]:
    def make(body: bytes, _headers: dict[str, str]) -> dict[str, str]:
        return signed_headers(SECRET, body, timestamp=int(time.time()) - seconds)

    return make


def _without(header: str) -> Callable[[bytes, dict[str, str]], dict[str, str]]:
    def make(_body: bytes, headers: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in headers.items() if k != header}

    return make


def _replace(header: str, value: str) -> Callable[[bytes, dict[str, str]], dict[str, str]]:
    def make(_body: bytes, headers: dict[str, str]) -> dict[str, str]:
        return {**headers, header: value}

    return make


def _other_body(body: bytes, _headers: dict[str, str]) -> dict[str, str]:
    # A signature Slack made for a different request, replayed on this body.
    return signed_headers(SECRET, body.replace(b"subscribe", b"settings"))


REFUSED: list[Any] = [
    pytest.param(lambda b, _h: signed_headers("not-the-signing-secret", b), 401, id="wrong-secret"),
    pytest.param(_other_body, 401, id="signature-of-another-body"),
    pytest.param(_stale(6 * 60), 401, id="replayed-6-minutes-later"),
    pytest.param(_stale(3600), 401, id="replayed-an-hour-later"),
    pytest.param(_stale(-6 * 60), 401, id="timestamp-6-minutes-ahead"),
    pytest.param(_without("X-Slack-Signature"), 401, id="no-signature"),
    pytest.param(_without("X-Slack-Request-Timestamp"), 401, id="no-timestamp"),
    pytest.param(lambda _b, h: {"Content-Type": h["Content-Type"]}, 401, id="no-slack-headers"),
    pytest.param(_replace("X-Slack-Signature", "v0="), 401, id="empty-signature"),
    pytest.param(_replace("X-Slack-Signature", "v1=" + "0" * 64), 401, id="other-scheme"),
    pytest.param(
        _replace("X-Slack-Request-Timestamp", "yesterday"), 401, id="timestamp-not-number"
    ),
]


@pytest.mark.parametrize(("sign", "status"), REFUSED)
def test_unsigned_or_replayed_commands_are_refused_and_run_nothing(
    running: Running,
    sign: Callable[[bytes, dict[str, str]], dict[str, str]],
    status: int,
) -> None:
    """A forged, replayed or unsigned `/risk subscribe` is refused and changes nothing."""
    calls = len(running.slack.calls)
    body = _form("subscribe", "refused", running.slack)
    headers = sign(body, signed_headers(SECRET, body))
    answer = local_http.post(
        running.served.url + EVENTS_PATH, content=body, headers=headers, timeout=10
    )
    assert answer.status_code == status
    _assert_nothing_ran(running, calls)


MALFORMED: list[Any] = [
    pytest.param(b"\xff\xfe not utf-8", {}, 400, id="non-utf8-body"),
    pytest.param(b"{not json", {"Content-Type": "application/json"}, 401, id="json-not-json"),
    pytest.param(b"payload=%7Bnot+json", {}, 401, id="payload-not-json"),
    pytest.param(b"text=subscribe", {"X-Slack-Signature": "v0=\u00e9"}, 401, id="non-ascii-sig"),
    pytest.param(
        b"text=subscribe", {"X-Slack-Request-Timestamp": "9" * 400}, 401, id="400-digit-timestamp"
    ),
]


@pytest.mark.parametrize(("body", "headers", "status"), MALFORMED)
def test_malformed_unsigned_requests_are_refused_before_parsing(
    running: Running, body: bytes, headers: dict[str, str], status: int
) -> None:
    """Bodies bolt cannot parse get 400 or 401, headers slack_sdk cannot read 401, never a 500."""
    calls = len(running.slack.calls)
    sent = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    raw = {k.encode(): v.encode("utf-8") for k, v in sent.items()}
    answer = local_http.post(
        running.served.url + EVENTS_PATH, content=body, headers=raw, timeout=10
    )
    assert answer.status_code == status
    _assert_nothing_ran(running, calls)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"\xff\xfe not utf-8", "application/x-www-form-urlencoded", id="non-utf8"),
        pytest.param(b"{not json", "application/json", id="json-not-json"),
        pytest.param(b"payload=%7Bnot+json", "application/x-www-form-urlencoded", id="payload"),
    ],
)
def test_signed_bodies_bolt_cannot_parse_are_a_400(
    running: Running, body: bytes, content_type: str
) -> None:
    """A correctly signed body that is not UTF-8, or not the JSON it claims, is a 400."""
    calls = len(running.slack.calls)
    headers = {**signed_headers(SECRET, body), "Content-Type": content_type}
    answer = local_http.post(
        running.served.url + EVENTS_PATH, content=body, headers=headers, timeout=10
    )
    assert answer.status_code == 400
    _assert_nothing_ran(running, calls)


def test_a_chunked_body_over_the_limit_is_refused(running: Running) -> None:
    """A body sent without a length (chunked) is refused with 413 once it passes the limit."""
    calls = len(running.slack.calls)

    def chunks() -> Iterator[bytes]:
        yield b"text=subscribe&x="
        for _ in range(TWO_MB // 65536):
            yield b"x" * 65536

    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = local_http.post(
        running.served.url + EVENTS_PATH, content=chunks(), headers=headers, timeout=30
    )
    assert answer.status_code == 413
    _assert_nothing_ran(running, calls)


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_a_two_megabyte_body_is_refused_and_runs_nothing(running: Running, signed: bool) -> None:
    """A 2 MB request is refused with 413, signed or not, before any work, and runs nothing."""
    calls = len(running.slack.calls)
    body = _form("subscribe " + "x" * TWO_MB, "refused", running.slack)
    headers = (
        signed_headers(SECRET, body)
        if signed
        else {"Content-Type": "application/x-www-form-urlencoded"}
    )
    answer = local_http.post(
        running.served.url + EVENTS_PATH, content=body, headers=headers, timeout=30
    )
    assert answer.status_code == 413
    _assert_nothing_ran(running, calls)


def _assert_nothing_ran(running: Running, calls_before: int) -> None:
    """No Slack call, no answer and no subscriber; a signed request afterwards still works."""
    # A signed request after the refused one is answered: had the refused one been
    # queued, it would have run by then on the same workers.
    ok = running.served.command("settings", user_id=CALLER, response_id="after")
    assert ok.status_code == 200
    running.slack.wait_for_response("after")
    assert running.slack.responses("refused") == []
    assert _subscribers(running.engine) == 0
    methods = [method for method, _ in running.slack.calls[calls_before:]]
    assert "chat.postMessage" not in methods
    assert "chat.postEphemeral" not in methods
    assert methods.count("users.info") == 0


def test_a_correctly_signed_command_does_run(running: Running) -> None:
    """The same `/risk subscribe`, signed now with the secret, subscribes: the refusals are real."""
    answer = running.served.command("subscribe", user_id=CALLER, response_id="ok")
    assert answer.status_code == 200
    assert "subscribed" in running.slack.wait_for_response("ok")["text"].lower()
    assert _subscribers(running.engine) == 1


def test_the_deploy_secret_is_compared_in_constant_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`POST /deploys` checks the bearer token with hmac.compare_digest, never with ==."""
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    engine = make_engine(f"sqlite:///{migrated_copy(tmp_path / 'store.db')}")
    org: OrgConfig = ORG
    with session_scope(engine) as session:
        sync_org(session, org)
    app = deploy_endpoint(engine, org, SecretStr("the-deploy-secret-0123456789"))
    server = HttpServer(wsgi_application(None, engine, app), "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        answer = local_http.post(
            f"{server.url}/deploys",
            json={"service": "payments", "sha": "abc1234", "id": "1"},
            headers={"Authorization": "Bearer the-deploy-secret-0123456789-but-longer"},
            timeout=10,
        )
    finally:
        server.stop()
        thread.join(timeout=10)
    assert answer.status_code == 401
    assert (b"the-deploy-secret-0123456789-but-longer", b"the-deploy-secret-0123456789") in compared
    with Session(engine) as session:
        assert session.exec(select(Deploy)).all() == []
    engine.dispose()
