"""The host-neutral verdict: when it blocks, where it links, what it names."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.checks.verdict import CheckPolicy, policy_of, verdict_of
from data.config.sources import GitHubSourceConfig
from data.config.sources.bitbucket import BitbucketCloudConfig
from data.config.sources.checks import CheckSettings
from data.config.sources.gitlab import GitLabSourceConfig
from scoring.band import Band
from scoring.breakdown import Contribution
from scoring.proposal import Assessment
from scoring.risk_score import RiskScore


def _assessment(score: int, points: tuple[int, ...]) -> Assessment:
    contributions = tuple(Contribution(f"s{i}", p, f"reason {i}") for i, p in enumerate(points))
    risk = RiskScore("acme/shop#12", score, Band.HIGH, (), (), "v")
    return Assessment(risk, contributions, (), (), datetime(2026, 11, 23, 14, 0, tzinfo=UTC))


def test_a_verdict_blocks_only_when_enforced_at_or_above_the_threshold() -> None:
    """Not enforcing never blocks; enforcing blocks from the threshold on, saying so."""
    assert not CheckPolicy(enforce=False, threshold=10).blocks(99)
    assert CheckPolicy(enforce=True, threshold=60).blocks(60)
    assert not CheckPolicy(enforce=True, threshold=60).blocks(59)
    policy = CheckPolicy(enforce=True, threshold=60)
    verdict = verdict_of(_assessment(70, ()), head_sha="a" * 40, change_url=None, policy=policy)
    assert verdict.blocking
    assert verdict.closer_look == "The organisation asks for a closer look at 60 or more."
    calm = verdict_of(_assessment(50, ()), head_sha="a" * 40, change_url=None, policy=policy)
    assert calm.closer_look is None


def test_the_link_is_the_template_s_with_the_key_quoted_else_the_change() -> None:
    """A details template gets the key URL-quoted; without one the change's own page."""
    templated = CheckPolicy(details_url="https://r.example.com/change/{key}")
    assert templated.link("acme/shop#12", "https://host/pr/12") == (
        "https://r.example.com/change/acme%2Fshop%2312"
    )
    assert CheckPolicy().link("acme/shop#12", "https://host/pr/12") == "https://host/pr/12"


def test_top_names_at_most_three_signals_that_add_risk() -> None:
    """Only positive parts, most first as the breakdown orders them, and three at most."""
    verdict = verdict_of(
        _assessment(70, (9, 0, 7, -2, 5, 4)),
        head_sha="a" * 40,
        change_url=None,
        policy=CheckPolicy(),
    )
    assert [c.points for c in verdict.top] == [9, 7, 5]


def test_every_host_s_table_is_one_check_settings() -> None:
    """GitHub's, GitLab's and Bitbucket's tables read check_* alike, into one policy."""
    tables: list[CheckSettings] = [
        GitHubSourceConfig(check_enforce=True, check_threshold=70),
        GitLabSourceConfig(check_enforce=True, check_threshold=70),
        BitbucketCloudConfig(check_enforce=True, check_threshold=70),
    ]
    assert {policy_of(t) for t in tables} == {CheckPolicy(enforce=True, threshold=70)}
    assert policy_of(None) == CheckPolicy()


def test_the_check_settings_are_written_once() -> None:
    """``check_enforce`` and ``check_threshold`` are declared in CheckSettings alone."""
    root = Path(__file__).resolve().parents[3]
    declared = [
        path.relative_to(root).as_posix()
        for folder in ("data", "bot")
        for path in sorted((root / folder).rglob("*.py"))
        if re.search(r"^\s+check_(enforce|threshold):", path.read_text(encoding="utf-8"), re.M)
    ]
    assert declared == ["data/config/sources/checks.py"]
