"""The rule that found a deploy (``FoundBy``), kept with it, and its words for every reader.

Every deploy source says which of its rules made a record a deploy and what the rule
matched: a tag ``v1.4.2`` matching ``^v?\\d+(\\.\\d+)*$``, a GitHub deployment to
``prod-eu`` matching ``^prod(uction)?$``, a sync of Argo CD application ``checkout-prod``,
a CI report of run ``1234``. The store keeps it as text (``FoundBy.encode``, the
``deploy.found_by`` column); a deploy stored before the column was added has none.
``found_by_words`` is the one place its words are made: a reader renders the pieces,
escaping the names (tag, environment, job, workflow and application names come from
outside) as it escapes any outside text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

__all__ = [
    "DeployRule",
    "FoundBy",
    "Name",
    "Pattern",
    "Said",
    "found_by_text",
    "found_by_words",
    "rule_text",
]


class DeployRule(StrEnum):
    """A kind of rule a deploy source finds deploys by (docs/sources.md, "Deploys found")."""

    TAG = "tag"
    GITHUB_RELEASE = "github-release"
    GITHUB_DEPLOYMENT = "github-deployment"
    GITHUB_WORKFLOW = "github-workflow"
    GITLAB_DEPLOYMENT = "gitlab-deployment"
    GITLAB_PIPELINE = "gitlab-pipeline"
    BITBUCKET_DEPLOYMENT = "bitbucket-deployment"
    ARGOCD_APPLICATION = "argocd-application"
    CI_REPORT = "ci-report"
    FILE = "file"
    SAMPLE = "sample"


@dataclass(frozen=True, slots=True)
class FoundBy:
    """Which rule found a deploy: its ``kind``, the concrete ``match`` (a tag's, an
    environment's, a workflow's name; a CI run's id; a file's name), the ``rule`` it matched
    (a configured pattern, or how a report came in) and, for a deployment made by a CI job
    (GitLab's), that ``job``'s name. Empty text is "not known"."""

    kind: DeployRule
    match: str = ""
    rule: str = ""
    job: str = ""

    def encode(self) -> str:
        """The text the store keeps: compact JSON, only the fields that are set."""
        fields = {"kind": self.kind.value, "match": self.match, "rule": self.rule, "job": self.job}
        return json.dumps({k: v for k, v in fields.items() if v}, separators=(",", ":"))

    @staticmethod
    def decode(text: str | None) -> FoundBy | None:
        """The rule ``encode`` wrote; ``None`` for none, or for a kind this version does not
        know (a row written by a newer one)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            kind = DeployRule(data["kind"])
        except (ValueError, KeyError, TypeError):
            return None
        return FoundBy(
            kind,
            str(data.get("match", "")),
            str(data.get("rule", "")),
            str(data.get("job", "")),
        )


@dataclass(frozen=True, slots=True)
class Name:
    """A name from outside (a tag, an environment, a job): shown as outside text."""

    text: str


@dataclass(frozen=True, slots=True)
class Pattern:
    """A rule's own text (a configured pattern, a command): shown as code."""

    text: str


# A piece of the words: ours (``str``), a name from outside, or a rule shown as code.
Said = str | Name | Pattern


def _matching(rule: str) -> tuple[Said, ...]:
    return (" matching ", Pattern(rule)) if rule else ()


def found_by_words(found: FoundBy) -> tuple[Said, ...]:
    """What found a deploy, after "found by: ": ``tag v1.4.2 matching `^v?\\d+$```."""
    match, rule = found.match, found.rule
    words: tuple[Said, ...]
    match found.kind:
        case DeployRule.TAG:
            words = ("tag ", Name(match), *_matching(rule))
        case DeployRule.GITHUB_RELEASE:
            words = ("GitHub release of tag ", Name(match), *_matching(rule))
        case DeployRule.GITHUB_DEPLOYMENT:
            words = ("GitHub deployment to ", Name(match), *_matching(rule))
        case DeployRule.GITHUB_WORKFLOW:
            words = ("GitHub Actions run of workflow ", Name(match), *_matching(rule))
        case DeployRule.GITLAB_DEPLOYMENT:
            words = ("GitLab deployment to ", Name(match), *_matching(rule))
        case DeployRule.GITLAB_PIPELINE:
            words = ("GitLab pipeline on ", Name(match), *_matching(rule))
        case DeployRule.BITBUCKET_DEPLOYMENT:
            words = ("Bitbucket deployment to ", Name(match))
            words += _matching(rule) if rule else (", a Production environment",)
        case DeployRule.ARGOCD_APPLICATION:
            words = ("Argo CD application ", Name(match), *_matching(rule))
        case DeployRule.CI_REPORT:
            words = ("CI report",)
            words += (" of run ", Name(match)) if match else ()
            words += (" through ", Pattern(rule)) if rule else ()
        case DeployRule.FILE:
            words = ("the deploys file", *((" ", Name(match)) if match else ()))
        case DeployRule.SAMPLE:
            words = ("the sample organisation's deploy plan",)
        case _:
            assert_never(found.kind)
    if found.job:
        words += (" by job ", Name(found.job))
    return words


def found_by_text(found: FoundBy) -> str:
    """``found_by_words`` as plain text, a rule in backticks: for a record and a terminal."""
    return "".join(
        p if isinstance(p, str) else (p.text if isinstance(p, Name) else f"`{p.text}`")
        for p in found_by_words(found)
    )


def _noun(kind: DeployRule) -> str:
    match kind:
        case DeployRule.TAG:
            return "tags"
        case DeployRule.GITHUB_RELEASE:
            return "GitHub releases"
        case DeployRule.GITHUB_DEPLOYMENT:
            return "GitHub deployments"
        case DeployRule.GITHUB_WORKFLOW:
            return "GitHub Actions runs"
        case DeployRule.GITLAB_DEPLOYMENT:
            return "GitLab deployments"
        case DeployRule.GITLAB_PIPELINE:
            return "GitLab pipelines"
        case DeployRule.BITBUCKET_DEPLOYMENT:
            return "Bitbucket deployments"
        case DeployRule.ARGOCD_APPLICATION:
            return "Argo CD applications"
        case DeployRule.CI_REPORT:
            return "CI reports"
        case DeployRule.FILE:
            return "the deploys file"
        case DeployRule.SAMPLE:
            return "the sample organisation's deploy plan"
        case _:
            assert_never(kind)


def rule_text(kind: DeployRule, rule: str) -> str:
    """A rule apart from what it matched, for a count of what it found: ``tags matching
    `^v?\\d+$```, ``CI reports through `POST /deploys```."""
    if not rule:
        return _noun(kind)
    joint = "through" if kind is DeployRule.CI_REPORT else "matching"
    return f"{_noun(kind)} {joint} `{rule}`"
