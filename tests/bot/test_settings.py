"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import load_settings
from scoring.errors import ConfigError


def test_defaults_are_a_local_sqlite_file_and_riskbrief_toml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With nothing set, the store is riskbrief.db and the org file riskbrief.toml."""
    for var in ("RISKBRIEF_DATABASE_URL", "RISKBRIEF_CONFIG", "RISKBRIEF_LOG_LEVEL"):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:///riskbrief.db"
    assert settings.config == Path("riskbrief.toml")


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    """RISKBRIEF_* variables set the store URL and the config path."""
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("RISKBRIEF_CONFIG", "/etc/riskbrief.toml")
    settings = load_settings()
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.config == Path("/etc/riskbrief.toml")


def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong value ends in one sentence naming the variable and the accepted values."""
    monkeypatch.setenv("RISKBRIEF_LOG_LEVEL", "loud")
    with pytest.raises(ConfigError, match=r"RISKBRIEF_LOG_LEVEL .* one of debug, info"):
        load_settings()
