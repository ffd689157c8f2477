"""`riskbrief doctor`'s Bitbucket lines per edition: address, token, scopes, each repository."""

from __future__ import annotations

import pytest

from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.sources.bitbucket.spec import BITBUCKET, BITBUCKET_DC
from data.sources.spec import Finding, SourceContext
from tests.data.sources.bitbucket.world import World

# The client's cases: SQLite alone (the store does not decide them).
pytestmark = pytest.mark.client_cases


def _findings(world: World, token: str, repositories: tuple[str, ...]) -> list[Finding]:
    config = world.config.model_copy(update={"repositories": repositories})
    context = SourceContext(world.org, {config.token_env: token})
    if isinstance(config, BitbucketCloudConfig):
        return list(BITBUCKET.findings(config, context))
    assert isinstance(config, BitbucketDataCenterConfig)
    return list(BITBUCKET_DC.findings(config, context))


def test_a_good_setup_is_one_passing_line_per_check_and_repository(world: World) -> None:
    """Address, token, scopes and each repository pass, each on its own line."""
    world.fake.repo("acme/other" if world.edition == "cloud" else "SHOP/other")
    other = "acme/other" if world.edition == "cloud" else "SHOP/other"
    findings = _findings(world, "tok", (world.repo, other))
    assert [f.ok for f in findings] == [True] * 5
    assert f"repository {world.repo} is readable" in findings[3].message
    if world.edition == "dc":
        assert "9.4.2" in findings[0].message
        assert "riskbrief-bot" in findings[1].message


def test_a_refused_token_stops_after_the_address(world: World) -> None:
    """An unknown token passes the address and fails the token, with its variable named."""
    findings = _findings(world, "nope", (world.repo,))
    assert [f.ok for f in findings] == [True, False]
    assert world.config.token_env in findings[1].message


def test_a_token_without_the_scope_is_named(world: World) -> None:
    """A token that may not read pull requests fails the scopes line, saying which."""
    findings = _findings(world, "narrow", (world.repo,))
    assert [f.ok for f in findings] == [True, True, False]
    expected = "pullrequest" if world.edition == "cloud" else "repository read"
    assert expected in findings[2].message


def test_a_missing_repository_fails_its_own_line(world: World) -> None:
    """A repository the token cannot see fails on its line; the others still pass."""
    missing = "acme/gone" if world.edition == "cloud" else "SHOP/gone"
    findings = _findings(world, "tok", (world.repo, missing))
    assert [f.ok for f in findings[3:]] == [True, False]
    assert missing in findings[4].message


def test_an_unset_token_is_one_line_with_its_fix(world: World) -> None:
    """Without the token's variable the doctor says to set it, asking nothing."""
    findings = _findings(world, "", (world.repo,))
    assert len(findings) == 1
    assert not findings[0].ok
    assert findings[0].fix
    assert world.fake.server.requests == []
