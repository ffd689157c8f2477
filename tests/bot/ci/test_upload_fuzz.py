"""CI's uploads under a fuzzer: `POST /deploys` reports and `POST /coverage` reports with the
right bearer token, built from their documented shapes with one part broken.

Every one is a 4xx with one sentence; the store is unchanged byte for byte and nothing is
logged with a traceback.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.ci.coverage import coverage_endpoint
from bot.ci.deploys import deploy_endpoint
from bot.runtime.server import HttpServer, wsgi_application
from data.config import parse_org_config
from data.sources.coverage.read import MAX_REPORT_BYTES
from data.store.engine import make_engine
from data.store.org import sync_org
from tests.data.sources.coverage.reports import COBERTURA, JACOCO, LCOV
from tests.doors import JSON, WRONG, broken, door_settings, no_traceback, store_digest
from tests.stores import migrated_copy

SECRET = "s3cret-deploy-token-0123456789"
ORG = parse_org_config('[[repositories]]\nname = "acme/shop"\n[[services]]\nkey = "api"\n')
REPORT = {
    "service": "api",
    "environment": "production",
    "sha": "abc1234",
    "status": "success",
    "finished_at": "2026-11-16T12:00:00Z",
    "started_at": "2026-11-16T11:50:00Z",
    "id": "77",
}
# How many generated uploads each endpoint takes in `make test` (docs/hardening.md).
DEPLOY_EXAMPLES = 100
COVERAGE_EXAMPLES = 60


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """`serve`'s HTTP server with both CI endpoints on, over a SQLite store of ``ORG``."""
    engine = make_engine(f"sqlite:///{migrated_copy(tmp_path / 'store.db')}")
    with Session(engine) as session:
        sync_org(session, ORG)
        session.commit()
    secret = SecretStr(SECRET)
    application = wsgi_application(
        None,
        engine,
        deploy_endpoint(engine, ORG, secret),
        coverage=coverage_endpoint(engine, ORG, secret),
    )
    server = HttpServer(application, "127.0.0.1", 0, threads=4, max_body=MAX_REPORT_BYTES)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.url, engine
    finally:
        server.stop()
        thread.join(timeout=10)
        engine.dispose()


def _not(pattern: str) -> st.SearchStrategy[str]:
    return st.text(max_size=30).filter(lambda s: re.fullmatch(pattern, s) is None)


# No field of a report is a list, an object, a bool or a fraction (a whole number is read
# as its digits).
_NOT_TEXT = st.one_of(
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(JSON, max_size=2),
    st.dictionaries(st.text(max_size=4), JSON, max_size=2),
)
_BAD_TIME = st.one_of(
    _not(r".*\d.*").filter(bool),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-11-16"]),
)
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}"


def _refused(answer: httpx.Response) -> None:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    error = answer.json()["error"]
    assert error, answer.text
    assert "\n" not in error, answer.text


def test_malformed_deploy_reports_are_refused(
    served: tuple[str, Engine],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Reports with one field of a kind or form riskbrief does not take, an unknown field, or a
    body that is no object: each a 4xx, and no deploy is stored."""
    url, engine = served
    digest = store_digest(engine)
    paths: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {
        ("service",): st.one_of(_not("api"), WRONG),
        # An empty environment is one not given: production.
        ("environment",): st.one_of(_not(_NAME).filter(bool), _NOT_TEXT, st.none()),
        ("sha",): st.one_of(_not(r"[0-9a-fA-F]{7,64}").filter(bool), _NOT_TEXT),
        ("status",): st.one_of(_not("(?i)success|failure").filter(bool), _NOT_TEXT, st.none()),
        ("finished_at",): st.one_of(_BAD_TIME, _NOT_TEXT),
        ("started_at",): st.one_of(_BAD_TIME, _NOT_TEXT),
        ("id",): st.one_of(_not(_NAME).filter(bool), _NOT_TEXT),
        ("unknown",): JSON,
    }
    optional = frozenset(p for p in paths if p != ("service",))
    headers = {"Authorization": f"Bearer {SECRET}"}
    with httpx.Client() as client:

        @door_settings(DEPLOY_EXAMPLES)
        @given(report=broken(REPORT, paths, optional))
        # Before the first instant Python holds in UTC: once a 500 with a traceback.
        @example(report={**REPORT, "finished_at": "0001-01-01T00:00:00+14:00"})
        def reports(report: Any) -> None:
            _refused(client.post(f"{url}/deploys", json=report, headers=headers))

        reports()
        _refused(client.post(f"{url}/deploys", content=b"{" * 20_000, headers=headers))
    assert store_digest(engine) == digest
    no_traceback(caplog, capsys)


def _cut(report: bytes) -> st.SearchStrategy[bytes]:
    """An XML ``report`` cut short before its root element closes: never a whole document."""
    data = report.strip()
    return st.integers(0, data.rindex(b"</") - 1).map(lambda n: data[:n])


def test_malformed_coverage_uploads_are_refused(
    served: tuple[str, Engine],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Reports cut short, bytes that are no report, and a whole report under query parameters
    riskbrief does not take: each a 4xx, and no coverage is stored."""
    url, engine = served
    digest = store_digest(engine)
    headers = {"Authorization": f"Bearer {SECRET}"}
    good = {"sha": "a" * 40}
    bodies = st.one_of(_cut(COBERTURA), _cut(JACOCO), st.binary(max_size=200))
    queries = st.one_of(
        st.fixed_dictionaries({"sha": _not(r"[0-9a-fA-F]{7,64}")}),
        st.fixed_dictionaries(
            {"sha": st.just(good["sha"]), "format": _not("(?i)cobertura|lcov|jacoco").filter(bool)}
        ),
        st.fixed_dictionaries(
            {"sha": st.just(good["sha"]), "repo": _not("(?i)acme/shop").filter(bool)}
        ),
    )
    uploads = st.one_of(
        st.tuples(bodies, st.just(good)),
        st.tuples(st.sampled_from([COBERTURA, LCOV, JACOCO]), queries),
    )
    with httpx.Client() as client:

        @door_settings(COVERAGE_EXAMPLES)
        @given(upload=uploads)
        def upload(upload: tuple[bytes, dict[str, str]]) -> None:
            body, query = upload
            _refused(client.post(f"{url}/coverage", params=query, content=body, headers=headers))

        upload()
    assert store_digest(engine) == digest
    no_traceback(caplog, capsys)
