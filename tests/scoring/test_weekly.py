"""Weekly aggregates: the numbers every card rule is judged on."""

from __future__ import annotations

import pytest

from scoring.risk import Band
from scoring.weekly import Distribution, ScoredDeploy, aggregate
from tests.scoring.card_builders import at, change, deploys, incident, mix


@pytest.mark.parametrize(
    ("bands", "total", "high_risk", "share"),
    [
        pytest.param([], 0, 0, 0.0, id="no-changes-share-0"),
        pytest.param([Band.SAFE, Band.MODERATE], 2, 0, 0.0, id="nothing-high-risk"),
        pytest.param([Band.HIGH, Band.CRITICAL], 2, 2, 100.0, id="all-high-risk"),
        pytest.param(
            [Band.SAFE, Band.MODERATE, Band.HIGH, Band.CRITICAL], 4, 2, 50.0, id="one-each"
        ),
        pytest.param([Band.MODERATE] * 2 + [Band.HIGH], 3, 1, 100 / 3, id="moderate-is-not-high"),
    ],
)
def test_distribution(bands: list[Band], total: int, high_risk: int, share: float) -> None:
    """High and critical count as high risk, and the share is of all changes, 0 without any."""
    d = Distribution.of(bands)
    assert (d.total, d.high_risk, d.high_risk_share) == (total, high_risk, share)


@pytest.mark.parametrize(
    ("band", "high_risk"),
    [
        pytest.param(Band.SAFE, False, id="safe"),
        pytest.param(Band.MODERATE, False, id="moderate"),
        pytest.param(Band.HIGH, True, id="high"),
        pytest.param(Band.CRITICAL, True, id="critical"),
    ],
)
def test_week_change_is_high_risk_by_band(band: Band, high_risk: bool) -> None:
    """A scored change is high risk exactly when its band is high or critical."""
    assert change("x#1", "svc", band).high_risk is high_risk


def test_services_and_teams_are_grouped_by_name() -> None:
    """Changes group by service and by team, in name order, and changes without one are left out."""
    week = aggregate(
        [
            *mix("search", 3, 1, team="find"),
            *mix("payments", 4, 2, team="money"),
            change("loose#1", None, Band.HIGH, team=None),
        ]
    )
    assert [(g.name, g.distribution.total, g.distribution.high_risk) for g in week.services] == [
        ("payments", 4, 2),
        ("search", 3, 1),
    ]
    assert [g.name for g in week.teams] == ["find", "money"]
    assert week.by_service["payments"] is week.services[0]
    assert week.by_team["find"] is week.teams[0]
    assert week.distribution.total == 8
    assert week.distribution.high_risk == 4


def test_drivers_count_high_risk_changes_most_first() -> None:
    """Drivers count only high-risk changes, most first and ties by name; a group's top is first."""
    week = aggregate(
        [
            change("a#1", "svc", Band.HIGH, drivers=("size", "review")),
            change("a#2", "svc", Band.CRITICAL, drivers=("review",)),
            change("a#3", "svc", Band.HIGH, drivers=("codeowners",)),
            change("a#4", "svc", Band.MODERATE, drivers=("size", "size")),
            change("a#5", "svc", Band.SAFE, drivers=("codeowners",)),
        ]
    )
    assert week.drivers == (("review", 2), ("codeowners", 1), ("size", 1))
    assert week.by_service["svc"].top_driver == ("review", 2)


def test_a_group_without_high_risk_changes_has_no_top_driver() -> None:
    """A service with no high-risk change has no driver even if its changes name signals."""
    week = aggregate([change("a#1", "svc", Band.MODERATE, drivers=("size",))])
    assert week.by_service["svc"].top_driver is None


@pytest.mark.parametrize(
    ("failed", "linked", "expected_failed", "expected_rate"),
    [
        pytest.param(0, (), 0, 0.0, id="all-fine"),
        pytest.param(2, (), 2, 20.0, id="two-failed"),
        pytest.param(0, (5, 6), 2, 20.0, id="two-linked-incidents"),
        pytest.param(1, (0,), 1, 10.0, id="failed-and-linked-counts-once"),
        pytest.param(0, (5, 5), 1, 10.0, id="two-incidents-one-deploy"),
        pytest.param(1, (-1,), 1, 10.0, id="incident-of-an-earlier-deploy-not-counted"),
    ],
)
def test_failed_deploys_and_change_failure_rate(
    failed: int, linked: tuple[int, ...], expected_failed: int, expected_rate: float
) -> None:
    """A deploy failed if it did not succeed or a week's incident links to it, counted once."""
    week_deploys = deploys("svc", 10, failed)
    earlier = ScoredDeploy("deploy:svc:old", "svc", at(-1, 100), 10, Band.SAFE)
    incs = [
        incident(f"INC-{n}", "svc", at(0, 50 + n), None, earlier if d < 0 else week_deploys[d])
        for n, d in enumerate(linked)
    ]
    week = aggregate([], week_deploys, incs)
    assert week.failed_deploys == expected_failed
    assert week.change_failure_rate == expected_rate


