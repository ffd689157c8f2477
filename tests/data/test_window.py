"""The loaded window: which deploys count towards a week's deploys and change failure rate."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from data.engine import session_scope
from data.scores import save_scores
from data.tables import Deploy
from data.window import week_rows
from scoring import Band, RiskScore, Signal, aggregate
from scoring.scored import scored_change
from tests.data.rows import at, base


def _score(key: str) -> RiskScore:
    return RiskScore(key, 10, Band.SAFE, (Signal("size", 0.1, 10, "small"),), (), "v1")


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
        rows = week_rows(s, at(0), at(24 * 7), ["payments"], "v1")
    week = aggregate(rows.changes, rows.deploys, rows.incidents)
    assert len(week.deploys) == expected_deploys
    assert week.change_failure_rate == expected_cfr
