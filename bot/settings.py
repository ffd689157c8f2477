"""Settings from environment variables: where the store is and where the organisation file is.

Secrets and URLs live in the environment; the organisation lives in
``riskbrief.toml``. A wrong value ends in one sentence naming the variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.engine import DEFAULT_DATABASE_URL
from scoring.errors import ConfigError

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """riskbrief's environment, read from ``RISKBRIEF_*`` variables."""

    model_config = SettingsConfigDict(env_prefix="RISKBRIEF_", frozen=True, extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the store: sqlite:///riskbrief.db or postgresql://…",
    )
    config: Path = Field(
        default=Path("riskbrief.toml"), description="Path of the organisation file."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="warning", description="How much riskbrief logs to stderr."
    )


_HINTS = {
    "database_url": "a URL such as sqlite:///riskbrief.db or postgresql://user@host/db",
    "config": "the path of your riskbrief.toml",
    "log_level": "one of debug, info, warning, error",
}


def load_settings() -> Settings:
    """Read the settings from the environment, or raise ``ConfigError`` naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else ""
        hint = _HINTS.get(field, "a valid value")
        raise ConfigError(
            f"the environment variable RISKBRIEF_{field.upper()} is not valid; set it to {hint}"
        ) from None
