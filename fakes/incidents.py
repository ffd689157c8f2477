"""What the fakes of incident APIs share: the account's incidents, list and read, paged failures.

PagerDuty's and Opsgenie's fakes build on ``FakeIncidents`` and keep their vendors'
credentials, list filters and answer shapes.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from fakes.http import Answer, FakeServer, FakeService, Handler, PageFailures, Request

__all__ = ["FakeIncidents"]


class FakeIncidents(FakeService):
    """An incident API's fake; ``incidents`` is the account's data, changeable between syncs."""

    def __init__(self, path: str, ident: str) -> None:
        """Answer the list at ``path`` and one incident below it, its id matching ``ident``."""
        self.incidents: list[dict[str, Any]] = []
        self._path = path
        self._page_failures = PageFailures()
        self.server = FakeServer()
        self.server.add("GET", path, self._checked(self._list))
        self.server.add("GET", rf"{path}/(?P<id>{ident})", self._checked(self._show))

    def list_requests(self) -> list[Request]:
        """The list requests received, in order."""
        return self.server.requests_to(self._path)

    def fail_page(self, *, offset: int, answer: Answer, times: int = 1) -> None:
        """Answer the next ``times`` list requests at ``offset`` with ``answer``."""
        self._page_failures.add(offset, answer, times)

    def _checked(self, handler: Handler) -> Handler:
        # Every endpoint refuses a request without the account's credentials first.
        def run(request: Request, match: re.Match[str]) -> Answer:
            return self._refused(request) or handler(request, match)

        return run

    def _show(self, request: Request, match: re.Match[str]) -> Answer:
        found = next((i for i in self.incidents if i["id"] == match["id"]), None)
        return self._missing(match["id"]) if found is None else self._found(found)

    @abstractmethod
    def _refused(self, request: Request) -> Answer | None:
        """The vendor's answer to a request without the account's credentials, else ``None``."""

    @abstractmethod
    def _list(self, request: Request, match: re.Match[str]) -> Answer:
        """The vendor's answer to a list request (``_page_failures`` first, where it checks)."""

    @abstractmethod
    def _found(self, incident: dict[str, Any]) -> Answer:
        """The vendor's answer with one incident."""

    @abstractmethod
    def _missing(self, ident: str) -> Answer:
        """The vendor's answer for an incident id it does not know."""
