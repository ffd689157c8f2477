"""The `riskbrief` verdict on a pull request's head commit: one check run, or a commit status.

A GitHub App with ``checks: write`` gets one check run named ``riskbrief`` per
head commit: found by name on the commit and updated (``PATCH``) when present,
created otherwise, so a retried or repeated delivery never makes a second one.
Where only a token is configured, a commit status with the context ``riskbrief``
(``statuses: write``) carries the same verdict; GitHub keeps one per context.

Everything the pull request's author wrote (title, branch, file paths inside
the scorer's explanations) is escaped before it reaches the markdown summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.checks.verdict import TOP, Verdict
from briefing.labels import signal_label
from data.sources.github.client import GitHubClient

__all__ = ["CHECK_NAME", "CheckRun", "check_run_of", "escape_markdown", "publish"]

CHECK_NAME = "riskbrief"
# GitHub's limits: a check run's output.title and summary, a status's description.
_TITLE_MAX = 255
_SUMMARY_MAX = 65_535
_DESCRIPTION_MAX = 140
_BLOCKING = ("action_required", "failure")
# Characters markdown gives meaning to, "#" (an issue link) and ":" (autolinks, emoji).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
# GitHub links a mention after rendering, escaped or not: a word joiner after "@" stops it.
_MENTION = "@\u2060"


def escape_markdown(text: str, limit: int = 300) -> str:
    """Outside text as literal markdown on one line: no formatting, link, mention or HTML."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    html = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", html).replace("@", _MENTION)


@dataclass(frozen=True, slots=True)
class CheckRun:
    """The verdict in GitHub's words for one head commit of one pull request."""

    key: str
    head_sha: str
    score: int
    title: str
    summary: str
    conclusion: str
    details_url: str | None

    @property
    def status_state(self) -> str:
        """The commit status's state: ``failure`` where the check would block, else success."""
        return "failure" if self.conclusion in _BLOCKING else "success"


def check_run_of(
    verdict: Verdict, *, title: str, head_branch: str | None, conclusion: str
) -> CheckRun:
    """The verdict as a check run: title, markdown summary, and ``conclusion`` when it blocks
    (``check_conclusion`` of ``[sources.github]``), else neutral."""
    assessment = verdict.assessment
    risk = assessment.risk
    heading = f"Risk {risk.score}/100: {risk.band.risk_words}"
    lines = [
        f"**{heading}** for {escape_markdown(assessment.key)} as of "
        f"{_when(assessment.as_of)}, scored against every merged change riskbrief knows.",
        "",
        f"Pull request: {escape_markdown(title) or 'untitled'}",
    ]
    if head_branch:
        lines.append(f"Branch: {escape_markdown(head_branch, 120)}")
    if verdict.closer_look is not None:
        lines += ["", verdict.closer_look]
    lines += ["", "### What adds the most risk"]
    lines += [f"- **+{c.points}** {escape_markdown(c.explanation)}" for c in verdict.top] or [
        "- No signal added risk."
    ]
    if risk.gates:
        lines += ["", "### Rules it hit"]
        lines += [f"- {escape_markdown(g.explanation)}" for g in risk.gates]
    if assessment.unknowns:
        lines += ["", "### Unknown (their weight went to the known signals)"]
        lines += [f"- {escape_markdown(signal_label(s.name))}" for s in assessment.unknowns]
    lines += ["", "### What to do"]
    lines += [
        f"- {escape_markdown(a.text)}" + (f" (about {a.points} points lower)" if a.points else "")
        for a in assessment.advice[:TOP]
    ] or ["- Nothing in particular: review it as usual."]
    lines += ["", f"In Slack: `/risk pr {assessment.key}`"]
    summary = "\n".join(lines)
    if len(summary) > _SUMMARY_MAX:
        summary = summary[: _SUMMARY_MAX - 1] + "…"
    return CheckRun(
        key=assessment.key,
        head_sha=verdict.head_sha,
        score=risk.score,
        title=heading[:_TITLE_MAX],
        summary=summary,
        conclusion=conclusion if verdict.blocking else "neutral",
        details_url=verdict.link,
    )


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _find(client: GitHubClient, repository: str, sha: str, key: str) -> int | None:
    """The id of this commit's ``riskbrief`` check run for pull request ``key``, if one exists.

    Two pull requests may share a head commit (one branch into two bases): each has
    its own run, told apart by ``external_id``.
    """
    page = client.get(
        f"repos/{repository}/commits/{sha}/check-runs",
        {"check_name": CHECK_NAME, "filter": "latest", "per_page": 100},
    )
    runs = page.data.get("check_runs") if isinstance(page.data, dict) else None
    for run in runs or ():
        if (
            isinstance(run, dict)
            and run.get("name") == CHECK_NAME
            and run.get("external_id") == key
            and isinstance(run.get("id"), int)
        ):
            return int(run["id"])
    return None


def publish(
    client: GitHubClient, repository: str, verdict: CheckRun, *, app: bool, now: datetime
) -> str:
    """Put ``verdict`` on its head commit; says what it did: created, updated or status."""
    if not app:
        client.send(
            "POST",
            f"repos/{repository}/statuses/{verdict.head_sha}",
            {
                "state": verdict.status_state,
                "context": CHECK_NAME,
                "description": verdict.title[:_DESCRIPTION_MAX],
                **({"target_url": verdict.details_url} if verdict.details_url else {}),
            },
        )
        return "status"
    body: dict[str, Any] = {
        "name": CHECK_NAME,
        "head_sha": verdict.head_sha,
        "status": "completed",
        "conclusion": verdict.conclusion,
        "completed_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "external_id": verdict.key,
        "output": {"title": verdict.title, "summary": verdict.summary},
    }
    if verdict.details_url:
        body["details_url"] = verdict.details_url
    existing = _find(client, repository, verdict.head_sha, verdict.key)
    if existing is None:
        client.send("POST", f"repos/{repository}/check-runs", body)
        return "created"
    client.send("PATCH", f"repos/{repository}/check-runs/{existing}", body)
    return "updated"
