"""The `riskbrief` verdict on a merge request's head: one GitLab commit status named `riskbrief`.

``POST /projects/:id/statuses/:sha`` (a token with the ``api`` scope) with
``state`` ``success``, or ``failed`` when the organisation enforces
(``check_enforce`` in ``[sources.gitlab]``) and the score is at or above
``check_threshold``; ``name`` ``riskbrief``; ``description`` "score N · band";
``target_url`` the web view's change page when ``RISKBRIEF_WEB_URL`` is set, else the
merge request. GitLab keeps one status per name and commit: a second post updates it,
and one in the state it already has is refused (400 "Cannot transition status"),
which is the verdict already in place, not a failure.

Nothing the merge request's author wrote (title, branch, description) is in the status:
its text is riskbrief's own, and the only outside part, the key in the link, is
URL-quoted.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.checks.verdict import Verdict
from data.sources.gitlab.client import GitLabClient, GitLabError, project_id
from scoring.errors import SourceError

__all__ = ["STATUS_NAME", "StatusVerdict", "set_status", "status_of"]

STATUS_NAME = "riskbrief"
# GitLab stores a status's description in a 255-character column.
_DESCRIPTION_MAX = 255


@dataclass(frozen=True, slots=True)
class StatusVerdict:
    """The status for one head commit of one merge request."""

    key: str
    head_sha: str
    score: int
    state: str
    description: str
    target_url: str | None


def status_of(verdict: Verdict) -> StatusVerdict:
    """The verdict as a commit status: ``failed`` only when enforced at the threshold."""
    return StatusVerdict(
        key=verdict.key,
        head_sha=verdict.head_sha,
        score=verdict.score,
        state="failed" if verdict.blocking else "success",
        description=f"score {verdict.score} · {verdict.band.risk_words}"[:_DESCRIPTION_MAX],
        target_url=verdict.link,
    )


def set_status(client: GitLabClient, project: str, verdict: StatusVerdict) -> str:
    """Put ``verdict`` on its head commit; says what it did: ``status`` or ``unchanged``."""
    body: dict[str, str] = {
        "state": verdict.state,
        "name": STATUS_NAME,
        "description": verdict.description,
    }
    if verdict.target_url:
        body["target_url"] = verdict.target_url
    try:
        client.send("POST", f"projects/{project_id(project)}/statuses/{verdict.head_sha}", body)
    except GitLabError as exc:
        if exc.status == 400 and "cannot transition status" in str(exc).lower():
            # The status is in this state already: a repeated verdict, in place.
            return "unchanged"
        if exc.status == 403:
            raise SourceError(
                f"GitLab refused to set the riskbrief status on {verdict.key} (403); the "
                "token needs the api scope (read_api cannot write statuses) and at least "
                "the Developer role on the project."
            ) from None
        raise
    return "status"
