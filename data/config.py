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
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomlkit
import tomlkit.exceptions
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from data.paths import glob_to_regex, matches
from data.source_config import SourcesConfig
from scoring.authorship import AuthorKind, identity_kind
from scoring.config import BandThresholds, CardRules, ScoringConfig, Weights
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

# Logins the common AI coding agents commit and open PRs as.
DEFAULT_AGENT_LOGINS: tuple[str, ...] = (
    "copilot-swe-agent[bot]",
    "Copilot",
    "devin-ai-integration[bot]",
    "cursor[bot]",
    "cursoragent",
    "claude[bot]",
    "codex[bot]",
    "chatgpt-codex-connector[bot]",
    "openhands-agent",
    "sweep-ai[bot]",
    "google-labs-jules[bot]",
    "amazon-q-developer[bot]",
)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"must be an IANA time zone such as Europe/Berlin or America/New_York (got {value!r})"
        ) from None
    return value


# Settings renamed since they were first written, by (section, old name): old files still read.
_RENAMED = {("weights", "deploy_batch"): "batch_size"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganisationConfig(_Strict):
    """Organisation-wide settings."""

    name: str = "My organisation"
    timezone: str = "UTC"
    name_people: bool = False
    working_hours: tuple[int, int] = (9, 18)

    _zone = field_validator("timezone")(_check_zone)

    @field_validator("working_hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        ok = (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(isinstance(h, int) and not isinstance(h, bool) for h in value)
            and 0 <= value[0] < value[1] <= 24
        )
        if not ok:
            raise ValueError(
                "must be two hours [start, end] with 0 <= start < end <= 24, "
                f"such as [9, 18] (got {_shown(value)})"
            )
        return value


class RepositoryConfig(_Strict):
    """A repository to read changes from: on GitHub (``name`` = owner/repo) or a local clone."""

    name: str = Field(min_length=1)
    url: str | None = None
    path: str | None = None
    default_branch: str = "main"


class ServiceConfig(_Strict):
    """A service and the path globs that find its files in its repository."""

    key: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str | None = None
    repository: str | None = None
    paths: tuple[str, ...] = ("**",)

    @field_validator("paths")
    @classmethod
    def _globs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for glob in value:
            try:
                glob_to_regex(glob)
            except (ValueError, Exception) as exc:
                raise ValueError(f"has a bad path glob: {exc}") from None
        return value

    @property
    def display_name(self) -> str:
        """The name to show, falling back to the key."""
        return self.name or self.key


class TeamConfig(_Strict):
    """A team, the services it owns and (optionally) its members' logins."""

    key: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str | None = None
    services: tuple[str, ...] = ()
    members: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """The name to show, falling back to the key."""
        return self.name or self.key


class SubscriberConfig(_Strict):
    """A manager who gets the briefing; an empty scope means the whole organisation."""

    key: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str | None = None
    slack_user_id: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,}$")
    email: str | None = Field(default=None, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
    timezone: str = "UTC"
    teams: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    _zone = field_validator("timezone")(_check_zone)

    @model_validator(mode="after")
    def _reachable(self) -> SubscriberConfig:
        if not self.slack_user_id and not self.email:
            raise ValueError("needs a slack_user_id or an email to deliver to")
        return self


class AgentsConfig(_Strict):
    """Which identities are AI coding agents or bots, beyond ``scoring.authorship``'s table.

    ``logins`` and ``bots`` take logins, names or e-mail addresses, any case.
    """

    logins: tuple[str, ...] = DEFAULT_AGENT_LOGINS
    bots: tuple[str, ...] = ()
    bots_are_agents: bool = False

    @model_validator(mode="after")
    def _one_kind_each(self) -> AgentsConfig:
        both = {a.strip().lower() for a in self.logins} & {b.strip().lower() for b in self.bots}
        if both:
            raise ValueError(
                f"lists {min(both)!r} both as an agent (logins) and as a bot (bots); "
                "keep it in one of them"
            )
        return self

    def kind_of(
        self, name: str = "", email: str = "", login: str = "", *, bot_account: bool = False
    ) -> AuthorKind:
        """Whether an identity is a person, an agent or a bot.

        ``bot_account``: the code host marks ``login`` as an app (GitHub's ``Bot``).
        """
        kind, _ = identity_kind(name, email, login, self.logins, self.bots, bot_account=bot_account)
        if kind is AuthorKind.BOT and self.bots_are_agents:
            return AuthorKind.AGENT
        return kind

    def is_agent(self, login: str) -> bool:
        """True when ``login`` is an AI coding agent."""
        return self.kind_of(login=login) is AuthorKind.AGENT


class DeliveryConfig(_Strict):
    """When briefings go out, in each subscriber's own time zone."""

    day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = (
        "monday"
    )
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class ScoringOverrides(_Strict):
    """Overrides of the scorer's defaults; names must match ``scoring.config``."""

    timezone: str | None = None
    # Local dates with thin cover: merging on one, or the day before, counts as risky timing.
    holidays: tuple[date, ...] = ()
    weights: dict[str, float] = Field(default_factory=dict)
    bands: dict[str, float] = Field(default_factory=dict)
    rules: dict[str, float] = Field(default_factory=dict)
    # An incident resolved less than this many hours before a deploy still counts as active.
    active_incident_grace_hours: float | None = None
    # Days of incidents and deploys a change's service history covers; an incident left
    # open longer than this before a deploy is taken as forgotten, not active.
    incident_lookback_days: int | None = None
    # A file of the tracker's bug issue keys (one per line, or a Jira CSV export), relative to
    # riskbrief.toml: a commit naming an issue is a bug fix only when the tracker says so.
    bug_issues: str | None = Field(default=None, min_length=1)

    _zone = field_validator("timezone")(lambda v: v if v is None else _check_zone(v))

    @field_validator("active_incident_grace_hours")
    @classmethod
    def _grace(cls, value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError(f"must be a number of hours above 0, such as 4 (got {value})")
        return value

    @field_validator("incident_lookback_days")
    @classmethod
    def _lookback(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f"must be a whole number of days, 1 or more, such as 30 (got {value})")
        return value


class OrgConfig(_Strict):
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
        """The key of the first service whose globs match ``path`` in ``repository``."""
        for s in self.services:
            if s.repository not in (None, repository):
                continue
            if any(matches(g, path) for g in s.paths):
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


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _shown(value: Any) -> str:
    """``value`` as the file would show it, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


# pydantic's error types, as what to put there; `{got}` is the value given.
_TYPE_WORDING = {
    "string_type": "must be text in quotes (got {got})",
    "tuple_type": 'must be a list such as ["a", "b"] (got {got})',
    "list_type": 'must be a list such as ["a", "b"] (got {got})',
    "dict_type": "must be a table of names to values (got {got})",
    "model_type": "must be a table (got {got})",
    "model_attributes_type": "must be a table (got {got})",
    "bool_type": "must be true or false (got {got})",
    "bool_parsing": "must be true or false (got {got})",
    "int_type": "must be a whole number (got {got})",
    "int_parsing": "must be a whole number (got {got})",
    "int_from_float": "must be a whole number (got {got})",
    "float_type": "must be a number (got {got})",
    "float_parsing": "must be a number (got {got})",
    "date_type": "must be a date such as 2026-12-25 (got {got})",
    "date_parsing": "must be a date such as 2026-12-25 (got {got})",
    "date_from_datetime_parsing": "must be a date such as 2026-12-25 (got {got})",
    "date_from_datetime_inexact": "must be a date such as 2026-12-25 (got {got})",
    "greater_than_equal": "must be at least {ge} (got {got})",
    "less_than_equal": "must be at most {le} (got {got})",
    "literal_error": "must be one of {expected} (got {got})",
    "string_too_short": "must not be empty",
}


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model ``annotation`` holds (itself, in a tuple or optional), if any."""
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        inner = [a for a in get_args(arg) if isinstance(a, type) and issubclass(a, BaseModel)]
        if inner:
            return inner[0]
    return None


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The setting names at ``loc`` inside ``model``: what a misspelled key could have meant."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if current else None
        current = _model_in(field.annotation) if field else None
    return list(current.model_fields) if current else []


def _sentence(err: ValidationError, source: str) -> str:
    first = err.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    msg = first["msg"].removeprefix("Value error, ")
    kind = first["type"]
    key = _where(loc)
    if kind in _TYPE_WORDING and key:
        context = {str(k): v for k, v in (first.get("ctx") or {}).items()}
        wording = _TYPE_WORDING[kind].format(got=_shown(first.get("input")), **context)
        return f"{source}: {key} {wording}"
    if kind == "extra_forbidden":
        close = get_close_matches(str(loc[-1]), _fields_at(OrgConfig, loc[:-1]), n=1)
        if close:
            return f"{source}: {key} is not a known setting; did you mean {close[0]}?"
        return f"{source}: {key} is not a known setting; remove it or check its spelling"
    if kind == "missing":
        return f"{source}: {key} is missing; add it"
    if kind == "string_pattern_mismatch":
        hints = {
            "slack_user_id": "a Slack member id such as U012ABCDEF",
            "email": "an address such as maria@example.com",
            "key": "lowercase letters, digits, '.', '_' or '-'",
            "time": "a 24-hour time such as 09:00",
            "kind": "incidents, deploys or error_budgets",
        }
        hint = hints.get(str(loc[-1]) if loc else "", "a value of the documented form")
        return f"{source}: {key} must be {hint} (got {first.get('input')!r})"
    # Any other of pydantic's messages, worded as what the value must be.
    msg = msg.replace("Input should be", "must be", 1)
    if key:
        return f"{source}: {key} {msg}"
    return f"{source}: {msg}"


def parse_org_config(text: str, source: str = "riskbrief.toml") -> OrgConfig:
    """Parse and check the text of a ``riskbrief.toml``."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML ({exc}); fix the syntax there") from None
    try:
        config = OrgConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_sentence(exc, source)) from None
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


def write_weights(path: Path, weights: Mapping[str, float]) -> None:
    """Set ``[scoring.weights]`` entries in ``path``, keeping its comments and everything else.

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
