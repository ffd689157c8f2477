"""Deploys reported by a CI pipeline: ``riskbrief deploy record`` and ``POST /deploys``.

For teams that deploy outside GitHub, the pipeline reports each deploy when it
finishes. The report is checked here once for both ways in, and is keyed so
that a pipeline retrying the same report never makes a second deploy: by the
pipeline's own run id when it gives one, else by service, environment and sha.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from data.config import OrgConfig
from data.deploy_rule import DeployRule, FoundBy
from data.source_values import SourceDeploy
from data.sources.times import TimeFormatError, parse_time
from scoring.errors import ConfigError, NotFoundError

__all__ = ["DeployReport", "parse_report"]

_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$")


class DeployReport(BaseModel):
    """The fields of one report, as ``riskbrief deploy record`` and ``POST /deploys`` take
    them: text (a JSON number is read as its digits), each checked further by
    ``parse_report``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str = ""
    environment: str = "production"
    sha: str | None = None
    status: str = "success"
    finished_at: str | None = None
    started_at: str | None = None
    id: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        # A CI run number often arrives as a JSON number; a bool is no run number.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


_FIELDS = tuple(DeployReport.model_fields)


def _report(fields: Mapping[str, Any]) -> DeployReport:
    """``fields`` as a ``DeployReport``, or a ``ConfigError`` naming the first bad field."""
    try:
        return DeployReport.model_validate(dict(fields))
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "the report"
        if error["type"] == "extra_forbidden":
            raise ConfigError(
                f"{name!r} is not a deploy field; send only {', '.join(sorted(_FIELDS))}"
            ) from None
        raise ConfigError(f"{name} must be text (got {error.get('input')!r})") from None


def _time(name: str, value: str | None) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_time(str(value), name)
    except TimeFormatError as exc:
        raise ConfigError(str(exc)) from None


def parse_report(
    fields: Mapping[str, Any], org: OrgConfig, now: datetime, via: str = "riskbrief deploy record"
) -> SourceDeploy:
    """The deploy a report describes, or a ``ConfigError`` sentence saying what to fix; it
    came ``via`` the command or ``POST /deploys`` (what found it, as a reader is told)."""
    report = _report(fields)
    service = report.service
    known = [s.key for s in org.services]
    if service not in known:
        names = ", ".join(known) or "(none)"
        raise NotFoundError(f"service {service!r} is not in riskbrief.toml; use one of {names}")
    environment = report.environment or "production"
    if not _NAME.match(environment):
        raise ConfigError(f"environment must be a name such as production (got {environment!r})")
    sha = report.sha
    if sha is not None and not _SHA.match(sha):
        raise ConfigError(f"sha must be a commit sha of 7 to 64 hex digits (got {sha!r})")
    status = (report.status or "success").lower()
    if status not in ("success", "failure"):
        raise ConfigError(f"status must be success or failure (got {status!r})")
    finished = _time("finished_at", report.finished_at) or now
    started = _time("started_at", report.started_at)
    run_id = report.id
    if run_id is not None and not _NAME.match(run_id):
        raise ConfigError(f"id must be a short name such as a CI run number (got {run_id!r})")
    if run_id is None and sha is None:
        raise ConfigError("a deploy needs its sha or the pipeline's run id; add --sha or --id")
    tail = run_id if run_id is not None else str(sha).lower()
    return SourceDeploy(
        key=f"ci:{service}:{environment}:{tail}",
        service=service,
        finished_at=finished,
        environment=environment,
        sha=sha.lower() if sha is not None else None,
        started_at=started,
        status=status,
        source="ci",
        found_by=FoundBy(DeployRule.CI_REPORT, run_id or "", via),
    )
