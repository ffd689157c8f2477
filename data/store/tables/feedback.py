"""A member's 👍 or 👎 on one answer riskbrief posted in Slack's assistant pane or a DM."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from data.store.tables.columns import utc_column

__all__ = ["AnswerFeedback"]


class AnswerFeedback(SQLModel, table=True):
    """One member's word on one answer: helpful or not, with the question it answered.

    One row per (answer message, member): Slack retries a click and people click twice,
    so the same button again changes nothing and the other one replaces the word.
    """

    __tablename__ = "answer_feedback"
    __table_args__ = (
        sa.UniqueConstraint(
            "channel_id", "message_ts", "slack_user_id", name="uq_answer_feedback_who"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The conversation and the answer message's ts, as Slack names them.
    channel_id: str
    message_ts: str
    slack_user_id: str = Field(index=True)
    helpful: bool
    # The question the answer was to, as the member typed it (cut to the button's room).
    asked: str
    said_at: datetime = utc_column()
