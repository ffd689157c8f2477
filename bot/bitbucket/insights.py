"""The `riskbrief` verdict on a pull request's head: one Code Insights report, with annotations.

Cloud (REST 2.0): ``PUT /2.0/repositories/{ws}/{repo}/commit/{sha}/reports/riskbrief``
with ``title``, ``details``, ``report_type`` (Atlassian's enum is SECURITY, COVERAGE,
TEST, BUG; a risk of defects is ``BUG``), ``reporter``, ``result`` (``PASSED``, or
``FAILED`` when the organisation enforces and the score is at or above
``check_threshold``), ``link`` and ``data`` (the score as ``NUMBER``, the band and the
top signals as ``TEXT``); then ``POST …/reports/riskbrief/annotations``, an array of at
most 100 ``CODE_SMELL`` annotations with an ``external_id`` each, so a repeat updates
them in place.

Data Center (REST 1.0): ``PUT /rest/insights/1.0/projects/{P}/repos/{r}/commits/{sha}/
reports/riskbrief`` with ``title``, ``details``, ``result`` (``PASS``/``FAIL``),
``reporter``, ``link`` and at most six ``data`` items; then the old annotations are
deleted and ``POST …/annotations`` sends ``{"annotations": [...]}`` (``path``,
``message``, ``severity``, ``type`` ``CODE_SMELL``, ``externalId``).

Nothing the pull request's author wrote steers the report: its text is riskbrief's
own; a file's path goes only in an annotation's ``path`` field, as data; explanations
that quote outside text are flattened to one line and cut to the documented lengths.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.checks.verdict import Verdict
from data.source_values import SourceChangeFile
from data.sources.bitbucket.client import BitbucketClient, BitbucketError, Edition
from data.sources.bitbucket.datacenter import repo_path
from scoring.band import Band
from scoring.errors import SourceError

__all__ = [
    "MAX_ANNOTATIONS",
    "REPORT_KEY",
    "Annotation",
    "Report",
    "annotations_of",
    "publish",
    "report_of",
]

REPORT_KEY = "riskbrief"
# The riskiest files annotated: a handful a reviewer reads, far below either edition's
# 1000 per report.
MAX_ANNOTATIONS = 10
# Data Center's documented limits: a title of 450 characters, details and an
# annotation's message of 2000, at most 6 data items.
_TITLE_MAX = 450
_DETAILS_MAX = 2000
_TEXT_MAX = 300
# Cloud's bulk annotation request takes at most 100.
_BULK = 100
_SEVERITY = {
    Band.SAFE: "LOW",
    Band.MODERATE: "MEDIUM",
    Band.HIGH: "HIGH",
    Band.CRITICAL: "HIGH",
}


def _flat(text: str, limit: int = _TEXT_MAX) -> str:
    """Outside text on one line, cut to ``limit``: plain text, as both editions show it."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Annotation:
    """One riskiest file: its path (data, never instructions), why, and how severe."""

    path: str
    summary: str
    severity: str

    @property
    def external_id(self) -> str:
        """A stable id per path, so a repeated delivery updates rather than adds."""
        return "riskbrief-" + hashlib.sha256(self.path.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Report:
    """The report for one head commit of one pull request."""

    key: str
    head_sha: str
    score: int
    band: str
    blocking: bool
    title: str
    details: str
    signals: tuple[str, ...]
    link: str | None
    annotations: tuple[Annotation, ...]


def annotations_of(files: Sequence[SourceChangeFile], band: Band) -> tuple[Annotation, ...]:
    """The riskiest files: those no CODEOWNERS rule covers first, then the most lines."""
    ranked = sorted(
        (f for f in files if not f.generated),
        key=lambda f: (f.owners != (), -(f.added + f.deleted), f.path),
    )
    out: list[Annotation] = []
    for f in ranked[:MAX_ANNOTATIONS]:
        owners = "no CODEOWNERS owner" if f.owners == () else "owned"
        out.append(
            Annotation(
                path=f.path,
                summary=f"riskbrief: {f.added + f.deleted} lines changed ({owners}); "
                "among the riskiest files of this change.",
                severity=_SEVERITY[band],
            )
        )
    return tuple(out)


def report_of(verdict: Verdict, *, files: Sequence[SourceChangeFile]) -> Report:
    """The verdict as a report: FAILED only when enforced at the threshold."""
    signals = tuple(_flat(f"+{c.points} {c.explanation}", 200) for c in verdict.top)
    lines = [
        f"Risk {verdict.score}/100 ({verdict.band.risk_words}) as of "
        f"{verdict.as_of:%Y-%m-%d %H:%M} UTC, scored against every merged change "
        "riskbrief knows."
    ]
    if verdict.closer_look is not None:
        lines.append(verdict.closer_look)
    lines += [f"- {s}" for s in signals] or ["- No signal added risk."]
    return Report(
        key=verdict.key,
        head_sha=verdict.head_sha,
        score=verdict.score,
        band=verdict.band.label,
        blocking=verdict.blocking,
        title=f"riskbrief: {verdict.score}/100, {verdict.band.risk_words}"[:_TITLE_MAX],
        details=_flat_lines(lines),
        signals=signals,
        link=verdict.link,
        annotations=annotations_of(files, verdict.band),
    )


def _flat_lines(lines: Sequence[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= _DETAILS_MAX else text[: _DETAILS_MAX - 1] + "…"


def _data(report: Report) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {"title": "Risk score", "type": "NUMBER", "value": report.score},
        {"title": "Band", "type": "TEXT", "value": report.band},
    ]
    items += [
        {"title": f"Top signal {i}", "type": "TEXT", "value": s}
        for i, s in enumerate(report.signals, 1)
    ]
    # Data Center takes at most six.
    return items[:6]


def _cloud(client: BitbucketClient, repository: str, report: Report) -> None:
    base = f"repositories/{repository}/commit/{quote(report.head_sha)}/reports/{REPORT_KEY}"
    body: dict[str, Any] = {
        "title": report.title,
        "details": report.details,
        "report_type": "BUG",
        "reporter": "riskbrief",
        "result": "FAILED" if report.blocking else "PASSED",
        "data": _data(report),
    }
    if report.link:
        body["link"] = report.link
    client.send("PUT", base, body)
    notes = [
        {
            "external_id": a.external_id,
            "annotation_type": "CODE_SMELL",
            "summary": a.summary,
            "severity": a.severity,
            "path": a.path,
        }
        for a in report.annotations
    ]
    for start in range(0, len(notes), _BULK):
        client.send("POST", f"{base}/annotations", notes[start : start + _BULK])


def _dc(client: BitbucketClient, repository: str, report: Report) -> None:
    # Code Insights has its own REST root beside the core API's.
    root = client.base_url + "/rest/insights/1.0/"
    base = f"{root}{repo_path(repository)}/commits/{quote(report.head_sha)}/reports/{REPORT_KEY}"
    body: dict[str, Any] = {
        "title": report.title,
        "details": report.details,
        "reporter": "riskbrief",
        "result": "FAIL" if report.blocking else "PASS",
        "data": _data(report),
    }
    if report.link:
        body["link"] = report.link
    client.send("PUT", base, body)
    # A repeated delivery replaces the annotations rather than adding a second set.
    client.send("DELETE", f"{base}/annotations", None)
    if report.annotations:
        notes = [
            {
                "externalId": a.external_id,
                "path": a.path,
                "message": a.summary,
                "severity": a.severity,
                "type": "CODE_SMELL",
            }
            for a in report.annotations
        ]
        client.send("POST", f"{base}/annotations", {"annotations": notes})


def publish(client: BitbucketClient, edition: Edition, repository: str, report: Report) -> str:
    """Put ``report`` and its annotations on its head commit; says what it did: ``report``."""
    try:
        if edition == "cloud":
            _cloud(client, repository, report)
        else:
            _dc(client, repository, report)
    except BitbucketError as exc:
        if exc.status == 403:
            scope = (
                "the repository:write scope"
                if edition == "cloud"
                # Atlassian documents Data Center's reports as needing repository read only.
                else "repository read permission (REPO_READ) on the repository"
            )
            raise SourceError(
                f"{client.name} refused the riskbrief report on {report.key} (403); the "
                f"token needs {scope} to publish Code Insights reports."
            ) from None
        raise
    return "report"
