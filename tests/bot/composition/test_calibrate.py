"""`riskbrief calibrate`: weights refitted on the store's own outcomes, measured out of sample."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.composition.calibrate import MIN_BAD_CHANGES, calibrate, label_sentence
from data.config import parse_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.tables import Change, merged_time
from scoring.errors import ConfigError
from tests.data.rows import T0, base, change
from tests.samples import copy_store
from tests.stores import checkpoint, migrated_copy

ORG = """\
# Acme's riskbrief file: this comment must survive calibration.
[organisation]
name = "Acme"

[[repositories]]
name = "acme/shop"

[[services]]
key = "payments"
repository = "acme/shop"
paths = ["p/**"]
"""


def _history(engine: Engine, n: int = 200) -> None:
    """Changes where reviewed Friday-evening merges get reverted and unreviewed weekday ones do not.

    The default weights rank a missing review far above timing, so they rank
    this history badly; a fit should move the points from review to timing.
    """
    with session_scope(engine) as s:
        repo, service, alice, _ = base(s)
        bob = type(alice)(login="bob")
        s.add(bob)
        s.flush()
        bad: list[Change] = []
        for i in range(n):
            week = T0 + timedelta(days=7 * (i // 4))
            friday_evening = i % 4 == 0
            merged = week + (
                timedelta(days=4, hours=10) if friday_evening else timedelta(hours=i % 4)
            )
            # Reviewed Friday merges are the bad ones; half the weekday ones have no review.
            approver = bob if friday_evening or i % 2 == 1 else None
            row = change(s, repo, service, alice, i + 1, merged, approver=approver)
            if friday_evening:
                bad.append(row)
        for j, original in enumerate(bad):
            s.add(
                Change(
                    key=f"acme/shop#{1000 + j}",
                    repository_id=original.repository_id,
                    title=f"Revert {original.key}",
                    author_id=original.author_id,
                    merged_at=merged_time(original.merged_at, original.key) + timedelta(days=1),
                    is_revert=True,
                    reverts_key=original.key,
                )
            )


@pytest.fixture(scope="module")
def history_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The history above in a SQLite file, written once per module for each test to copy."""
    path = migrated_copy(tmp_path_factory.mktemp("calibrate") / "riskbrief.db")
    engine = make_engine(f"sqlite:///{path}")
    _history(engine)
    checkpoint(engine)
    engine.dispose()
    return path


@pytest.fixture
def store(history_store: Path, tmp_path: Path) -> Engine:
    """A migrated SQLite store holding the history above: this test's own copy."""
    return copy_store(history_store, tmp_path / "riskbrief.db")


def test_calibration_moves_points_to_what_predicts_outcomes(store: Engine) -> None:
    """Fitting on the earlier 80% raises the AUC on the latest 20% and lowers the review weight."""
    with session_scope(store) as s:
        result = calibrate(s, parse_org_config(ORG))
    assert result.after_result.auc > result.before_result.auc
    assert result.after.review < result.before.review
    assert result.after.timing > result.before.timing
    assert result.bad_by_revert == 50
    assert result.train + result.test == 250
    fitted_total = sum(getattr(result.after, n) for n in result.fitted)
    assert fitted_total == pytest.approx(sum(getattr(result.before, n) for n in result.fitted))


def test_calibration_is_deterministic(store: Engine) -> None:
    """Calibrating the same history twice gives the same weights."""
    org = parse_org_config(ORG)
    with session_scope(store) as s:
        first = calibrate(s, org)
    with session_scope(store) as s:
        assert calibrate(s, org).after == first.after


def test_too_few_outcomes_is_one_sentence(tmp_path: Path) -> None:
    """A history with too few bad outcomes says how many it found and what to do."""
    engine = make_engine(f"sqlite:///{tmp_path}/small.db")
    upgrade(engine)
    _history(engine, n=20)
    with session_scope(engine) as s, pytest.raises(ConfigError, match=str(MIN_BAD_CHANGES)):
        calibrate(s, parse_org_config(ORG))


def test_cli_writes_fitted_weights_and_keeps_comments(store: Engine, tmp_path: Path) -> None:
    """`calibrate --write --json` reports before/after and writes the weights to riskbrief.toml."""
    config = tmp_path / "riskbrief.toml"
    config.write_text(ORG, encoding="utf-8")
    env = {"RISKBRIEF_CONFIG": str(config), "RISKBRIEF_DATABASE_URL": str(store.url)}
    result = CliRunner().invoke(main, ["calibrate", "--write", "--json"], env=env)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["written"] is True
    assert figures["after"]["auc"] > figures["before"]["auc"]
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# Acme's riskbrief file: this comment must survive calibration.")
    written = parse_org_config(text).scoring.weights
    assert written["review"] == pytest.approx(figures["weights"]["review"])
    assert parse_org_config(text).scoring_config().weights.review < 18


def test_cli_without_write_leaves_the_file(store: Engine, tmp_path: Path) -> None:
    """Without --write the file is untouched and the output says how to save."""
    config = tmp_path / "riskbrief.toml"
    config.write_text(ORG, encoding="utf-8")
    env = {"RISKBRIEF_CONFIG": str(config), "RISKBRIEF_DATABASE_URL": str(store.url)}
    result = CliRunner().invoke(main, ["calibrate"], env=env)
    assert result.exit_code == 0, result.output
    assert "AUC" in result.output
    assert "--write" in result.output
    assert config.read_text(encoding="utf-8") == ORG


def test_cli_prints_lines_added_alone_beside_the_auc(store: Engine, tmp_path: Path) -> None:
    """The before/after AUC line carries lines added alone on the same latest changes, and the
    JSON has it in both results."""
    config = tmp_path / "riskbrief.toml"
    config.write_text(ORG, encoding="utf-8")
    env = {"RISKBRIEF_CONFIG": str(config), "RISKBRIEF_DATABASE_URL": str(store.url)}
    text = CliRunner().invoke(main, ["calibrate"], env=env)
    assert text.exit_code == 0, text.output
    auc = next(line for line in text.output.splitlines() if "AUC" in line)
    assert re.search(r"AUC \d\.\d{3} -> \d\.\d{3} \(lines added alone \d\.\d{3}\)", auc)
    figures = json.loads(CliRunner().invoke(main, ["calibrate", "--json"], env=env).output)
    assert figures["before"]["auc_lines_added"] == figures["after"]["auc_lines_added"]


def test_the_label_sentence_counts_the_teams_word() -> None:
    """Confirmed causes are a source of their own, and rejections that cut a deploy link are
    said, in one sentence."""
    assert label_sentence(3, 2, 1, 1, ()) == (
        "Bad changes: 3 shipped before a linked incident, 2 reverted, "
        "1 confirmed in Slack as an incident's cause, "
        "no SZZ labels (no [[repositories]] entry has a local `path` to blame fixes in); "
        "not counted through a linked incident: 1 the team said in Slack did not cause it."
    )
