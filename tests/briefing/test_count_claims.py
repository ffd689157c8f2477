"""A narrative's counts of incidents, changes and deploys: each one the payload has."""

from __future__ import annotations

from briefing.count_claims import count_problems, known_counts
from tests.briefing.payloads import busy_payload


def test_counts_are_checked_against_the_payloads_counts() -> None:
    """A count of incidents the payload has passes; one it does not have is named."""
    payload = busy_payload()
    known = known_counts(payload)
    incidents = max(known["incidents"])
    assert not list(count_problems("h", f"{incidents} incidents", known))
    missing = max(known["incidents"]) + 17
    assert list(count_problems("h", f"{missing} incidents", known))


def test_the_peoples_count_of_the_agents_section_is_a_known_count() -> None:
    """A narrative may say how many of the week's changes people made, as the payload counts."""
    payload = busy_payload()
    # A count no other figure of the payload holds, so only the people's count can admit it.
    people = max(known_counts(payload)["changes"]) + 7
    agents = payload.agents.model_copy(update={"human_changes": people})
    payload = payload.model_copy(update={"agents": agents})
    assert people in known_counts(payload)["changes"]
