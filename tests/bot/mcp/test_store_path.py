"""`riskbrief mcp` as the README's snippet starts it: RISKBRIEF_CONFIG set, from another folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.bot.mcp.client import over_stdio

LEDGER = "acme/platform#4503"


def _setup(demo_dir: Path, folder: Path) -> Path:
    """A set-up folder with riskbrief.toml and its store riskbrief.db, as quickstart leaves it."""
    folder.mkdir()
    shutil.copy(demo_dir / "riskbrief.toml", folder / "riskbrief.toml")
    shutil.copy(demo_dir / "demo.db", folder / "riskbrief.db")
    return folder / "riskbrief.toml"


def test_the_store_beside_the_config_is_found_from_any_folder(
    demo_dir: Path, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    """With only RISKBRIEF_CONFIG set, `riskbrief mcp` run elsewhere reads the store beside it."""
    config = _setup(demo_dir, tmp_path / "setup")
    agent = tmp_path / "agent"
    agent.mkdir()
    env = {**clean_env, "RISKBRIEF_CONFIG": str(config)}
    session = over_stdio(["mcp"], [("change_risk", {"change": LEDGER})], env, cwd=str(agent))
    assert session.answers[0].data["key"] == LEDGER
    assert list(agent.iterdir()) == []


def test_a_relative_store_is_read_from_the_config_folder(
    demo_dir: Path, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    """RISKBRIEF_DATABASE_URL=sqlite:///riskbrief.db names the file beside riskbrief.toml."""
    config = _setup(demo_dir, tmp_path / "setup")
    agent = tmp_path / "agent"
    agent.mkdir()
    env = {
        **clean_env,
        "RISKBRIEF_CONFIG": str(config),
        "RISKBRIEF_DATABASE_URL": "sqlite:///riskbrief.db",
    }
    session = over_stdio(["mcp"], [("change_risk", {"change": LEDGER})], env, cwd=str(agent))
    assert session.answers[0].data["key"] == LEDGER
    assert list(agent.iterdir()) == []


def test_no_store_is_one_sentence_naming_where_and_makes_none(
    tmp_path: Path, clean_env: dict[str, str]
) -> None:
    """A config with no store beside it: one sentence naming the path looked at and how to
    point at the store, exit 1, and no empty store made anywhere."""
    folder = tmp_path / "setup"
    folder.mkdir()
    (folder / "riskbrief.toml").write_text('[organisation]\nname = "Tiny"\n')
    agent = tmp_path / "agent"
    agent.mkdir()
    script = str(Path(sys.executable).with_name("riskbrief"))
    done = subprocess.run(
        [script, "mcp"],
        env={**clean_env, "RISKBRIEF_CONFIG": str(folder / "riskbrief.toml")},
        cwd=agent,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"there is no riskbrief store at {folder / 'riskbrief.db'}" in lines[0]
    assert "set RISKBRIEF_DATABASE_URL to it" in lines[0]
    assert not (folder / "riskbrief.db").exists()
    assert list(agent.iterdir()) == []
