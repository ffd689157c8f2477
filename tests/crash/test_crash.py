"""Exactly once through crashes: the weekly delivery SIGKILLed at random points and restarted.

``make test`` runs a few trials per backend; ``RISKBRIEF_CRASH_TRIALS=100`` runs the
full count. ``RISKBRIEF_CRASH_SEED`` replays a run: the seed is printed with every
failure and in the summary (``pytest -s``).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.crash.harness import (
    CrashSlack,
    CrashSMTP,
    KillSwitch,
    Tally,
    Zygote,
    plan_trial,
    run_trial,
    seed_store,
)

TRIALS = int(os.environ.get("RISKBRIEF_CRASH_TRIALS") or 12)
SEED = int(os.environ.get("RISKBRIEF_CRASH_SEED") or random.SystemRandom().randrange(1_000_000))


@pytest.mark.timeout(120 + 30 * TRIALS)
def test_every_briefing_is_delivered_exactly_once_through_kills(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """Killed anywhere in claim, render, send or record and restarted, each subscriber gets
    one Slack post and one email per week, and every delivery row ends up sent."""
    backend = engine.dialect.name
    seed_store(engine)
    switch = KillSwitch()
    tally = Tally()
    started = time.monotonic()
    span = 1.0
    with (
        CrashSMTP(tmp_path, switch) as smtp,
        CrashSlack(switch) as slack,
        Zygote(tmp_path) as zygote,
    ):
        for trial in range(TRIALS):
            plan = plan_trial(SEED, backend, trial, span)
            result = run_trial(zygote, engine, database_url, tmp_path, plan, switch, slack, smtp)
            tally.add(result)
            assert not result.problems, (
                f"RISKBRIEF_CRASH_SEED={SEED} {backend} trial {trial} "
                f"({plan.mode}, kills {[str(k) for k in plan.kills]}, "
                f"quick restarts {list(plan.quick)}, "
                f"landed {[r.at for r in result.runs]}): {list(result.problems)}"
            )
            # Timer kills aim within what one delivery run takes here.
            span = max(span * 0.5, result.busy) if trial == 0 else max(span, result.busy)
    tally.seconds = time.monotonic() - started
    for line in tally.lines(backend, SEED):
        print(line)
    assert tally.duplicates == 0
    assert tally.losses == 0
    # Every step was hit at least once when there are enough trials to expect it.
    if TRIALS >= 50:
        assert {"claim", "render", "send", "send-accepted", "record"} <= set(tally.kills)
