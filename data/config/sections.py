"""The sections of ``riskbrief.toml``, each a strict model that says what a bad value must be."""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from data import channels
from data.config.messages import shown
from data.emails import EmailAddress
from data.path_globs import glob_to_regex
from scoring.authorship import AuthorKind, identity_kind

__all__ = [
    "DEFAULT_AGENT_LOGINS",
    "AgentsConfig",
    "DeliveryConfig",
    "OrganisationConfig",
    "RepositoryConfig",
    "ScoringOverrides",
    "ServiceConfig",
    "Strict",
    "SubscriberConfig",
    "TeamConfig",
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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrganisationConfig(Strict):
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
                f"such as [9, 18] (got {shown(value)})"
            )
        return value


class RepositoryConfig(Strict):
    """A repository to read changes from: on GitHub (``name`` = owner/repo) or a local clone."""

    name: str = Field(min_length=1)
    url: str | None = None
    path: str | None = None
    default_branch: str = "main"


class ServiceConfig(Strict):
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


class TeamConfig(Strict):
    """A team, the services it owns and (optionally) its members' logins."""

    key: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str | None = None
    services: tuple[str, ...] = ()
    members: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """The name to show, falling back to the key."""
        return self.name or self.key


def _refused(key: str, sentence: str) -> PydanticCustomError:
    """A channel key's refusal, which ``messages.sentence`` places at the key."""
    return PydanticCustomError("address", "{sentence}", {"key": key, "sentence": sentence})


class SubscriberConfig(Strict):
    """A manager who gets the briefing; an empty scope means the whole organisation.

    ``slack_user_id`` and ``email`` are fields (they are also who the subscriber is);
    every other channel's address is read by the key ``data.channels.ADDRESSES`` gives
    it (``teams_webhook_url`` for Microsoft Teams) into ``addresses``, so a new channel
    needs no field here. ``address_on`` answers for any channel.
    """

    key: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str | None = None
    slack_user_id: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,}$")
    email: EmailAddress | None = None
    # Other channels' addresses by channel, as their keys gave them (some are secrets).
    addresses: dict[str, str] = Field(default_factory=dict, repr=False)
    timezone: str = "UTC"
    teams: tuple[str, ...] = ()
    services: tuple[str, ...] = ()

    _zone = field_validator("timezone")(_check_zone)

    @model_validator(mode="before")
    @classmethod
    def _channel_keys(cls, data: Any) -> Any:
        # Each registered channel's key, taken out of the table before the fields are read.
        if not isinstance(data, dict):
            return data
        if "addresses" in data:
            raise _refused("addresses", "is not a setting; give each address by its own key")
        data = dict(data)
        found: dict[str, str] = {}
        for address in channels.ADDRESSES:
            if address.identity or address.key not in data:
                continue
            value = data.pop(address.key)
            if not isinstance(value, str):
                raise _refused(address.key, f"must be text in quotes (got {type(value).__name__})")
            refused = address.refuse(value)
            if refused is not None:
                # The sentence never repeats the value: an address may be a secret.
                raise _refused(address.key, refused)
            found[address.channel] = value
        data["addresses"] = found
        return data

    @classmethod
    def setting_names(cls) -> list[str]:
        """The keys a ``[[subscribers]]`` table may have: what a misspelt one could have meant."""
        fields = [name for name in cls.model_fields if name != "addresses"]
        return fields + [a.key for a in channels.ADDRESSES if not a.identity]

    def address_on(self, channel: str) -> str | None:
        """Where this subscriber is reached on ``channel``, or ``None``."""
        declared = channels.address_of(channel)
        if declared.identity:
            found: str | None = getattr(self, declared.key)
            return found
        return self.addresses.get(declared.channel)

    @model_validator(mode="after")
    def _reachable(self) -> SubscriberConfig:
        # Asks every registered channel: a new one reaches its subscribers by itself.
        if not any(self.address_on(a.channel) for a in channels.ADDRESSES):
            *keys, last = [a.key for a in channels.ADDRESSES]
            raise ValueError(f"needs an address to deliver to: a {', '.join(keys)} or {last}")
        return self


class AgentsConfig(Strict):
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


class DeliveryConfig(Strict):
    """When briefings go out, in each subscriber's own time zone."""

    day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = (
        "monday"
    )
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class ScoringOverrides(Strict):
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
    # The day `riskbrief calibrate --write` last saved weights fitted to this history:
    # `doctor` says when the fit is more than a quarter old.
    calibrated_on: date | None = None

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
