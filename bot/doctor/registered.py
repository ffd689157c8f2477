"""Doctor lines of the sources declared through the seam: each ``Finding`` of a spec, one line.

A source's own package says what to check and how to fix it
(``SourceSpec.findings``); this module only turns its findings into the
doctor's ``Check`` lines, named after the source's ``[sources.<key>]`` table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from bot.doctor.check import Check, failed, passed
from bot.settings import Settings
from data.config import OrgConfig
from data.sources.registry import SOURCES
from data.sources.spec import SourceContext, SourceSpec
from scoring.errors import RiskbriefError

__all__ = ["check_registered_sources"]


def check_registered_sources(
    settings: Settings,
    org: OrgConfig | None,
    org_error: str | None,
    environ: Mapping[str, str] | None = None,
) -> list[Check]:
    """Each configured registered source's findings, one line each.

    A source whose table is absent prints nothing: the registry grows with every
    source, and a line per source nobody uses would bury the ones that matter
    (``sources`` already says what sync would run).
    """
    out: list[Check] = []
    if org_error is not None or org is None:
        return out
    context = SourceContext(org, os.environ if environ is None else environ, settings.config.parent)
    for spec in SOURCES:
        for source_settings in spec.tables_of(org):
            out.extend(_lines(spec, source_settings, context))
    return out


def _lines(spec: SourceSpec[Any], table: BaseModel, context: SourceContext) -> list[Check]:
    """One source table's findings as doctor lines; its error as one failed line."""
    out: list[Check] = []
    try:
        findings = spec.findings(table, context)
    except RiskbriefError as exc:
        return [failed(spec.key, str(exc), f"fix [sources.{spec.key}] as the line says.")]
    for finding in findings:
        if finding.ok:
            out.append(passed(spec.key, finding.message))
        else:
            fix = finding.fix or f"see the {spec.title} section of docs/sources.md"
            out.append(failed(spec.key, finding.message, fix.rstrip(".") + "."))
    return out
