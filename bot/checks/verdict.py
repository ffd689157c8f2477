"""The `riskbrief` verdict on a change's head, before any host words it: its policy and its parts.

Every code host's check asks the same of an assessed change: does it block (the
organisation enforces and the score reaches its threshold), where its link goes, and
what adds the most risk. Each host then words the verdict within its own limits:
GitHub a check run's title and markdown summary or a commit status's description
(``bot.github.check_run``), GitLab a commit status's description
(``bot.gitlab.commit_status``), Bitbucket a Code Insights report and its annotations
(``bot.bitbucket.insights``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from data.config.sources.checks import CheckSettings
from scoring.band import Band
from scoring.breakdown import Contribution
from scoring.proposal import Assessment

__all__ = ["TOP", "CheckPolicy", "Verdict", "policy_of", "verdict_of"]

# How many of the signals adding the most risk a verdict names.
TOP = 3


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    """When a verdict blocks (enforcing, at or above ``threshold``) and where it links.

    ``details_url`` is a template (``{key}`` is the change's key, URL-quoted); without
    one the verdict links to the change on its host.
    """

    enforce: bool = False
    threshold: int = 80
    details_url: str | None = None

    def blocks(self, score: int) -> bool:
        """True when a change of ``score`` fails the check."""
        return self.enforce and score >= self.threshold

    def link(self, key: str, change_url: str | None) -> str | None:
        """Where the verdict's link goes."""
        if self.details_url is not None:
            return self.details_url.replace("{key}", quote(key, safe=""))
        return change_url


def policy_of(settings: CheckSettings | None, details_url: str | None = None) -> CheckPolicy:
    """The policy of a host table's ``check_*`` settings (the defaults without a table),
    linking to ``details_url`` (a ``{key}`` template) when given."""
    if settings is None:
        return CheckPolicy(details_url=details_url)
    return CheckPolicy(settings.check_enforce, settings.check_threshold, details_url)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One head commit's verdict, in no host's words: its score, whether it blocks, its link."""

    assessment: Assessment
    head_sha: str
    blocking: bool
    threshold: int
    link: str | None

    @property
    def key(self) -> str:
        """The change's key."""
        return self.assessment.key

    @property
    def score(self) -> int:
        """The 0–100 score it would get if merged now."""
        return self.assessment.risk.score

    @property
    def band(self) -> Band:
        """The band of that score."""
        return self.assessment.risk.band

    @property
    def as_of(self) -> datetime:
        """When it was scored."""
        return self.assessment.as_of

    @property
    def top(self) -> tuple[Contribution, ...]:
        """The signals adding the most risk, at most ``TOP``."""
        return tuple(c for c in self.assessment.contributions if c.points > 0)[:TOP]

    @property
    def closer_look(self) -> str | None:
        """The sentence a blocking verdict says, or ``None`` when it does not block."""
        if not self.blocking:
            return None
        return f"The organisation asks for a closer look at {self.threshold} or more."


def verdict_of(
    assessment: Assessment, *, head_sha: str, change_url: str | None, policy: CheckPolicy
) -> Verdict:
    """The verdict of an assessed change on ``head_sha``, under ``policy``."""
    return Verdict(
        assessment=assessment,
        head_sha=head_sha,
        blocking=policy.blocks(assessment.risk.score),
        threshold=policy.threshold,
        link=policy.link(assessment.key, change_url),
    )
