"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from scoring.errors import ConfigError


def test_defaults_are_a_local_sqlite_file_and_riskbrief_toml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With nothing set, the store is riskbrief.db beside the org file riskbrief.toml."""
    for var in ("RISKBRIEF_DATABASE_URL", "RISKBRIEF_CONFIG", "RISKBRIEF_LOG_LEVEL"):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{Path.cwd() / 'riskbrief.db'}"
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


@pytest.fixture
def _no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the LLM variables set."""
    for var in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "RISKBRIEF_MODEL",
        "RISKBRIEF_ASSISTANT_MODEL",
        "RISKBRIEF_LLM_TIMEOUT",
        "RISKBRIEF_LLM_MAX_RETRIES",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.usefixtures("_no_llm_env")
def test_llm_defaults_are_no_key_sonnet_30_seconds_2_retries() -> None:
    """With nothing set there is no key, and the model, timeout and retries have defaults."""
    settings = load_settings()
    assert settings.anthropic_api_key is None
    assert settings.anthropic_base_url is None
    assert settings.model == "claude-sonnet-5-5"
    assert settings.assistant_model == "claude-haiku-4-5"
    assert (settings.llm_timeout, settings.llm_max_retries) == (30.0, 2)


@pytest.mark.usefixtures("_no_llm_env")
def test_llm_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL keep their names; the rest are RISKBRIEF_*."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-123")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:8080")
    monkeypatch.setenv("RISKBRIEF_MODEL", "claude-haiku-4-5")
    monkeypatch.setenv("RISKBRIEF_ASSISTANT_MODEL", "claude-sonnet-5-5")
    monkeypatch.setenv("RISKBRIEF_LLM_TIMEOUT", "12.5")
    monkeypatch.setenv("RISKBRIEF_LLM_MAX_RETRIES", "0")
    settings = load_settings()
    assert settings.anthropic_api_key is not None
    assert settings.anthropic_api_key.get_secret_value() == "sk-ant-test-123"
    assert settings.anthropic_base_url == "http://127.0.0.1:8080"
    assert settings.model == "claude-haiku-4-5"
    assert settings.assistant_model == "claude-sonnet-5-5"
    assert (settings.llm_timeout, settings.llm_max_retries) == (12.5, 0)


@pytest.mark.usefixtures("_no_llm_env")
def test_a_model_id_with_spaces_names_the_assistant_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A model id is one word: a wrong one names RISKBRIEF_ASSISTANT_MODEL and its form."""
    monkeypatch.setenv("RISKBRIEF_ASSISTANT_MODEL", "claude haiku")
    with pytest.raises(ConfigError, match=r"RISKBRIEF_ASSISTANT_MODEL .* claude-haiku-4-5"):
        load_settings()


@pytest.mark.usefixtures("_no_llm_env")
def test_prefixed_key_is_not_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only ANTHROPIC_API_KEY is the key; RISKBRIEF_ANTHROPIC_API_KEY is ignored."""
    monkeypatch.setenv("RISKBRIEF_ANTHROPIC_API_KEY", "sk-ant-test-123")
    assert load_settings().anthropic_api_key is None


@pytest.mark.usefixtures("_no_llm_env")
def test_blank_key_means_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty ANTHROPIC_API_KEY switches the LLM off rather than sending an empty key."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "  ")
    assert load_settings().anthropic_api_key is None


@pytest.mark.usefixtures("_no_llm_env")
def test_api_key_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key appears in no repr, str or JSON dump of the settings."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-123")
    settings = load_settings()
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert "sk-ant-test-123" not in text


@pytest.mark.usefixtures("_no_llm_env")
@pytest.mark.parametrize(
    ("var", "value", "needle"),
    [
        ("ANTHROPIC_BASE_URL", "not a url", r"^the environment variable ANTHROPIC_BASE_URL "),
        ("RISKBRIEF_LLM_TIMEOUT", "-5", r"RISKBRIEF_LLM_TIMEOUT .* seconds greater than 0"),
        ("RISKBRIEF_LLM_TIMEOUT", "soon", r"RISKBRIEF_LLM_TIMEOUT"),
        ("RISKBRIEF_LLM_MAX_RETRIES", "-1", r"RISKBRIEF_LLM_MAX_RETRIES .* from 0 to 10"),
        ("RISKBRIEF_MODEL", "claude sonnet", r"RISKBRIEF_MODEL .* claude-sonnet-5-5"),
    ],
)
def test_bad_llm_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, needle: str
) -> None:
    """A wrong LLM setting ends in one sentence naming the variable, never echoing the value."""
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=needle) as caught:
        load_settings()
    assert value not in str(caught.value)