def test_change_failure_rate_is_unknown_without_deploys() -> None:
    """With no deploys the change failure rate is unknown, not 0."""
    assert aggregate([], [], [incident("INC-1", "svc", at(0), 30)]).change_failure_rate is None


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        pytest.param([], None, id="no-incidents"),
        pytest.param([None], None, id="only-open-incidents"),
        pytest.param([30], 30.0, id="one"),
        pytest.param([30, 90], 60.0, id="mean-of-two"),
        pytest.param([30, None, 90], 60.0, id="open-incident-left-out"),
    ],
)
def test_mttr_is_the_mean_of_resolved_incidents(
    minutes: list[float | None], expected: float | None
) -> None:
    """MTTR is the mean open-to-resolved time of the week's resolved incidents, unknown without."""
    incs = [incident(f"INC-{n}", "svc", at(0, n), m) for n, m in enumerate(minutes)]
    assert aggregate([], [], incs).mttr_minutes == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param([], None, id="no-changes"),
        pytest.param([(0, 0)], None, id="no-owner-data"),
        pytest.param([(3, 4), (1, 4)], 50.0, id="summed-over-files-not-changes"),
        pytest.param([(0, 1), (9, 9)], 90.0, id="weighted-by-files"),
    ],
)
def test_owner_coverage(files: list[tuple[int, int]], expected: float | None) -> None:
    """CODEOWNERS coverage is owned files over files with owner data, unknown without data."""
    changes = [
        change(f"c#{n}", "svc", Band.SAFE, files_with_owner=o, files_with_owner_data=d)
        for n, (o, d) in enumerate(files)
    ]
    assert aggregate(changes).owner_coverage == expected


def test_agent_changes_and_the_unreviewed_ones() -> None:
    """Agent changes are those an agent took part in; unreviewed ones lack a human approval."""
    week = aggregate(
        [
            change("a#1", "svc", Band.SAFE, agent_involved=True, human_reviewed=False),
            change("a#2", "svc", Band.HIGH, agent_involved=True, human_reviewed=True),
            change("a#3", "svc", Band.SAFE, agent_involved=False, human_reviewed=False),
        ]
    )
    assert [c.key for c in week.agent_changes] == ["a#1", "a#2"]
    assert [c.key for c in week.agent_unreviewed] == ["a#1"]


def test_aggregate_orders_everything_by_time() -> None:
    """Changes, deploys and incidents come out in time order whatever order they came in."""
    early, late = at(0, 1), at(0, 2)
    cs = [
        change("b#2", "svc", Band.SAFE, merged_at=late),
        change("b#1", "svc", Band.SAFE, merged_at=late),
        change("a#9", "svc", Band.SAFE, merged_at=early),
    ]
    ds = deploys("svc", 3, 0)
    incs = [incident("INC-2", "svc", late, 5), incident("INC-1", "svc", early, 5)]
    week = aggregate(cs, reversed(ds), incs)
    assert [c.key for c in week.changes] == ["a#9", "b#1", "b#2"]
    assert [d.key for d in week.deploys] == [d.key for d in ds]
    assert [i.key for i in week.incidents] == ["INC-1", "INC-2"]


def test_minutes_to_resolve() -> None:
    """An incident's minutes to resolve run from open to resolved, and are unknown while open."""
    assert incident("INC-1", "svc", at(0), 95.5).minutes_to_resolve == 95.5
    assert incident("INC-2", "svc", at(0), None).minutes_to_resolve is None


def test_a_weeks_makers_count_each_change_once() -> None:
    """A bot-authored change an agent took part in is the agent's, not also a bot's: the week's
    people, agents and bots add up to its changes, and its bot changes are the bots' alone."""
    week = aggregate(
        [
            change("a#1", "svc", Band.SAFE),
            change("a#2", None, Band.SAFE, bot=True),
            change("a#3", "svc", Band.HIGH, bot=True, agent_involved=True),
            change("a#4", "svc", Band.SAFE, agent_involved=True),
        ]
    )
    assert (week.makers.people, week.makers.agents, week.makers.bots) == (1, 2, 1)
    assert week.makers.total == week.distribution.total
    assert [c.key for c in week.bot_changes] == ["a#2"]
