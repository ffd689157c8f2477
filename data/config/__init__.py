"""The organisation as ``riskbrief.toml`` describes it: repositories, services, teams, people.

Every mistake in the file ends in one sentence naming the key and what to put there.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from pydantic import Field, ValidationError, model_validator

from data.config.messages import sentence
from data.config.sections import (
    DEFAULT_AGENT_LOGINS,
    AgentsConfig,
    DeliveryConfig,
    OrganisationConfig,
    RepositoryConfig,
    ScoringOverrides,
    ServiceConfig,
    Strict,
    SubscriberConfig,
    TeamConfig,
)
from data.config.sources import SourcesConfig
from data.path_globs import in_globs
from scoring.card_thresholds import CardRules
from scoring.config import BandThresholds, ScoringConfig, Weights
from scoring.errors import ConfigError

__all__ = [
    "DEFAULT_AGENT_LOGINS",
    "AgentsConfig",
    "DeliveryConfig",
    "OrgConfig",
    "OrganisationConfig",
    "RepositoryConfig",
    "ServiceConfig",
    "SubscriberConfig",
    "TeamConfig",
    "load_org_config",
    "parse_org_config",
    "write_weights",
]

# Settings renamed since they were first written, by (section, old name): old files still read.
_RENAMED = {("weights", "deploy_batch"): "batch_size"}


class OrgConfig(Strict):
    """The whole of ``riskbrief.toml``."""

    organisation: OrganisationConfig = Field(default_factory=OrganisationConfig)
    repositories: tuple[RepositoryConfig, ...] = ()
    services: tuple[ServiceConfig, ...] = ()
    teams: tuple[TeamConfig, ...] = ()
    subscribers: tuple[SubscriberConfig, ...] = ()
    agents: AgentsConfig = Field(default_factory=AgentsConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    scoring: ScoringOverrides = Field(default_factory=ScoringOverrides)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)

    @model_validator(mode="after")
    def _references(self) -> OrgConfig:
        repos = {r.name for r in self.repositories}
        services = {s.key for s in self.services}
        teams = {t.key for t in self.teams}
        for kind, keys in (
            ("services", [s.key for s in self.services]),
            ("teams", [t.key for t in self.teams]),
            ("subscribers", [s.key for s in self.subscribers]),
        ):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"{kind}: the key {dupes[0]!r} is used twice; keys must be unique")
        for i, s in enumerate(self.services):
            if s.repository is not None and s.repository not in repos:
                raise ValueError(
                    f"services[{i}].repository names {s.repository!r}, which is not in "
                    "[[repositories]]; add it there or fix the name"
                )
        for i, t in enumerate(self.teams):
            for name in t.services:
                if name not in services:
                    raise ValueError(
                        f"teams[{i}].services names {name!r}, which is not a [[services]] key"
                    )
        for i, sub in enumerate(self.subscribers):
            for name in sub.teams:
                if name not in teams:
                    raise ValueError(
                        f"subscribers[{i}].teams names {name!r}, which is not a [[teams]] key"
                    )
            for name in sub.services:
                if name not in services:
                    raise ValueError(
                        f"subscribers[{i}].services names {name!r}, which is not a [[services]] key"
                    )
        return self

    def scoring_config(self) -> ScoringConfig:
        """The scorer's config: defaults, the organisation's zone and hours, then overrides."""
        s = self.scoring
        cfg = ScoringConfig(
            timezone=s.timezone or self.organisation.timezone,
            # Named in riskbrief.toml, not the default: until then each commit's own clock.
            timezone_set=bool(s.timezone) or "timezone" in self.organisation.model_fields_set,
            working_hours=self.organisation.working_hours,
            holidays=tuple(sorted(set(s.holidays))),
            incidents_known=self.sources.incidents_known,
        )
        if s.active_incident_grace_hours is not None:
            cfg = replace(cfg, active_incident_grace_hours=s.active_incident_grace_hours)
        if s.incident_lookback_days is not None:
            cfg = replace(cfg, incident_lookback_days=s.incident_lookback_days)
        overrides: dict[str, dict[str, Any]] = {}
        for section, cls in (("weights", Weights), ("bands", BandThresholds), ("rules", CardRules)):
            values: dict[str, float] = getattr(self.scoring, section)
            defaults = asdict(cls())
            typed: dict[str, Any] = {}
            for name, v in values.items():
                # A weight keeps the name of the signal it scores; older files say the old one.
                k = _RENAMED.get((section, name), name)
                if k in defaults and isinstance(defaults[k], int) and not float(v).is_integer():
                    raise ConfigError(
                        f"riskbrief.toml: scoring.{section}.{k} must be a whole number (got {v})"
                    )
                if section != "bands" and k in defaults and not (math.isfinite(v) and v >= 0):
                    raise ConfigError(
                        f"riskbrief.toml: scoring.{section}.{k} must be a number 0 or more "
                        f"(got {v:g}); remove it to use the default"
                    )
                typed[k] = type(defaults[k])(v) if k in defaults else v
            if typed:
                overrides[section] = typed
        try:
            cfg = cfg.with_overrides(overrides)
        except KeyError as exc:
            section, key = str(exc.args[0]).split(".", 1)
            names = sorted(asdict(getattr(cfg, section)))
            close = get_close_matches(key, names, n=1)
            hint = f"did you mean {close[0]}?" if close else f"use one of {', '.join(names)}"
            raise ConfigError(
                f"riskbrief.toml: scoring.{section}.{key} is not a known setting; {hint}"
            ) from None
        b = cfg.bands
        # ``not (…)`` so that NaN, which compares false with everything, is refused too.
        if not (0 <= b.moderate < b.high < b.critical <= 100):
            raise ConfigError(
                "riskbrief.toml: scoring.bands must rise within 0–100 as moderate < high < "
                f"critical (got moderate {b.moderate:g}, high {b.high:g}, critical "
                f"{b.critical:g}); set them in that order, such as 30, 60 and 80"
            )
        return cfg

    def service_for_path(self, repository: str | None, path: str) -> str | None:
        """The key of the first service whose globs match ``path`` in ``repository`` (and
        whose ``!`` globs do not)."""
        for s in self.services:
            if s.repository not in (None, repository):
                continue
            if in_globs(s.paths, path):
                return s.key
        return None

    def team_of_service(self, service: str) -> str | None:
        """The key of the team that owns ``service``."""
        return next((t.key for t in self.teams if service in t.services), None)

    def scope_services(self, teams: tuple[str, ...], services: tuple[str, ...]) -> tuple[str, ...]:
        """The services a scope covers; an empty scope covers every service."""
        if not teams and not services:
            return tuple(s.key for s in self.services)
        chosen = {s for t in self.teams if t.key in teams for s in t.services} | set(services)
        return tuple(s.key for s in self.services if s.key in chosen)


def parse_org_config(text: str, source: str = "riskbrief.toml") -> OrgConfig:
    """Parse and check the text of a ``riskbrief.toml``."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML ({exc}); fix the syntax there") from None
    try:
        config = OrgConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(sentence(exc, source, OrgConfig)) from None
    config.scoring_config()
    return config


