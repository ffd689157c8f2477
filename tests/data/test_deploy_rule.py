"""The rule that found a deploy: kept as text and read back, and worded in one place."""

from __future__ import annotations

import pytest

from data.deploy_rule import (
    DeployRule,
    FoundBy,
    Name,
    Pattern,
    found_by_text,
    found_by_words,
    rule_text,
)


@pytest.mark.parametrize("kind", list(DeployRule))
def test_every_rule_reads_back_as_it_was_kept(kind: DeployRule) -> None:
    """Each kind, with and without its match, rule and job, is read back from its text."""
    for found in (FoundBy(kind), FoundBy(kind, "v1.4.2", r"^v?\d+(\.\d+)+$", "deploy`*x*")):
        assert FoundBy.decode(found.encode()) == found
        assert found_by_text(found)


def test_a_missing_or_unknown_rule_reads_as_none() -> None:
    """No text, text that is no rule, and a kind of a newer version all read as none."""
    assert FoundBy.decode(None) is None
    assert FoundBy.decode("") is None
    assert FoundBy.decode("not json") is None
    assert FoundBy.decode('{"kind":"argo-cd","match":"shop"}') is None
    assert FoundBy.decode("[1]") is None


def test_a_tag_is_worded_with_its_name_as_outside_text_and_its_pattern_as_code() -> None:
    """``tag v1.4.2 matching `^v?\\d+(\\.\\d+)+$```: the name and the rule are apart."""
    found = FoundBy(DeployRule.TAG, "v1.4.2", r"^v?\d+(\.\d+)+$")
    assert found_by_words(found) == ("tag ", Name("v1.4.2"), " matching ", Pattern(found.rule))
    assert found_by_text(found) == r"tag v1.4.2 matching `^v?\d+(\.\d+)+$`"


WORDS = [
    (FoundBy(DeployRule.GITHUB_RELEASE, "v2", "^v"), "GitHub release of tag v2 matching `^v`"),
    (
        FoundBy(DeployRule.GITHUB_DEPLOYMENT, "prod-eu", "prod"),
        "GitHub deployment to prod-eu matching `prod`",
    ),
    (
        FoundBy(DeployRule.GITHUB_WORKFLOW, "Deploy web", "^deploy"),
        "GitHub Actions run of workflow Deploy web matching `^deploy`",
    ),
    (
        FoundBy(DeployRule.GITLAB_DEPLOYMENT, "production", "prod", "ship"),
        "GitLab deployment to production matching `prod` by job ship",
    ),
    (
        FoundBy(DeployRule.GITLAB_PIPELINE, "main", "^main$"),
        "GitLab pipeline on main matching `^main$`",
    ),
    (
        FoundBy(DeployRule.BITBUCKET_DEPLOYMENT, "Live"),
        "Bitbucket deployment to Live, a Production environment",
    ),
    (
        FoundBy(DeployRule.ARGOCD_APPLICATION, "checkout-prod"),
        "Argo CD application checkout-prod",
    ),
    (
        FoundBy(DeployRule.CI_REPORT, "77", "POST /deploys"),
        "CI report of run 77 through `POST /deploys`",
    ),
    (FoundBy(DeployRule.FILE, "deploys.csv"), "the deploys file deploys.csv"),
    (FoundBy(DeployRule.SAMPLE), "the sample organisation's deploy plan"),
]


@pytest.mark.parametrize(("found", "text"), WORDS)
def test_each_rule_has_its_words(found: FoundBy, text: str) -> None:
    """Every kind of rule is said in words a manager reads."""
    assert found_by_text(found) == text


def test_a_rule_apart_from_its_match_is_worded_for_a_count() -> None:
    """Doctor's count words a rule without what it matched: the kind, and its pattern."""
    assert rule_text(DeployRule.TAG, r"^v\d") == r"tags matching `^v\d`"
    assert rule_text(DeployRule.CI_REPORT, "POST /deploys") == "CI reports through `POST /deploys`"
    assert rule_text(DeployRule.BITBUCKET_DEPLOYMENT, "") == "Bitbucket deployments"
    assert all(rule_text(kind, "") for kind in DeployRule)
