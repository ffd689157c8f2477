"""Doctor lines of the sources declared through the seam: each ``Finding`` of a spec, one line.

A source's own package says what to check and how to fix it
(``SourceSpec.findings``); this module only turns its findings into the
doctor's ``Check`` lines, named after the source's ``[sources.<key>]`` table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot.doctor.check import Check, failed, passed
from bot.settings import Settings
from data.config import OrgConfig
from data.sources.registry import SOURCES
from data.sources.spec import SourceContext
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
    for spec in SOURCES:
        source_settings = spec.settings_of(org)
        if source_settings is None:
            continue
        context = SourceContext(
            org, os.environ if environ is None else environ, settings.config.parent
        )
        try:
            findings = spec.findings(source_settings, context)
        except RiskbriefError as exc:
            out.append(failed(spec.key, str(exc), f"fix [sources.{spec.key}] as the line says."))
            continue
        for finding in findings:
            if finding.ok:
                out.append(passed(spec.key, finding.message))
            else:
                fix = finding.fix or f"see the {spec.title} section of docs/sources.md"
                out.append(failed(spec.key, finding.message, fix.rstrip(".") + "."))
    return out