def load_org_config(path: Path) -> OrgConfig:
    """Read ``riskbrief.toml`` from ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path} does not exist; run `riskbrief init` to write an example there"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read ({exc}); check its permissions") from None
    org = parse_org_config(text, source=str(path))
    bugs = org.scoring.bug_issues
    if bugs is not None and not Path(bugs).is_absolute():
        scoring = org.scoring.model_copy(update={"bug_issues": str(path.parent / bugs)})
        org = org.model_copy(update={"scoring": scoring})
    return org


def write_weights(path: Path, weights: Mapping[str, float], on: date | None = None) -> None:
    """Set ``[scoring.weights]`` entries in ``path``, keeping its comments and everything else,
    and ``[scoring] calibrated_on`` to ``on`` when given (the day they were fitted).

    The new text is checked by the same parser before it replaces the file,
    and is written to a temporary file first, so a failure leaves the old file.
    """
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        document = tomlkit.parse(original)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix the syntax there") from None
    scoring = document.get("scoring")
    if scoring is None:
        scoring = tomlkit.table()
        document["scoring"] = scoring
    table = scoring.get("weights")
    if table is None:
        table = tomlkit.table()
        scoring["weights"] = table
    if on is not None:
        scoring["calibrated_on"] = on
    for name, value in weights.items():
        table[name] = round(float(value), 2)
    text = tomlkit.dumps(document)
    parse_org_config(text, source=str(path))
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise ConfigError(f"cannot write {path} ({exc}); check its permissions") from None
