"""The registry of code hosts' checks: each entry loads its host, whose path and words agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.checks.registry import CHECKS, CodeHostCheck
from bot.cli import main
from bot.logs import secret_values
from bot.settings import Settings
from data.sources.sample import sample_org_config


@pytest.mark.parametrize("entry", CHECKS, ids=lambda e: e.key)
def test_each_entry_loads_its_own_host_which_names_its_path(entry: CodeHostCheck) -> None:
    """An entry's loader gives ``bot.<key>``, which declares the path its webhook answers at."""
    host = entry.load()
    assert getattr(host, "__name__", None) == f"bot.{entry.key}"
    assert host.WEBHOOK_PATH.startswith("/")


def test_paths_and_keys_are_each_one_host_s() -> None:
    """No two entries share a key or a path: a path answers one host's deliveries."""
    paths = {e.load().WEBHOOK_PATH for e in CHECKS}
    assert len({e.key for e in CHECKS}) == len(paths) == len(CHECKS)


@pytest.mark.parametrize("entry", CHECKS, ids=lambda e: e.key)
def test_an_entry_s_secrets_are_the_variables_its_off_sentence_names(
    entry: CodeHostCheck,
) -> None:
    """With nothing set, each of the host's checks is off and names one of its secrets."""
    states = entry.load().check_states(Settings(), sample_org_config(), {})
    assert states
    for state in states:
        assert state.off is not None
        assert not state.secret
        assert any(variable in state.off for variable in entry.secrets)


def test_a_secret_set_is_seen_by_its_state() -> None:
    """GitLab's secret set: its state says so, and `serve` logs its being off as a warning."""
    (entry,) = (e for e in CHECKS if e.key == "gitlab")
    (state,) = entry.load().check_states(
        Settings(), sample_org_config(), {"GITLAB_WEBHOOK_SECRET": "s" * 24}
    )
    assert state.secret
    assert state.off is not None


def test_reading_the_registry_loads_no_host() -> None:
    """Importing the registry (and reading its entries' secrets) imports no host's package."""
    probe = (
        "import sys, bot.checks.registry as r; r.secret_names(); "
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in "
        "(['bot', 'github'], ['bot', 'gitlab'], ['bot', 'bitbucket'])))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_entry_s_secrets_are_redacted_from_the_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each variable an entry reads a secret from is among the values the log redacts."""
    variables = [v for entry in CHECKS for v in (*entry.secrets, *entry.also_secret)]
    for i, variable in enumerate(variables):
        monkeypatch.setenv(variable, f"whsec_c2VjcmV0{i}")
    redacted = secret_values(Settings())
    for i, _ in enumerate(variables):
        assert f"whsec_c2VjcmV0{i}" in redacted


def test_a_malformed_check_secret_stops_every_command_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check's secret not of its form is refused by any command as a setting is: the one
    sentence naming the variable, never its value, and exit 1; of the form, it passes."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{tmp_path}/r.db")
    monkeypatch.setenv("GITLAB_WEBHOOK_SIGNING_TOKEN", "not-a-signing-token")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "GITLAB_WEBHOOK_SIGNING_TOKEN is not valid" in result.output
    assert "not-a-signing-token" not in result.output
    assert not (tmp_path / "r.db").exists()
    monkeypatch.setenv("GITLAB_WEBHOOK_SIGNING_TOKEN", "whsec_c2VjcmV0")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0


def test_every_form_names_a_secret_its_entry_reads() -> None:
    """A form is checked on a variable its entry reads (a secret or another secret)."""
    for entry in CHECKS:
        for form in entry.forms:
            assert form.variable in (*entry.secrets, *entry.also_secret)
