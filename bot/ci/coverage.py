"""``POST /coverage``: CI sends a coverage report to ``serve``, with the deploy endpoint's token.

The pipeline sends ``Authorization: Bearer <RISKBRIEF_DEPLOY_SECRET>`` (the one
CI secret ``POST /deploys`` takes), the report itself as the body, and what
``riskbrief coverage record`` takes as query parameters: ``sha`` (required),
``format`` (``cobertura``, ``lcov`` or ``jacoco``; detected when left out),
``repo`` and ``strip_prefix``::

    curl -fsS -H "Authorization: Bearer $RISKBRIEF_DEPLOY_SECRET" \\
      --data-binary @coverage.xml "$RISKBRIEF_URL/coverage?sha=$GITHUB_SHA"

The body is spooled to a temporary file as it arrives, never held in memory
whole. The answer is JSON: ``201`` for a commit's first report, ``200`` when it
replaced one, and for anything refused a status with ``{"error": "<one
sentence>"}``: 401 bad or missing token, 404 when no token is configured (the
endpoint is off), 405 not a POST, 411 no length, 413 of 200 MB (200,000,000 bytes) or
more, 400 a report
or parameter riskbrief refuses (nothing is stored).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.types import WSGIApplication

import structlog
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Request

from bot.ci.secret import ci_guards
from bot.doors.answer import Refused, json_answer
from bot.doors.chain import declared_length, declared_within, door
from data.clock import utcnow
from data.config import OrgConfig
from data.sources.coverage.read import MAX_REPORT_BYTES, REPORT_LIMIT_TEXT
from data.sources.coverage.record import (
    CoverageUpload,
    RecordedCoverage,
    check_coverage,
    parse_format,
)
from data.store.coverage import changed_paths, save_report
from data.store.engine import session_scope
from scoring.errors import RiskbriefError

__all__ = ["COVERAGE_PATH", "coverage_endpoint"]

COVERAGE_PATH = "/coverage"

_OFF = "the coverage endpoint is off; set RISKBRIEF_DEPLOY_SECRET to use it"

log = structlog.get_logger("riskbrief.coverage")

_CHUNK = 1 << 20


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def coverage_endpoint(
    engine: Engine,
    org: OrgConfig,
    secret: SecretStr | None,
    clock: Callable[[], datetime] = utcnow,
) -> WSGIApplication:
    """The WSGI application answering ``POST /coverage``."""

    def handle(request: Request) -> WSGIApplication:
        environ = request.environ
        # The declared length, checked by the chain (``declared_within``).
        length = declared_length(environ) or 0
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        try:
            upload = CoverageUpload(
                _one(query, "sha") or "",
                _one(query, "repo"),
                parse_format(_one(query, "format")),
                _one(query, "strip_prefix"),
            )
        except RiskbriefError as exc:
            raise Refused(400, str(exc)) from None
        with tempfile.TemporaryDirectory(prefix="riskbrief-coverage-") as tmp:
            path = Path(tmp) / "report"
            stream = environ["wsgi.input"]
            left = length
            with path.open("wb") as out:
                while left > 0:
                    chunk = stream.read(min(_CHUNK, left))
                    if not chunk:
                        break
                    out.write(chunk)
                    left -= len(chunk)
            if left:
                raise Refused(400, "the report ended before its Content-Length")
            now = clock()
            try:
                with session_scope(engine) as session:
                    seen = partial(changed_paths, session)
                    checked = check_coverage(org, upload, path, seen)
                    new = save_report(session, checked.repository, checked.sha, checked.report, now)
            except RiskbriefError as exc:
                raise Refused(400, str(exc)) from None
            done = RecordedCoverage.of(checked, new)
        log.info("coverage_recorded", repository=done.repository, sha=done.sha, new=done.new)
        return json_answer(
            201 if done.new else 200,
            {
                "repository": done.repository,
                "sha": done.sha,
                "format": done.format.value,
                "files": done.files,
                "coverable": done.coverable,
                "covered": done.covered,
                "ignored": len(done.ignored),
                "new": done.new,
            },
        )

    size = declared_within(
        MAX_REPORT_BYTES,
        f"a coverage report must be {REPORT_LIMIT_TEXT}",
        required="send the report with a Content-Length",
    )
    guards = ci_guards(secret, _OFF, "send coverage reports with POST", "riskbrief coverage")
    return door(handle, [*guards, size], refused="coverage_refused", logger="riskbrief.coverage")
