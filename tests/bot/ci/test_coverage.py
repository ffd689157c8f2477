"""`POST /coverage` over real HTTP: the deploy endpoint's token, the answers, nothing stored on
a refusal."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.ci.coverage import coverage_endpoint
from bot.runtime.server import HttpServer, wsgi_application
from data.config import parse_org_config
from data.sources.coverage.read import MAX_REPORT_BYTES
from data.store.org import sync_org
from data.store.tables import CoverageReportRow
from tests import local_http
from tests.data.sources.coverage.reports import COBERTURA, JACOCO, LCOV

# Cases of the endpoint's door (auth, size, validation); on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

SECRET = "s3cret-deploy-token-0123456789"
ORG = parse_org_config('[[repositories]]\nname = "acme/shop"\n[[services]]\nkey = "api"\n')
SHA = "a" * 40


def _serve(engine: Engine, secret: str | None) -> Iterator[str]:
    with Session(engine) as session:
        sync_org(session, ORG)
        session.commit()
    endpoint = coverage_endpoint(engine, ORG, SecretStr(secret) if secret else None)
    server = HttpServer(
        wsgi_application(None, engine, coverage=endpoint),
        "127.0.0.1",
        0,
        threads=4,
        max_body=MAX_REPORT_BYTES,
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
    """`serve`'s HTTP server with the coverage endpoint on, over SQLite and PostgreSQL."""
    yield from _serve(engine, SECRET)


def _auth(secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _stored(engine: Engine) -> list[tuple[str, str, int, int]]:
    with Session(engine) as session:
        return sorted(
            (r.sha, r.format, r.coverable, r.covered)
            for r in session.exec(select(CoverageReportRow))
        )


@pytest.mark.store_decides
@pytest.mark.parametrize(
    ("body", "fmt", "lines"),
    [
        pytest.param(COBERTURA, "cobertura", (5, 3), id="cobertura"),
        # No clone and no change stored: the build's absolute path is outside, left out.
        pytest.param(LCOV, "lcov", (1, 0), id="lcov"),
        pytest.param(JACOCO, "jacoco", (2, 1), id="jacoco"),
    ],
)
def test_each_format_is_recorded_and_a_retry_answers_200(
    url: str, engine: Engine, body: bytes, fmt: str, lines: tuple[int, int]
) -> None:
    """A report is stored by commit (201, its format detected); the same one again is 200."""
    first = local_http.post(f"{url}/coverage", params={"sha": SHA}, content=body, headers=_auth())
    again = local_http.post(f"{url}/coverage", params={"sha": SHA}, content=body, headers=_auth())
    assert (first.status_code, first.json()["format"], first.json()["new"]) == (201, fmt, True)
    assert (again.status_code, again.json()["new"]) == (200, False)
    assert _stored(engine) == [(SHA, fmt, *lines)]


@pytest.mark.parametrize(
    ("headers", "params", "body", "status", "needle"),
    [
        pytest.param({}, {"sha": SHA}, COBERTURA, 401, "Authorization: Bearer", id="no-token"),
        pytest.param(_auth("wrong"), {"sha": SHA}, COBERTURA, 401, "Bearer", id="bad-token"),
        pytest.param(_auth(), {}, COBERTURA, 400, "not a full commit sha", id="no-sha"),
        pytest.param(_auth(), {"sha": SHA, "format": "xml"}, COBERTURA, 400, "unknown", id="fmt"),
        pytest.param(_auth(), {"sha": SHA}, b"hello", 400, "give --format", id="not-a-report"),
        pytest.param(_auth(), {"sha": SHA}, COBERTURA[:300], 400, "well-formed", id="truncated"),
        pytest.param(
            _auth(),
            {"sha": SHA},
            b'<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY a "aaaa">]><coverage>&a;'
            b"</coverage>",
            400,
            "entities",
            id="bomb",
        ),
    ],
)
def test_refusals_are_one_sentence_and_store_nothing(
    url: str,
    engine: Engine,
    headers: dict[str, str],
    params: dict[str, str],
    body: bytes,
    status: int,
    needle: str,
) -> None:
    """A missing token, a bad parameter or a bad report: its status, one sentence, no row."""
    answer = local_http.post(f"{url}/coverage", params=params, content=body, headers=headers)
    assert answer.status_code == status
    assert needle in answer.json()["error"]
    assert _stored(engine) == []


def _raw_post(url: str, path: str, length: int) -> bytes:
    return _raw_answer(url, path, length)[0]


def _raw_answer(url: str, path: str, length: int) -> tuple[bytes, bytes]:
    """Headers declaring ``length`` body bytes and none sent: what the server answers first."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {SECRET}\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
        )
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        return head, body


def test_get_and_oversized_bodies_are_refused(url: str) -> None:
    """Only POST is taken; a report declared over 200 MB is refused before any of it is read, and
    every other path still refuses a body over 1 MB."""
    assert local_http.get(f"{url}/coverage", headers=_auth()).status_code == 405
    assert _raw_post(url, f"/coverage?sha={SHA}", 201 * 2**20).startswith(b"HTTP/1.1 413")
    for path in ("/deploys", "/slack/events"):
        answer = local_http.post(f"{url}{path}", content=b"x" * (2 * 2**20), headers=_auth())
        assert answer.status_code == 413


@pytest.mark.parametrize("length", [MAX_REPORT_BYTES + 1, 10**12], ids=["200MB", "1TB"])
def test_a_report_of_200_mb_or_more_is_refused_in_json(url: str, length: int) -> None:
    """waitress's refusal of a body at or over the limit is the `{"error": …}` docs/coverage.md
    promises, not waitress's plain text."""
    head, body = _raw_answer(url, f"/coverage?sha={SHA}", length)
    assert head.startswith(b"HTTP/1.1 413")
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body) == {
        "error": "a coverage report must be under 200 MB (200,000,000 bytes)"
    }


def test_the_endpoint_is_off_without_a_secret(engine: Engine) -> None:
    """With no RISKBRIEF_DEPLOY_SECRET the endpoint answers 404 saying how to turn it on."""
    for url in _serve(engine, None):
        answer = local_http.post(f"{url}/coverage", params={"sha": SHA}, content=COBERTURA)
        assert answer.status_code == 404
        assert "RISKBRIEF_DEPLOY_SECRET" in answer.json()["error"]
