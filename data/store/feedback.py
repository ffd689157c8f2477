"""Members' 👍/👎 on riskbrief's answers in Slack, kept once per member and answer.

A member's word on one answer is one row: the same button again changes nothing (Slack
retries a click, people click twice), the other button replaces the word, with its time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from data.store.confirmations import Recorded
from data.store.tables import AnswerFeedback

__all__ = ["feedback_on", "record_feedback"]


def feedback_on(session: Session, channel_id: str, message_ts: str) -> list[AnswerFeedback]:
    """Every member's word on the answer ``message_ts`` in ``channel_id``."""
    return list(
        session.exec(
            select(AnswerFeedback)
            .where(
                col(AnswerFeedback.channel_id) == channel_id,
                col(AnswerFeedback.message_ts) == message_ts,
            )
            .order_by(col(AnswerFeedback.id))
        )
    )


def _said(
    session: Session, channel_id: str, message_ts: str, slack_user_id: str
) -> AnswerFeedback | None:
    return session.exec(
        select(AnswerFeedback).where(
            col(AnswerFeedback.channel_id) == channel_id,
            col(AnswerFeedback.message_ts) == message_ts,
            col(AnswerFeedback.slack_user_id) == slack_user_id,
        )
    ).first()


def record_feedback(
    session: Session,
    channel_id: str,
    message_ts: str,
    slack_user_id: str,
    helpful: bool,
    asked: str,
    at: datetime,
) -> Recorded:
    """Keep ``slack_user_id``'s word that the answer ``message_ts`` helped (``helpful``) or
    not, committed; the same word again keeps the first one and its time."""
    found = _said(session, channel_id, message_ts, slack_user_id)
    if found is not None:
        if found.helpful == helpful:
            return Recorded.SAME
        found.helpful, found.said_at = helpful, at
        session.add(found)
        session.commit()
        return Recorded.CHANGED
    session.add(
        AnswerFeedback(
            channel_id=channel_id,
            message_ts=message_ts,
            slack_user_id=slack_user_id,
            helpful=helpful,
            asked=asked,
            said_at=at,
        )
    )
    try:
        session.commit()
    except IntegrityError:
        # Two replicas answered the same click at once: the other one stored it.
        session.rollback()
        if _said(session, channel_id, message_ts, slack_user_id) is None:
            raise
        return Recorded.SAME
    return Recorded.NEW
