"""A source declared in one object: its settings, environment, sync, doctor findings and keys.

A source package (``data/sources/gitlab/``) builds one ``SourceSpec`` and
``data.sources.registry.SOURCES`` lists it; the settings parsing
(``[sources.<key>]``), ``riskbrief sync``, ``riskbrief doctor``, ``/risk``'s key
parsing and the docs' settings table all read that one list (``data.config``
types ``[sources.<key>]`` from the source's ``settings`` module instead, below the
registry). This module and a spec's own module import nothing heavy (no store, no
HTTP client), so a spec's functions import what they run inside themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from pydantic import BaseModel

from scoring.change_key import ChangeKey
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.config import OrgConfig
    from data.handoff import Source

__all__ = ["EnvVar", "Finding", "SourceContext", "SourceSpec"]

C = TypeVar("C", bound=BaseModel)

_URL = re.compile(r"^https?://\S+$")


class Finding(NamedTuple):
    """One doctor check's result: whether it passed, what it saw, and what to do if not."""

    ok: bool
    message: str
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class EnvVar:
    """An environment variable a source reads, as the docs' settings table shows it.

    ``setting`` names the field of the source's settings that can rename the
    variable (``token_env``); ``secret`` values are redacted from every log line.
    """

    name: str
    meaning: str
    default: str = "unset"
    secret: bool = False
    setting: str | None = None


@dataclass(frozen=True, slots=True)
class SourceContext:
    """What a source is built from besides its own settings: the organisation and environment."""

    org: OrgConfig
    environ: Mapping[str, str]
    # The folder riskbrief.toml is in: relative paths in a source's settings start there.
    base: Path = Path()

    def value(self, name: str) -> str | None:
        """The variable ``name``, stripped; ``None`` when unset or empty."""
        return self.environ.get(name, "").strip() or None

    def url(self, name: str, default: str) -> str:
        """The URL in variable ``name`` (else ``default``); a ``ConfigError`` sentence if bad."""
        value = self.value(name) or default
        if not _URL.match(value):
            raise ConfigError(f"{name} must be a URL such as {default} (got {value[:60]!r}).")
        return value


def _no_findings(_settings: BaseModel, _context: SourceContext) -> Sequence[Finding]:
    return ()


def _no_change(_text: str, _settings: BaseModel | None) -> ChangeKey | None:
    return None


def _no_repositories(_settings: BaseModel) -> tuple[str, ...]:
    return ()


def _no_incidents(_settings: BaseModel) -> bool:
    return False


@dataclass(frozen=True)
class SourceSpec(Generic[C]):
    """One source: ``[sources.<key>]`` read by ``settings``, and what the app does with it.

    ``sources`` builds what ``riskbrief sync`` runs (changes before deploys
    before incidents); ``findings`` is ``riskbrief doctor``'s lines, one per
    thing checked (none by default); ``read_change`` turns what a user typed (a
    key or a URL) into a change key, given the settings when the section is
    there, ``None`` when it is not (a source without changes reads none);
    ``repositories`` are the ``[[repositories]]`` names it reads, so no other
    source reads them too; ``incidents_known`` says whether it reports incidents
    with these settings.
    """

    key: str
    title: str
    settings: type[C]
    env: tuple[EnvVar, ...]
    sources: Callable[[C, SourceContext], Sequence[Source]]
    findings: Callable[[C, SourceContext], Sequence[Finding]] = field(default=_no_findings)
    read_change: Callable[[str, C | None], ChangeKey | None] = field(default=_no_change)
    repositories: Callable[[C], tuple[str, ...]] = field(default=_no_repositories)
    incidents_known: Callable[[C], bool] = field(default=_no_incidents)

    @property
    def code_host(self) -> bool:
        """Whether it reads repositories (GitLab), as an incident tool (PagerDuty) does not."""
        # A spec that says which repositories it reads gave its own function.
        return self.repositories is not _no_repositories

    def settings_of(self, org: OrgConfig) -> C | None:
        """This source's ``[sources.<key>]`` settings in ``org``, ``None`` when it is off."""
        value = getattr(org.sources, self.key, None)
        return value if isinstance(value, self.settings) else None

    def secret_names(self, settings: C | None) -> tuple[str, ...]:
        """The names of the secret variables it reads, as ``settings`` may have renamed them."""
        out: list[str] = []
        for var in self.env:
            if not var.secret:
                continue
            renamed = getattr(settings, var.setting, None) if var.setting else None
            out.append(renamed if isinstance(renamed, str) else var.name)
        return tuple(out)
