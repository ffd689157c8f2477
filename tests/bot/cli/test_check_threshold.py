"""``riskbrief check``'s default threshold is very high's fixed bound, so words and band agree."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.cli.check_report import threshold_of
from scoring.band import Band
from scoring.config import ScoringConfig
from scoring.proposal import Assessment
from scoring.risk_score import RiskScore
from tests.bot.cli.test_check import _clone

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _assessment(score: int, band: Band, typical: float | None) -> Assessment:
    risk = RiskScore("o/r@abc", score, band, (), (), "v", typical)
    return Assessment(risk, (), (), (), datetime(2026, 10, 5, tzinfo=UTC))


def test_the_default_threshold_is_very_high_s_fixed_bound() -> None:
    """Bands are fixed ranges of the number: a very-high 72 fails at 72, a high 71 passes."""
    t = threshold_of(_assessment(72, Band.CRITICAL, 40.0), ScoringConfig(), None)
    assert (t.limit, t.risky) == (72.0, True)
    assert t.words() == "at or above the threshold 72"
    t = threshold_of(_assessment(71, Band.HIGH, 56.0), ScoringConfig(), None)
    assert (t.limit, t.risky) == (72.0, False)
    assert t.words() == "below the threshold 72"


def test_a_change_touching_no_code_is_never_failed_or_called_below_by_default() -> None:
    """A score at the bound whose band is capped (no code) passes, and the words say why."""
    t = threshold_of(_assessment(90, Band.MODERATE, None), ScoringConfig(), None)
    assert (t.limit, t.risky) == (72.0, False)
    assert "below" not in t.words()
    assert "touches no code" in t.words()


def test_a_given_threshold_is_the_score_compared() -> None:
    """--threshold N fails at or above N whatever the band."""
    a = _assessment(70, Band.CRITICAL, 40.0)
    assert threshold_of(a, ScoringConfig(), 71).risky is False
    assert threshold_of(a, ScoringConfig(), 70).risky is True


def test_the_default_check_s_exit_words_and_json_agree_with_the_band(workdir: Path) -> None:
    """At the wire: exit 1 exactly when the band is very high, and the words never say
    "below" then; the JSON's threshold is the bound applied."""
    clone = _clone(workdir.parent / "shop")
    text = CliRunner().invoke(main, ["check", str(clone.path)])
    data = json.loads(CliRunner().invoke(main, ["check", str(clone.path), "--json"]).output)
    very_high = data["band"] == Band.CRITICAL.value
    assert data["at_or_above_threshold"] is very_high
    assert text.exit_code == (1 if very_high else 0), text.output
    verdict = "at or above" if very_high else "below"
    assert f"({verdict} the threshold {data['threshold']:g})" in text.output
