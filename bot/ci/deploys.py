"""``POST /deploys``: CI pipelines that deploy outside GitHub report each deploy to ``serve``.

The pipeline sends ``Authorization: Bearer <RISKBRIEF_DEPLOY_SECRET>`` and a
JSON object with the fields of ``riskbrief deploy record`` (``service``,
``environment``, ``sha``, ``status``, ``finished_at``, ``started_at``,
``id``). The answer is JSON: ``201`` for a new deploy, ``200`` for a report
seen before (retries are safe), and for anything refused a status with
``{"error": "<one sentence>"}``: 401 bad or missing secret, 404 when no
secret is configured (the endpoint is off), 405 not a POST, 413 a body over
16 KiB, 400 a body that is not a valid report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from wsgiref.types import WSGIApplication

import structlog
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Request

from bot.ci.secret import ci_guards
from bot.doors.answer import JSON, Refused, json_answer
from bot.doors.chain import body_within, content_type, door
from data.clock import utcnow
from data.config import OrgConfig
from data.sources.ci_deploys import parse_report
from data.store.engine import session_scope
from data.sync import record_deploy
from scoring.errors import RiskbriefError

__all__ = ["DEPLOYS_PATH", "MAX_BODY", "deploy_endpoint"]

DEPLOYS_PATH = "/deploys"
MAX_BODY = 16 * 1024

_OFF = "the deploy endpoint is off; set RISKBRIEF_DEPLOY_SECRET to turn it on"

log = structlog.get_logger("riskbrief.deploys")


def deploy_endpoint(
    engine: Engine,
    org: OrgConfig,
    secret: SecretStr | None,
    clock: Callable[[], datetime] = utcnow,
) -> WSGIApplication:
    """The WSGI application answering ``POST /deploys``."""

    def handle(request: Request) -> WSGIApplication:
        try:
            fields = json.loads(request.get_data())
        except (json.JSONDecodeError, UnicodeDecodeError):
            fields = None
        if not isinstance(fields, dict):
            raise Refused(400, "the body must be a JSON object of deploy fields")
        try:
            report = parse_report(fields, org, clock(), f"POST {DEPLOYS_PATH}")
            with session_scope(engine) as session:
                new = record_deploy(session, org, report)
        except RiskbriefError as exc:
            raise Refused(400, str(exc)) from None
        log.info("deploy_recorded", key=report.key, new=new)
        body: dict[str, object] = {
            "key": report.key,
            "service": report.service,
            "status": report.status,
            "new": new,
        }
        return json_answer(201 if new else 200, body)

    too_large = f"a deploy report must be at most {MAX_BODY} bytes"
    guards = [*ci_guards(secret, _OFF, "send deploys with POST", "riskbrief deploys")]
    return door(
        handle,
        [
            *guards,
            body_within(MAX_BODY, too_large),
            content_type(
                [JSON],
                "a deploy report is a JSON object: send it with Content-Type: application/json",
                undeclared=True,
            ),
        ],
        refused="deploy_refused",
        logger="riskbrief.deploys",
    )
