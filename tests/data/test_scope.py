"""The one scope: what it covers and how every reader names it."""

from __future__ import annotations

from data.scope import Scope
from data.sources.sample import sample_org_config

ORG = sample_org_config()


def test_the_empty_scope_is_the_whole_organisation() -> None:
    """No team and no service covers every service, and reads as "whole organisation"."""
    whole = Scope()
    assert whole.whole
    assert whole.covered(ORG) == tuple(s.key for s in ORG.services)
    assert whole.label(ORG) == "whole organisation"


def test_a_team_covers_its_services_and_a_service_itself() -> None:
    """Commerce with Infrastructure covers three services in riskbrief.toml's order, named by
    their display names, teams first."""
    scope = Scope.of(["commerce"], ["infra"])
    assert not scope.whole
    assert scope.covered(ORG) == ("payments", "checkout", "infra")
    assert scope.covers(ORG, "checkout")
    assert not scope.covers(ORG, "search")
    assert scope.label(ORG) == "Commerce, Infrastructure"


def test_a_stored_subscriber_s_lists_make_an_equal_scope() -> None:
    """A scope from a row's lists equals the one a parsed ``/risk`` names, so briefings that
    share it share their work."""
    assert Scope.of(["commerce"], []) == Scope(teams=("commerce",))
    assert hash(Scope.of([], ["infra"])) == hash(Scope(services=("infra",)))
