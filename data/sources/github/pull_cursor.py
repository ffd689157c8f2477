"""Where a sync of merged pull requests stands, saved with every page so a crash resumes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import structlog

__all__ = ["PullCursor"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PullCursor:
    """A run in progress: where it goes on, where it stops, and its watermark-to-be.

    ``pending`` are pull requests read but not yet written (their files or
    reviews go on); a resumed run reads them again by number.
    """

    after: str | None
    stop: datetime
    newest: datetime | None
    pending: tuple[int, ...] = ()

    def encode(self) -> str:
        return json.dumps(
            {
                "after": self.after,
                "stop": self.stop.isoformat(),
                "newest": self.newest.isoformat() if self.newest else None,
                "pending": list(self.pending),
            }
        )

    @staticmethod
    def decode(text: str | None) -> PullCursor | None:
        if not text:
            return None
        try:
            raw = json.loads(text)
            newest = raw.get("newest")
            return PullCursor(
                after=raw.get("after"),
                stop=datetime.fromisoformat(raw["stop"]),
                newest=datetime.fromisoformat(newest) if newest else None,
                pending=tuple(int(n) for n in raw.get("pending") or ()),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("github_cursor_unreadable", cursor=text[:80])
            return None