def test_settings_accept_field_names_in_code() -> None:
    """Code and tests can build settings with the key by field name."""
    settings = Settings(anthropic_api_key="k", model="claude-sonnet-5-5")
    assert settings.anthropic_api_key is not None
    assert settings.anthropic_api_key.get_secret_value() == "k"


def test_scheduler_timings_are_read_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tick, lease and leader timeout come from the environment; out of bounds is refused."""
    monkeypatch.setenv("RISKBRIEF_TICK_SECONDS", "15")
    monkeypatch.setenv("RISKBRIEF_CLAIM_LEASE_MINUTES", "5")
    monkeypatch.setenv("RISKBRIEF_LEADER_TIMEOUT_SECONDS", "30")
    settings = load_settings()
    assert (settings.tick_seconds, settings.claim_lease_minutes) == (15, 5)
    assert settings.leader_timeout_seconds == 30
    monkeypatch.setenv("RISKBRIEF_LEADER_TIMEOUT_SECONDS", "5")
    with pytest.raises(ConfigError, match=r"RISKBRIEF_LEADER_TIMEOUT_SECONDS .* from 10 to 600"):
        load_settings()


def test_a_relative_sqlite_store_is_read_beside_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default store and a relative SQLite file sit in riskbrief.toml's folder; an absolute
    file, an in-memory store and PostgreSQL are kept as given."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(tmp_path / "setup" / "riskbrief.toml"))
    monkeypatch.delenv("RISKBRIEF_DATABASE_URL", raising=False)
    assert load_settings().database_url == f"sqlite:///{tmp_path / 'setup' / 'riskbrief.db'}"
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", "sqlite:///data/rb.db?timeout=5")
    assert load_settings().database_url == f"sqlite:///{tmp_path / 'setup/data/rb.db'}?timeout=5"
    for kept in (
        f"sqlite:///{tmp_path / 'abs.db'}",
        "sqlite://",
        "sqlite:///:memory:",
        "postgresql://rb@db.internal:5432/rb",
    ):
        monkeypatch.setenv("RISKBRIEF_DATABASE_URL", kept)
        assert load_settings().database_url == kept
    monkeypatch.delenv("RISKBRIEF_CONFIG")
    monkeypatch.delenv("RISKBRIEF_DATABASE_URL")
    assert load_settings().database_url == f"sqlite:///{elsewhere / 'riskbrief.db'}"


def test_web_keys_are_a_comma_list_in_order_and_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RISKBRIEF_WEB_KEYS is read as its comma-separated keys, newest first, blanks dropped,
    and no repr of the settings shows one."""
    new, old = "n3w-key-0123456789abcdef", "0ld-key-0123456789abcdef"
    monkeypatch.setenv("RISKBRIEF_WEB_KEYS", f" {new} ,{old},, ")
    settings = load_settings()
    assert [k.get_secret_value() for k in settings.web_keys] == [new, old]
    assert new not in repr(settings)
    assert old not in repr(settings)


@pytest.mark.parametrize(
    ("value", "admins"),
    [
        ("dana@acme.example, Ops@Acme.example", ("dana@acme.example", "Ops@Acme.example")),
        ('["dana@acme.example"]', ('["dana@acme.example"]',)),
        ("  ", ()),
    ],
)
def test_web_admins_are_a_comma_list_not_json(
    monkeypatch: pytest.MonkeyPatch, value: str, admins: tuple[str, ...]
) -> None:
    """RISKBRIEF_WEB_ADMINS is split at its commas (never decoded as JSON, as pydantic-settings
    would a list), and a blank variable is none."""
    monkeypatch.setenv("RISKBRIEF_WEB_ADMINS", value)
    assert load_settings().web_admins == admins
