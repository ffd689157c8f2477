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

from data.config.sources.roles import ReadsRepositories, reports_incidents, repositories_read
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
    # The clones `riskbrief sync --git PATH` names: a spec reading clones reads only these.
    paths: tuple[Path, ...] = ()

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


def _no_variables(_environ: Mapping[str, str]) -> None:
    return None


@dataclass(frozen=True)
class SourceSpec(Generic[C]):
    """One source: ``[sources.<key>]`` read by ``settings``, and what the app does with it.

    ``sources`` builds what ``riskbrief sync`` runs (changes before deploys
    before incidents); ``findings`` is ``riskbrief doctor``'s lines, one per
    thing checked (none by default); ``read_change`` turns what a user typed (a
    key or a URL) into a change key, given the settings when the section is
    there, ``None`` when it is not (a source without changes reads none);
    ``check_variables`` refuses a bad value of its variables in one sentence
    naming the variable (``load_settings`` asks every spec, so it stops every
    command); ``many`` makes its table an array (``[[sources.files]]``), each
    table its own settings and sources; ``clones`` marks the source of local
    clones, the one ``riskbrief sync --git PATH`` runs, on those paths. Which
    repositories it reads and whether it reports incidents its settings say
    (``data.config.sources.roles``).
    """

    key: str
    title: str
    settings: type[C]
    env: tuple[EnvVar, ...]
    sources: Callable[[C, SourceContext], Sequence[Source]]
    findings: Callable[[C, SourceContext], Sequence[Finding]] = field(default=_no_findings)
    read_change: Callable[[str, C | None], ChangeKey | None] = field(default=_no_change)
    check_variables: Callable[[Mapping[str, str]], None] = field(default=_no_variables)
    many: bool = False
    clones: bool = False

    @property
    def code_host(self) -> bool:
        """Whether it reads named repositories (GitLab), as an incident tool (PagerDuty) does
        not: its settings model says which (``ReadsRepositories``)."""
        return issubclass(self.settings, ReadsRepositories)

    def repositories(self, settings: C) -> tuple[str, ...]:
        """The ``[[repositories]]`` names it reads with ``settings``, so no other source does."""
        return repositories_read(settings)

    def incidents_known(self, settings: C) -> bool:
        """Whether it reports incidents with ``settings``: a service without one then had none."""
        return reports_incidents(settings)

    def tables_of(self, org: OrgConfig) -> tuple[C, ...]:
        """Its ``[sources.<key>]`` settings in ``org``: none when off, each table of an array."""
        value = getattr(org.sources, self.key, None)
        values = value if self.many and isinstance(value, tuple) else (value,)
        return tuple(v for v in values if isinstance(v, self.settings))

    def settings_of(self, org: OrgConfig) -> C | None:
        """Its ``[sources.<key>]`` settings in ``org`` (an array's first), ``None`` when off."""
        return next(iter(self.tables_of(org)), None)

    def secret_names(self, settings: C | None) -> tuple[str, ...]:
        """The names of the secret variables it reads, as ``settings`` may have renamed them."""
        out: list[str] = []
        for var in self.env:
            if not var.secret:
                continue
            renamed = getattr(settings, var.setting, None) if var.setting else None
            out.append(renamed if isinstance(renamed, str) else var.name)
        return tuple(out)
