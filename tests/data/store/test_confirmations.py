"""The team's word on a culprit: kept once per member, the same word again changes nothing,
the other word replaces it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.store.confirmations import Recorded, confirmations_of, record_confirmation

AT = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def test_a_members_word_is_kept_once_and_changed_by_the_other_button(engine: Engine) -> None:
    """New, then the same (its first time kept), then changed; another member's word is apart."""
    with Session(engine) as session:
        first, _ = record_confirmation(session, "INC-1", "r#1", True, "U1", "lead", AT)
        later = AT + timedelta(minutes=5)
        same, kept = record_confirmation(session, "INC-1", "r#1", True, "U1", "lead", later)
        kept_at = kept.said_at
        other, _ = record_confirmation(session, "INC-1", "r#1", False, "U2", None, later)
        changed, row = record_confirmation(
            session, "INC-1", "r#1", False, "U1", "lead", AT + timedelta(hours=1)
        )
        words = [
            (w.slack_user_id, w.confirmed, w.said_at) for w in confirmations_of(session, "INC-1")
        ]
    assert (first, same, other, changed) == (
        Recorded.NEW,
        Recorded.SAME,
        Recorded.NEW,
        Recorded.CHANGED,
    )
    assert kept_at == AT
    assert row.confirmed is False
    assert words == [("U2", False, later), ("U1", False, AT + timedelta(hours=1))]
