"""Settings from environment variables: the store, the organisation file, the LLM and Slack.

Secrets and URLs live in the environment; the organisation lives in
``riskbrief.toml``. A wrong value ends in one sentence naming the variable.
The Anthropic key and URL keep the names the anthropic SDK and its users know
(``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``), and so do Slack's (``SLACK_BOT_TOKEN``,
``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN``, ``SLACK_API_URL``); keys, tokens and
secrets are ``SecretStr`` so that no repr, log line or error message ever shows them.
A source (``data.sources.registry``: GitHub, GitLab, PagerDuty, …) declares and reads
its own variables, which ``load_settings`` checks too, and so does a code host's check
(``bot.checks.registry``: its webhook's secrets), so they are not here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.assistant.turns import ASSISTANT_MODEL
from briefing.prompt import DEFAULT_MODEL
from data.config.store import store_beside
from data.sources.registry import check_variables
from data.store.engine import DEFAULT_DATABASE_URL
from scoring.errors import ConfigError

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """riskbrief's environment, read from ``RISKBRIEF_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="RISKBRIEF_", frozen=True, extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the store: sqlite:///riskbrief.db (a relative file is "
        "read from the folder of riskbrief.toml) or postgresql://…",
    )
    config: Path = Field(
        default=Path("riskbrief.toml"), description="Path of the organisation file."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="warning", description="How much riskbrief logs to stderr."
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_API_KEY", "anthropic_api_key"),
        description="Anthropic API key; without it the narrative is written deterministically.",
    )
    anthropic_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_BASE_URL", "anthropic_base_url"),
        pattern=r"^https?://\S+$",
        description="Another Messages API endpoint, such as a proxy; default Anthropic's.",
    )
    model: str = Field(
        default=DEFAULT_MODEL,
        min_length=1,
        pattern=r"^\S+$",
        description="The Claude model that writes the narrative.",
    )
    assistant_model: str = Field(
        default=ASSISTANT_MODEL,
        min_length=1,
        pattern=r"^\S+$",
        description="The Claude model that answers plain words in Slack's assistant pane.",
    )
    llm_timeout: float = Field(
        default=30.0, gt=0, le=600, description="Seconds to wait for one LLM answer."
    )
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries after a timeout, 429 or 5xx."
    )

    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"),
        description="The Slack app's bot token (xoxb-…), for sending and for `riskbrief serve`.",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url"),
        pattern=r"^https?://\S+$",
        description="The Slack Web API base URL; another one only for a local fake.",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret"),
        description="The Slack app's signing secret; `riskbrief serve` needs it in HTTP mode.",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"),
        description="An app-level token (xapp-…); when set, `riskbrief serve` uses Socket Mode.",
    )
    serve_host: str = Field(
        default="127.0.0.1",
        min_length=1,
        pattern=r"^\S+$",
        description="The address `riskbrief serve` listens on in HTTP mode.",
    )
    serve_port: int = Field(
        default=3000, ge=1, le=65535, description="The port `riskbrief serve` listens on."
    )
    slack_channel: str | None = Field(
        default=None,
        pattern=r"^[CG][A-Z0-9]{2,}$",
        description="A channel id to post every Slack briefing in instead of each one's DM.",
    )
    smtp_host: str | None = Field(
        default=None, pattern=r"^\S+$", description="The SMTP server that sends briefing emails."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="The SMTP server's port.")
    smtp_username: str | None = Field(default=None, description="The SMTP login, if it needs one.")
    smtp_password: SecretStr | None = Field(default=None, description="The SMTP password.")
    smtp_from: str | None = Field(
        default=None,
        pattern=r"^[^@\s]+@[^@\s]+$|<[^@\s<>]+@[^@\s<>]+>$",
        description="The From address of briefing emails, e.g. riskbrief@example.com.",
    )
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the SMTP connection with STARTTLS before logging in."
    )
    sync_interval_minutes: int = Field(
        default=30, ge=1, le=1440, description="How often `riskbrief serve` syncs and scores."
    )
    tick_seconds: int = Field(
        default=60,
        ge=5,
        le=600,
        description="How often the scheduler looks for briefings that are due.",
    )
    claim_lease_minutes: int = Field(
        default=15,
        ge=2,
        le=240,
        description="How long a send may run before its claim counts as crashed and is retried.",
    )
    leader_timeout_seconds: int = Field(
        default=60,
        ge=10,
        le=600,
        description="How long the scheduler's leader may miss its heartbeat before another "
        "replica ends its database sessions and takes over.",
    )
    deploy_secret: SecretStr | None = Field(
        default=None,
        description="Shared secret CI pipelines send to `serve`'s POST /deploys endpoint.",
    )
    mcp_tokens: SecretStr | None = Field(
        default=None,
        description="Bearer tokens for `serve`'s /mcp, as `scope:token` entries: `*` or a "
        "subscriber's key.",
    )
    mcp_tokens_file: Path | None = Field(
        default=None, description="A file of `scope:token` lines for `serve`'s /mcp."
    )
    web_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s?#]+$",
        description="The web view's public address, e.g. https://riskbrief.example.com/web; "
        "briefing links open it when set, the code host otherwise.",
    )
    # NoDecode: pydantic-settings would read a list's variable as JSON; these two are
    # comma-separated, and ``_comma_list`` splits them.
    web_keys: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        default=(),
        description="Secrets signing the web view's links and sign-ins, comma-separated, "
        "newest first: the first signs, every one is still accepted (rotate by prepending).",
    )
    web_link_days: int = Field(
        default=30, ge=1, le=365, description="How many days a briefing's link opens the web view."
    )
    web_admins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Emails, comma-separated, that see the whole organisation once signed in.",
    )
    oidc_issuer: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Your OpenID Connect provider's issuer URL, for signing in to the web view.",
    )
    oidc_client_id: str | None = Field(
        default=None, description="The web view's client id at the OpenID Connect provider."
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        description="Its client secret; leave it unset for a public client (PKCE alone).",
    )

    @field_validator(
        "anthropic_api_key",
        "anthropic_base_url",
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_channel",
        "smtp_host",
        "smtp_username",
        "smtp_password",
        "smtp_from",
        "deploy_secret",
        "mcp_tokens",
        "mcp_tokens_file",
        "web_url",
        "oidc_issuer",
        "oidc_client_id",
        "oidc_client_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `export ANTHROPIC_API_KEY=` is how people switch the LLM off.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("web_keys", "web_admins", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        # `a, b,` is two entries; a blank variable is none, as for every other setting.
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        # CI systems set a variable from a missing secret to "" (GitHub Actions on a fork's
        # pull request): that means no store was given, not a store named "".
        return DEFAULT_DATABASE_URL if isinstance(value, str) and not value.strip() else value

    @field_validator("config", mode="before")
    @classmethod
    def _blank_is_default_file(cls, value: object) -> object:
        # The same for the organisation file: "" is none named, not the current folder.
        return Path("riskbrief.toml") if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_api_url", mode="after")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack_sdk joins method names onto the base URL as plain strings.
        return value if value.endswith("/") else value + "/"


_HINTS = {
    "database_url": "a URL such as sqlite:///riskbrief.db or postgresql://user@host/db",
    "config": "the path of your riskbrief.toml",
    "log_level": "one of debug, info, warning, error",
    "anthropic_api_key": "your Anthropic API key, or leave it unset",
    "anthropic_base_url": "a URL such as https://api.anthropic.com, or leave it unset",
    "model": "a Claude model id such as claude-sonnet-5-5",
    "assistant_model": "a Claude model id such as claude-haiku-4-5",
    "llm_timeout": "a number of seconds greater than 0 and at most 600, such as 30",
    "llm_max_retries": "a whole number from 0 to 10, such as 2",
    "slack_bot_token": "your Slack app's bot token (xoxb-…), or leave it unset",
    "slack_api_url": "a URL such as https://slack.com/api/",
    "slack_signing_secret": "your Slack app's signing secret, or leave it unset",
    "slack_app_token": "an app-level token starting with xapp-, or leave it unset",
    "serve_host": "an address to listen on, such as 127.0.0.1 or 0.0.0.0",
    "serve_port": "a port number from 1 to 65535, such as 3000",
    "slack_channel": "a Slack channel id such as C012ABCDEF, or leave it unset for DMs",
    "smtp_host": "the host name of your SMTP server, or leave it unset",
    "smtp_port": "a port number from 1 to 65535, such as 587",
    "smtp_username": "your SMTP login, or leave it unset",
    "smtp_password": "your SMTP password, or leave it unset",
    "smtp_from": "an address such as riskbrief@example.com",
    "smtp_starttls": "true or false",
    "sync_interval_minutes": "a whole number of minutes from 1 to 1440, such as 30",
    "tick_seconds": "a whole number of seconds from 5 to 600, such as 60",
    "claim_lease_minutes": "a whole number of minutes from 2 to 240, such as 15",
    "leader_timeout_seconds": "a whole number of seconds from 10 to 600, such as 60",
    "deploy_secret": "a long random string shared with your CI, or leave it unset",
    "mcp_tokens": "`scope:token` entries (`*:<token>`, `<subscriber>:<token>`), or leave it unset",
    "mcp_tokens_file": "the path of a file of `scope:token` lines, or leave it unset",
    "web_url": "the web view's address, such as https://riskbrief.example.com/web",
    "web_keys": "long random secrets, comma-separated, newest first (openssl rand -hex 32)",
    "web_link_days": "a whole number of days from 1 to 365, such as 30",
    "web_admins": "emails separated by commas, or leave it unset",
    "oidc_issuer": "your provider's issuer URL, such as https://login.example.com",
    "oidc_client_id": "the client id your OpenID Connect provider gave the web view",
    "oidc_client_secret": "its client secret, or leave it unset for a public client",
}

# Fields read from a variable of their own rather than RISKBRIEF_<FIELD>.
_VARIABLES = {
    "anthropic_api_key": "ANTHROPIC_API_KEY",
    "anthropic_base_url": "ANTHROPIC_BASE_URL",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
}


def _field(loc: str) -> str:
    """The field behind an error location, which is the alias for aliased fields."""
    return next((f for f, var in _VARIABLES.items() if var == loc), loc)


def load_settings() -> Settings:
    """Read the settings from the environment, or raise ``ConfigError`` naming the variable.

    A relative SQLite store (the default ``sqlite:///riskbrief.db`` among them) is read from
    the folder of the organisation file, so a command run from elsewhere finds it.
    """
    try:
        settings = Settings()
    except ValidationError as exc:
        loc = exc.errors()[0]["loc"]
        field = _field(str(loc[0])) if loc else ""
        hint = _HINTS.get(field, "a valid value")
        variable = _VARIABLES.get(field, f"RISKBRIEF_{field.upper()}")
        # Only the variable's name: the rejected value could be a secret.
        raise ConfigError(
            f"the environment variable {variable} is not valid; set it to {hint}"
        ) from None
    # Each source's variables (GITHUB_API_URL, …): a bad one stops every command too.
    check_variables(os.environ)
    # A relative SQLite store is the one beside riskbrief.toml, wherever the command runs.
    store = store_beside(settings.database_url, settings.config)
    if store == settings.database_url:
        return settings
    return settings.model_copy(update={"database_url": store})
