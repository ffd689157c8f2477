"""What a briefing, a ``/risk`` answer or an MCP token covers: some teams and services.

One type for every reader. It sits in ``data`` because a scope is a choice among
riskbrief.toml's teams and services (``data.config``) and is stored with a subscriber,
and because ``briefing`` and ``bot`` may both import ``data``; ``scoring`` never needs
it (the week's rows arrive already narrowed to the scope's services).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Type-only: the scope reads the organisation it is handed; `data.config` never
    # imports this module, so no cycle, and `bot.answers.queries` stays free of pydantic.
    from data.config import OrgConfig

__all__ = ["WHOLE_ORGANISATION_LABEL", "Scope"]

# What every reader calls the empty scope.
WHOLE_ORGANISATION_LABEL = "whole organisation"


@dataclass(frozen=True, slots=True)
class Scope:
    """Teams and services by key; empty is the whole organisation."""

    teams: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    @staticmethod
    def of(teams: Iterable[str], services: Iterable[str]) -> Scope:
        """The scope of stored lists (a subscriber row's ``teams`` and ``services``)."""
        return Scope(tuple(teams), tuple(services))

    @property
    def whole(self) -> bool:
        """True for the whole organisation."""
        return not self.teams and not self.services

    def covered(self, org: OrgConfig) -> tuple[str, ...]:
        """The services it covers (its teams' and its own), in riskbrief.toml's order."""
        return org.scope_services(self.teams, self.services)

    def covers(self, org: OrgConfig, service: str) -> bool:
        """Whether ``service`` is one the scope covers."""
        return service in self.covered(org)

    def label(self, org: OrgConfig) -> str:
        """``"whole organisation"`` or the teams' and services' display names."""
        if self.whole:
            return WHOLE_ORGANISATION_LABEL
        names = [t.display_name for t in org.teams if t.key in self.teams]
        names += [s.display_name for s in org.services if s.key in self.services]
        return ", ".join(names)
