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
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.types import WSGIApplication, WSGIEnvironment

import structlog
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.ci.door import CiDoor, CiReply, ci_endpoint
from data.clock import utcnow
from data.config import OrgConfig
from data.sources.coverage.read import MAX_REPORT_BYTES, REPORT_LIMIT_TEXT
from data.sources.coverage.record import CoverageUpload, parse_format, record_coverage
from data.store.engine import session_scope
from scoring.errors import RiskbriefError

__all__ = ["COVERAGE_PATH", "coverage_endpoint"]

COVERAGE_PATH = "/coverage"

_DOOR = CiDoor(
    realm="riskbrief coverage",
    off="the coverage endpoint is off; set RISKBRIEF_DEPLOY_SECRET to use it",
    method="send coverage reports with POST",
    logger="riskbrief.coverage",
    refused_event="coverage_refused",
)

log = structlog.get_logger(_DOOR.logger)

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

    def handle(environ: WSGIEnvironment) -> CiReply:
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length < 0:
            return 411, {"error": "send the report with a Content-Length"}
        if length > MAX_REPORT_BYTES:
            return 413, {"error": f"a coverage report must be {REPORT_LIMIT_TEXT}"}
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        try:
            upload = CoverageUpload(
                _one(query, "sha") or "",
                _one(query, "repo"),
                parse_format(_one(query, "format")),
                _one(query, "strip_prefix"),
            )
        except RiskbriefError as exc:
            return 400, {"error": str(exc)}
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
                return 400, {"error": "the report ended before its Content-Length"}
            try:
                with session_scope(engine) as session:
                    done = record_coverage(session, org, upload, path, clock())
            except RiskbriefError as exc:
                return 400, {"error": str(exc)}
        log.info("coverage_recorded", repository=done.repository, sha=done.sha, new=done.new)
        return 201 if done.new else 200, {
            "repository": done.repository,
            "sha": done.sha,
            "format": done.format.value,
            "files": done.files,
            "coverable": done.coverable,
            "covered": done.covered,
            "ignored": len(done.ignored),
            "new": done.new,
        }

    return ci_endpoint(_DOOR, secret, handle)
