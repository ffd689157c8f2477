"""The PR check reads a coverage report posted for a pull request's head as `score_all` will."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.composition.pipeline import score_all
from data.coverage_report import CoverageFormat, CoverageReport, FileLines
from data.store.coverage import repository_row, save_report
from data.store.scores import load_scores
from data.store.tables import Change, ChangeState
from fakes.check_world import NOW, REPO, World, pull_payload, risky_pull, world_of
from scoring.signal import Signal

HEAD = "c" * 40
NUMBER = 9300
KEY = f"{REPO}#{NUMBER}"
# The files risky_pull touches: each with ten coverable lines.
FILES = [f"services/payments/ledger/part{i}.py" for i in range(12)]


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    """The sample store, a fake GitHub with an App installed, `serve` with the webhook on."""
    with world_of(engine) as w:
        yield w


def _report(covered: int) -> CoverageReport:
    lines = frozenset(range(1, 11))
    return CoverageReport(
        CoverageFormat.LCOV,
        tuple(FileLines(p, lines, frozenset(range(1, covered + 1))) for p in FILES),
    )


def _coverage_signal(engine: Engine, version: str) -> Signal:
    with Session(engine) as session:
        scored = load_scores(session, "change", version, [KEY])[KEY]
    return next(s for s in scored.signals if s.name == "coverage")


def _latest_merged_sha(engine: Engine) -> str:
    with Session(engine) as session:
        rows = session.exec(
            select(Change)
            .where(col(Change.repository_id) == repository_row(session, REPO).id)
            .where(col(Change.merged_at).is_not(None))
            .order_by(col(Change.merged_at).desc())
        )
        row = next(r for r in rows if r.sha or r.head_sha)
    sha = row.sha or row.head_sha
    assert sha is not None
    return sha


def test_a_report_at_the_pr_head_is_the_coverage_signal_of_its_check(world: World) -> None:
    """80% covered at the base, 20% at the head: the check run counts the fall, as after merge."""
    with Session(world.engine) as session:
        save_report(session, REPO, _latest_merged_sha(world.engine), _report(8), NOW)
        save_report(session, REPO, HEAD, _report(2), NOW)
        session.commit()
    pull = risky_pull(NUMBER, HEAD)
    world.graphql.add(REPO, [pull])
    answer = world.deliver(pull_payload(pull))
    assert answer.status_code == 200, answer.text
    version = world.org.scoring_config().version
    checked = _coverage_signal(world.engine, version)
    assert checked.value is not None
    assert "touched files' coverage -60.0 points" in checked.explanation
    assert checked.points > 0
    (run,) = world.check_runs()
    assert "no coverage reports" not in run["output"]["summary"]
    # The same pull request merged: score_all works its coverage out from the same reports.
    with Session(world.engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == KEY)).one()
        row.state, row.merged_at, row.sha = ChangeState.MERGED, NOW - timedelta(minutes=1), HEAD
        session.add(row)
        session.commit()
        score_all(session, world.org)
        session.commit()
    merged = _coverage_signal(world.engine, version)
    assert (merged.value, merged.explanation, merged.share) == (
        checked.value,
        checked.explanation,
        checked.share,
    )
