"""`riskbrief brief --send` to Teams end to end: riskbrief.toml's webhook URLs, the fake webhook."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from bot.cli import main
from fakes.teams_server import FakeTeams

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
KEYS = ("vp-engineering", "commerce-lead", "discovery-lead", "platform-lead")


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder one `riskbrief demo` run wrote, its store included, for the tests to copy."""
    out = tmp_path_factory.mktemp("demo") / "out"
    with time_machine.travel(NOW, tick=True):
        demo = CliRunner().invoke(main, ["demo", "--out", str(out), "--as-of", "2026-11-23"])
    assert demo.exit_code == 0, demo.output
    return out


def test_brief_send_posts_one_adaptive_card_per_subscriber_once(
    demo_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Subscribers given a teams_webhook_url in riskbrief.toml each get one Adaptive Card, a 429
    on the way retried, a second --send posts none, and no webhook URL is printed."""
    out = shutil.copytree(demo_output, tmp_path / "out")
    sample = (files("data.sources.sample") / "sample.toml").read_text(encoding="utf-8")
    with FakeTeams() as teams:
        urls = {key: teams.webhook(key) for key in KEYS}
        toml = sample
        for key, url in urls.items():
            toml = toml.replace(f'key = "{key}"\n', f'key = "{key}"\nteams_webhook_url = "{url}"\n')
        assert toml.count("teams_webhook_url") == len(KEYS)
        (tmp_path / "riskbrief.toml").write_text(toml, encoding="utf-8")
        monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{out / 'demo.db'}")
        monkeypatch.setenv("RISKBRIEF_CONFIG", str(tmp_path / "riskbrief.toml"))
        teams.fail_with(429, retry_after=1)
        with time_machine.travel(NOW, tick=True):
            first = CliRunner().invoke(main, ["brief", "--send"])
            again = CliRunner().invoke(main, ["brief", "--send"])
        assert first.exit_code == 0, first.output
        assert again.exit_code == 0, again.output
        for key in KEYS:
            assert f"{key} teams: sent" in first.output
            assert f"{key} teams: skipped — already sent" in again.output
            flow = teams.flow(key)
            assert flow.dropped == []
            (card,) = flow.posted
            first_line = "".join(r["text"] for r in card["body"][0]["inlines"])
            assert re.fullmatch(r"\d+ critical · \d+ warning · \d+ info.*", first_line)
        assert len(teams.requests) == len(KEYS) + 1
        for url in urls.values():
            sig = url.rpartition("sig=")[2]
            assert sig not in first.output + again.output
