"""What the store holds at all, per scope: the payload's ``stored`` section."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from briefing.payload import StoredView
from data.store.reads.stored import StoredReach

__all__ = ["Stored"]


class Stored:
    """The payload's ``stored`` section for any scope, from one ``StoredReach`` of the store
    (which reads each service's newest change only when a scope first asks for it)."""

    def __init__(self, session: Session) -> None:
        self._reach = StoredReach(session)
        self.anything = self._reach.anything

    @staticmethod
    def load(session: Session) -> Stored:
        """The store as ``session`` sees it."""
        return Stored(session)

    def view(self, services: Sequence[str], whole_organisation: bool) -> StoredView:
        """What the store holds for a scope of ``services``."""
        times = self._reach.times(services, whole_organisation)
        in_scope = bool(times) or (whole_organisation and self.anything)
        return StoredView(
            anything=self.anything, in_scope=in_scope, newest_in_scope=max(times, default=None)
        )
