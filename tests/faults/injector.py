"""Failures put in front of one route of a ``FakeServer``, from its n-th matching request on."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fakes.http import Answer, FakeServer, Handler, Request, Route

__all__ = ["Faults", "inject", "is_query"]

Matches = Callable[[Request], bool]


def is_query(name: str) -> Matches:
    """Requests whose GraphQL body is the operation ``name`` (``query PullPage(...)``)."""

    def matches(request: Request) -> bool:
        body = request.json()
        return isinstance(body, dict) and str(body.get("query", "")).startswith(f"query {name}")

    return matches


@dataclass
class Faults:
    """Failures still queued on one route, and how many matching requests it has seen."""

    answers: list[Answer]
    skip: int
    matches: Matches
    seen: int = 0
    used: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, request: Request) -> Answer | None:
        """The failure to answer ``request`` with, if its turn has come."""
        if not self.matches(request):
            return None
        with self.lock:
            self.seen += 1
            if self.seen <= self.skip or not self.answers:
                return None
            self.used += 1
            return self.answers.pop(0)

    def clear(self) -> None:
        """The outage is over: answer everything normally from now on."""
        with self.lock:
            self.answers.clear()


def _wrap(faults: Faults, inner: Handler) -> Handler:
    def handler(request: Request, match: re.Match[str]) -> Answer:
        return faults.take(request) or inner(request, match)

    return handler


def inject(
    server: FakeServer,
    method: str,
    path: str,
    answers: Sequence[Answer],
    *,
    skip: int = 0,
    matches: Matches = lambda _: True,
) -> Faults:
    """Answer matching requests to ``path``, after the first ``skip``, with ``answers`` in turn.

    The route that serves ``path`` is wrapped, so the fake's data and checks are
    untouched for every other request.
    """
    faults = Faults(list(answers), skip, matches)
    for i, route in enumerate(server.routes):
        if route.method == method and re.fullmatch(route.pattern, path):
            server.routes[i] = Route(route.method, route.pattern, _wrap(faults, route.handler))
            return faults
    raise AssertionError(f"no route serves {method} {path}")
