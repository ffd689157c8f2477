"""The loaded window: what a week's scored changes carry, and which deploys count towards it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from data.store.engine import session_scope
from data.store.facts import load_changes
from data.store.scores import load_scores, save_scores
from data.store.tables import Deploy, DeployChange, Incident, RiskScoreRow
from data.store.window import window_rows
from scoring.risk import Band
from scoring.risk_score import Gate, RiskScore
from scoring.scored import scored_change
from scoring.signal import Signal
from scoring.weekly import aggregate
from tests.data.rows import at, base, change


def _score(key: str) -> RiskScore:
    return RiskScore(key, 10, Band.SAFE, (Signal("size", 0.1, 10, "small"),), (), "v1")


def _high(key: str, version: str = "v1") -> RiskScore:
    signals = (
        Signal("review", 1.0, 30, "no approval"),
        Signal("size", 1.0, 40, "big"),
        Signal("timing", 1.0, 0, "weekday"),
    )
    return RiskScore(key, 70, Band.HIGH, signals, (), version)


def test_week_rows_keep_the_window_scope_and_version(engine: Engine) -> None:
    """Only changes in [since, until) of services in scope with a score of the version count."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(-1))
        change(s, repo, svc, human, 2, at(1), owners=["@acme/pay"])
        change(s, repo, svc, human, 3, at(2), owners=[])
        change(s, repo, svc, human, 4, at(24 * 7))
    with session_scope(engine) as s:
        facts = {c.key: c for c in load_changes(s)}
        scored = [_high(f"acme/shop#{n}") for n in (1, 2, 4)]
        save_scores(s, "change", [scored_change(c, facts[c.key]) for c in scored])
        old = _high("acme/shop#3", version="old")
        save_scores(s, "change", [scored_change(old, facts[old.key])])
    with session_scope(engine) as s:
        rows = window_rows(s, at(0), at(24 * 7), ["payments"], "v1")
        other = window_rows(s, at(0), at(24 * 7), ["search"], "v1")
    assert [c.key for c in rows.changes] == ["acme/shop#2"]
    assert rows.changes[0].band is Band.HIGH
    assert (rows.changes[0].files_with_owner_data, rows.changes[0].files_with_owner) == (1, 1)
    assert rows.changes[0].human_reviewed is False
    assert other.changes == ()


def test_a_week_reads_the_stored_top_signals_in_rank_order(engine: Engine) -> None:
    """A week's change is driven by the top signals stored with its score, in the rank they were
    stored in (most points beyond a typical change's first)."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(1))
    with session_scope(engine) as s:
        facts = load_changes(s)[0]
        save_scores(s, "change", [scored_change(_high(facts.key), facts)])
    with session_scope(engine) as s:
        rows = window_rows(s, at(0), at(24 * 7), ["payments"], "v1")
        stored = load_scores(s, "change", "v1")[facts.key]
    assert rows.changes[0].drivers == ("review", "size")
    assert rows.changes[0].drivers == stored.drivers


@pytest.mark.parametrize(
    ("environments", "expected_deploys", "expected_cfr"),
    [
        pytest.param(["production"] * 4, 4, 50.0, id="all-production"),
        pytest.param(
            ["staging", "staging", "production", "production"],
            2,
            0.0,
            id="staging-failures-left-out",
        ),
        pytest.param(
            ["production", "production", "staging", "staging"],
            2,
            100.0,
            id="staging-successes-left-out",
        ),
        pytest.param(["staging"] * 4, 0, None, id="no-production-deploys-no-rate"),
    ],
)
def test_week_counts_production_deploys_only(
    engine: Engine,
    environments: list[str],
    expected_deploys: int,
    expected_cfr: float | None,
) -> None:
    """A week's deploys and change failure rate count production deploys only, as scoring does."""
    with session_scope(engine) as s:
        _, svc, _, _ = base(s)
        assert svc.id is not None
        # The first two deploys fail, the last two succeed.
        for n, env in enumerate(environments):
            s.add(
                Deploy(
                    key=f"d{n}",
                    service_id=svc.id,
                    environment=env,
                    finished_at=at(1 + n),
                    status="failure" if n < 2 else "success",
                )
            )
    with session_scope(engine) as s:
        save_scores(s, "deploy", [scored_change(_score(f"d{n}")) for n in range(len(environments))])
    with session_scope(engine) as s:
        rows = window_rows(s, at(0), at(24 * 7), ["payments"], "v1")
    week = aggregate(rows.changes, rows.deploys, rows.incidents)
    assert len(week.deploys) == expected_deploys
    assert week.change_failure_rate == expected_cfr


