"""`POST /deploys` over real HTTP: the shared secret, the answers, and one deploy per report."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.ci.deploys import MAX_BODY, deploy_endpoint
from bot.runtime.server import HttpServer, wsgi_application
from data.config import parse_org_config
from data.deploy_rule import DeployRule, FoundBy
from data.store.org import sync_org
from data.store.tables import Deploy
from tests import local_http

# Cases of the endpoint's door (auth, size, validation); on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

SECRET = "s3cret-deploy-token-0123456789"
ORG = parse_org_config('[[services]]\nkey = "api"\n')
REPORT = {"service": "api", "sha": "abc1234", "id": "77", "finished_at": "2026-11-16T12:00:00Z"}


def _serve(engine: Engine, secret: str | None, max_body: int | None = None) -> Iterator[str]:
    with Session(engine) as session:
        sync_org(session, ORG)
        session.commit()
    endpoint = deploy_endpoint(engine, ORG, SecretStr(secret) if secret else None)
    limit = {} if max_body is None else {"max_body": max_body}
    server = HttpServer(
        wsgi_application(None, engine, endpoint), "127.0.0.1", 0, threads=4, **limit
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.stop()
        thread.join(timeout=10)


@pytest.fixture
def url(engine: Engine) -> Iterator[str]:
    """`serve`'s HTTP server with the deploy endpoint on, over SQLite and PostgreSQL."""
    yield from _serve(engine, SECRET)


def _auth(secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.store_decides
def test_a_report_is_recorded_once_and_a_retry_answers_200(url: str, engine: Engine) -> None:
    """The first report creates the deploy (201); the same report again changes nothing (200)."""
    first = local_http.post(f"{url}/deploys", json=REPORT, headers=_auth())
    again = local_http.post(f"{url}/deploys", json=REPORT, headers=_auth())
    assert (first.status_code, first.json()["new"]) == (201, True)
    assert (again.status_code, again.json()["new"]) == (200, False)
    with Session(engine) as session:
        (deploy,) = session.exec(select(Deploy)).all()
    assert (deploy.key, deploy.sha, deploy.source) == ("ci:api:production:77", "abc1234", "ci")
    # It keeps what found it: a CI report of run 77, through this door.
    assert FoundBy.decode(deploy.found_by) == FoundBy(DeployRule.CI_REPORT, "77", "POST /deploys")


def test_a_run_number_may_be_a_json_number(url: str) -> None:
    """``"id": 77`` is the same report as ``"id": "77"``: one deploy, keyed by the run."""
    first = local_http.post(f"{url}/deploys", json={**REPORT, "id": 77}, headers=_auth())
    again = local_http.post(f"{url}/deploys", json=REPORT, headers=_auth())
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["key"] == "ci:api:production:77"


@pytest.mark.parametrize(
    ("method", "headers", "body", "status", "needle"),
    [
        pytest.param("POST", {}, REPORT, 401, "Authorization: Bearer", id="no-secret"),
        pytest.param("POST", _auth("wrong"), REPORT, 401, "Authorization: Bearer", id="bad"),
        pytest.param("POST", {"Authorization": SECRET}, REPORT, 401, "Bearer", id="no-scheme"),
        pytest.param("GET", _auth(), None, 405, "POST", id="get"),
        pytest.param("POST", _auth(), {"service": "nope", "sha": "abc1234"}, 400, "nope", id="svc"),
        pytest.param("POST", _auth(), {**REPORT, "extra": 1}, 400, "not a deploy field", id="key"),
        pytest.param("POST", _auth(), [1, 2], 400, "JSON object", id="list"),
        pytest.param(
            "POST", _auth(), {**REPORT, "service": ["api"]}, 400, "service must be text", id="type"
        ),
        pytest.param("POST", _auth(), {**REPORT, "id": True}, 400, "id must be text", id="bool"),
        pytest.param(
            "POST",
            {**_auth(), "Content-Type": "application/x-www-form-urlencoded"},
            REPORT,
            415,
            "Content-Type: application/json",
            id="form",
        ),
        pytest.param(
            "POST",
            _auth(),
            {**REPORT, "status": "cancelled"},
            400,
            "status must be success or failure",
            id="cancelled",
        ),
    ],
)
def test_refusals_have_the_right_status_and_record_nothing(
    url: str,
    engine: Engine,
    method: str,
    headers: dict[str, str],
    body: object,
    status: int,
    needle: str,
) -> None:
    """A bad secret, method or body is refused with its status and a sentence; no deploy."""
    answer = local_http.request(method, f"{url}/deploys", json=body, headers=headers)
    assert answer.status_code == status
    assert needle in answer.json()["error"]
    with Session(engine) as session:
        assert session.exec(select(Deploy)).all() == []


def test_an_oversized_body_is_refused_unread(url: str) -> None:
    """A body over the limit is answered 413 without being parsed."""
    answer = local_http.post(
        f"{url}/deploys",
        content=b"{" + b" " * (MAX_BODY + 10) + b"}",
        headers={**_auth(), "Content-Type": "application/json"},
    )
    assert answer.status_code == 413


def test_a_body_of_exactly_the_servers_limit_reaches_the_endpoint(engine: Engine) -> None:
    """The server's ``max_body`` is the largest body taken, not one byte less: a body of
    exactly that size is answered by the endpoint in JSON, one byte more by the server."""
    body = json.dumps(REPORT).encode() + b" " * 1000
    headers = {**_auth(), "Content-Type": "application/json"}
    for url in _serve(engine, SECRET, max_body=len(body)):
        taken = local_http.post(f"{url}/deploys", content=body, headers=headers)
        assert taken.status_code == 201, taken.text
        refused = local_http.post(f"{url}/deploys", content=body + b" ", headers=headers)
        assert refused.status_code == 413


def test_without_a_secret_the_endpoint_is_off(engine: Engine) -> None:
    """With no RISKBRIEF_DEPLOY_SECRET nothing is accepted, whatever is sent."""
    for url in _serve(engine, None):
        answer = local_http.post(f"{url}/deploys", json=REPORT, headers=_auth())
        assert answer.status_code == 404
        assert "RISKBRIEF_DEPLOY_SECRET" in answer.json()["error"]
