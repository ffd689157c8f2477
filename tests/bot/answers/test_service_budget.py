"""`/risk service`: the service's error budget this week, read from its stored samples."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.answers.access import Access
from bot.answers.asked import default_of
from bot.answers.records.service import service_budget_burn
from bot.answers.services import service_answer
from bot.answers.text import answer_text
from data.scope import Scope
from data.store.engine import session_scope
from tests.samples import LoadedSample


def _now(scored: LoadedSample) -> datetime:
    return datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)


def test_a_service_with_budget_samples_says_its_burn_and_what_is_left(
    scored: LoadedSample,
) -> None:
    """Notifications' answer words the week's burn the record holds; Payments, with no SLO, has
    no budget line."""
    now, zone = _now(scored), scored.org.organisation.timezone
    with session_scope(scored.engine) as session:
        said = answer_text(service_answer(session, scored.org, "notifications", now))
        quiet = answer_text(service_answer(session, scored.org, "payments", now))
        alone = Access.of(scored.org, Scope(services=("notifications",)), zone)
        week = default_of(session, scored.org, alone, now, current=True).week
        burn = service_budget_burn(session, "notifications", week, zone)
    assert burn is not None
    assert burn.burned_percent > 0
    line = next(line for line in said.splitlines() if "Error budget" in line)
    assert f"{burn.burned_percent}% burned" in line
    assert f"burn rate {burn.burn_rate:g}×" in line
    assert f"{burn.left_percent}% left" in line
    assert "Error budget" not in quiet