def test_a_week_knows_which_gates_put_a_change_in_its_band(engine: Engine) -> None:
    """A change held at very high by a migration gate carries it; a lower-floor gate does not;
    each carries its stored lines of code."""
    migration = Gate("schema_migration", "contains a schema migration (m/0001.py)")
    large = Gate("large_change", "500 lines of code added", Band.HIGH)
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(1))
        change(s, repo, svc, human, 2, at(2))
    with session_scope(engine) as s:
        facts = {c.key: c for c in load_changes(s)}
        signals = (Signal("size", 1.0, 40, "big"),)
        gated = RiskScore("acme/shop#1", 80, Band.CRITICAL, signals, (migration, large), "v1")
        lifted = RiskScore("acme/shop#2", 60, Band.HIGH, signals, (large,), "v1")
        save_scores(s, "change", [scored_change(r, facts[r.key]) for r in (gated, lifted)])
    with session_scope(engine) as s:
        rows = window_rows(s, at(0), at(24 * 7), ["payments"], "v1")
    by_key = {c.key: c for c in rows.changes}
    assert by_key["acme/shop#1"].gates == ("schema_migration",)
    assert by_key["acme/shop#1"].gated_very_high
    assert by_key["acme/shop#2"].gates == ("large_change",)
    assert not by_key["acme/shop#2"].gated_very_high
    # Its lines of code as scored (10 added, 2 deleted): how large it was for its service.
    assert by_key["acme/shop#2"].source_lines == 12


def test_an_incident_carries_its_deploys_score_gates_and_what_it_shipped(engine: Engine) -> None:
    """The incident rule asks what the linked deploy shipped and whether an active incident's
    gate lifted it: the window reads both from the store, with a shipped gated change's score
    before its gate (the change merged the week before)."""
    migration = Gate("schema_migration", "contains a schema migration (m/0001.py)")
    active = Gate("active_incident", "deployed during incident INC-0 of payments")
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        assert svc.id is not None
        shipped = change(s, repo, svc, human, 1, at(-30))
        d = Deploy(key="d1", service_id=svc.id, finished_at=at(2), status="success")
        s.add(d)
        s.flush()
        assert d.id is not None
        assert shipped.id is not None
        s.add(DeployChange(deploy_id=d.id, change_id=shipped.id))
        s.add(
            Incident(key="INC-1", service_id=svc.id, title="down", opened_at=at(3), deploy_id=d.id)
        )
    with session_scope(engine) as s:
        facts = {c.key: c for c in load_changes(s)}
        signals = (Signal("size", 1.0, 40, "big"),)
        gated = RiskScore("acme/shop#1", 84, Band.CRITICAL, signals, (migration,), "v1")
        save_scores(s, "change", [scored_change(gated, facts[gated.key])])
        lifted = RiskScore("d1", 84, Band.CRITICAL, signals, (active,), "v1")
        save_scores(s, "deploy", [scored_change(lifted)])
    with session_scope(engine) as s:
        rows = window_rows(s, at(0), at(24 * 7), ["payments"], "v1")
    (incident,) = rows.incidents
    assert (incident.deploy_key, incident.deploy_score) == ("d1", 84)
    assert incident.deploy_gates == ("active_incident",)
    assert [(c.key, c.gates, c.ungated_score, c.source_lines) for c in incident.shipped] == [
        ("acme/shop#1", ("schema_migration",), 40, 12)
    ]
    assert rows.deploys[0].gates == ("active_incident",)


def test_a_week_reads_each_changes_points_of_its_services_incidents(engine: Engine) -> None:
    """A change carries the points its services' recent incidents gave it, as its score was
    stored; one stored before they were kept has them added up from its signals."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(1))
        change(s, repo, svc, human, 2, at(2))
    signals = (
        Signal("size", 1.0, 40, "big"),
        Signal("service_incidents", 2.0, 3.5, "2 incidents in the touched services"),
    )
    with session_scope(engine) as s:
        facts = {c.key: c for c in load_changes(s)}
        scores = [RiskScore(key, 44, Band.SAFE, signals, (), "v1") for key in sorted(facts)]
        save_scores(s, "change", [scored_change(r, facts[r.key]) for r in scores])
        # The second as a score stored before the column was kept.
        s.execute(
            sa.update(RiskScoreRow)
            .where(col(RiskScoreRow.subject_key) == "acme/shop#2")
            .values(context_points=None)
        )
    with session_scope(engine) as s:
        rows = window_rows(s, at(0), at(24 * 7), ["payments"], "v1")
    assert [(c.key, c.context_points, c.own_score) for c in rows.changes] == [
        ("acme/shop#1", 3.5, 40.5),
        ("acme/shop#2", 3.5, 40.5),
    ]
