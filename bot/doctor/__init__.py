"""``riskbrief doctor``: is this installation ready? One check per thing it needs.

Each check is a function of the settings and one probe, returning a ``Check``:
``pass``, ``fail`` (with the fix, in one sentence) or ``skip`` (not configured,
and not needed). Probes are the one place a check touches the outside world,
one method each, so the checks are tested with the real clients against local
fakes and their logic with stubs. Nothing a check says contains a secret: the
probes never put one in a message and ``render`` redacts what they say anyway.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict

from bot.doctor.check import MANIFEST_SCOPES, Check
from bot.doctor.checks import (
    check_calibration,
    check_config,
    check_database,
    check_delivery,
    check_deploy_tags,
    check_repositories,
    check_sources,
    check_timezones,
    org_of,
)
from bot.doctor.deploys_found import check_deploys_found
from bot.doctor.probes import ProbeError, Probes, RateLimit, SlackIdentity
from bot.doctor.registered import check_registered_sources
from bot.doctor.service_coverage import check_service_coverage
from bot.doctor.services import (
    check_anthropic,
    check_code_host_checks,
    check_github,
    check_slack_mode,
    check_slack_token,
    check_smtp,
)
from bot.doctor.web import check_web_view
from bot.logs import Redactor, secret_values
from bot.settings import Settings
from data.sources.registry import secret_names

__all__ = [
    "MANIFEST_SCOPES",
    "Check",
    "ProbeError",
    "Probes",
    "RateLimit",
    "SlackIdentity",
    "check_anthropic",
    "check_calibration",
    "check_code_host_checks",
    "check_config",
    "check_database",
    "check_deploys_found",
    "check_github",
    "check_registered_sources",
    "check_service_coverage",
    "check_slack_mode",
    "check_slack_token",
    "check_smtp",
    "check_sources",
    "check_timezones",
    "check_web_view",
    "render",
    "render_json",
    "run_checks",
]


def run_checks(settings: Settings, probes: Probes | None = None) -> list[Check]:
    """Every check, in the order a new installation is usually fixed."""
    p = probes or Probes()
    org, org_error = org_of(settings)
    return [
        check_database(settings),
        check_config(settings, org_error),
        check_sources(settings, org, org_error, p.sources),
        check_repositories(settings, org, org_error),
        check_deploy_tags(settings, org, org_error),
        check_deploys_found(settings, org, org_error),
        check_service_coverage(settings, org, org_error),
        check_timezones(settings, org, org_error),
        check_calibration(settings, org, org_error),
        check_delivery(settings, org, org_error),
        check_github(settings, p.github),
        *check_registered_sources(settings, org, org_error),
        *check_code_host_checks(settings, org, org_error),
        check_web_view(settings),
        check_slack_token(settings, p.slack),
        check_slack_mode(settings),
        check_anthropic(settings, p.anthropic),
        check_smtp(settings, p.smtp),
    ]


def _redactor(settings: Settings) -> Redactor:
    # A registered source's token may sit in a variable its settings name (token_env).
    org, _ = org_of(settings)
    extra = [os.environ.get(name, "") for name in secret_names(org)]
    return Redactor([*secret_values(settings), *(v for v in extra if v)])


def render(checks: Sequence[Check], settings: Settings) -> str:
    """One line per check and a summary line, every secret redacted."""
    redactor = _redactor(settings)
    lines = [redactor.redact(c.line()) for c in checks]
    failed = sum(c.status == "fail" for c in checks)
    skipped = sum(c.status == "skip" for c in checks)
    steps = sum(c.status == "next" for c in checks)
    warnings = sum(c.status == "warn" for c in checks)
    passed = len(checks) - failed - skipped - steps - warnings
    summary = f"{passed} passed, {failed} failed, {skipped} skipped"
    if warnings:
        summary += f", {warnings} warning{'s' if warnings > 1 else ''}"
    if steps:
        summary += f", {steps} next step{'s' if steps > 1 else ''}"
    lines.append(summary + ".")
    return "\n".join(lines)


def render_json(checks: Sequence[Check], settings: Settings) -> str:
    """``{"ok": …, "checks": [{name, status, detail, fix}, …]}``, every secret redacted."""
    redactor = _redactor(settings)
    body = {
        "ok": all(c.status != "fail" for c in checks),
        "checks": [redactor.value(asdict(c)) for c in checks],
    }
    return json.dumps(body, sort_keys=True)
