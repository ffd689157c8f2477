"""No data is not a quiet week: an empty store or scope says so, and what to run."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.composition.compose import compose_all, write_files
from bot.composition.pipeline import score_all
from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.week import IsoWeek
from data.config import OrgConfig, parse_org_config
from data.sample_load import load_sample
from data.scope import Scope
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Subscriber

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates

W47 = IsoWeek(2026, 47)


def _org_with_an_empty_service() -> OrgConfig:
    """Acme with one more service, Ledger, whose paths nothing in the sample touches."""
    toml = (files("data.sources.sample") / "sample.toml").read_text(encoding="utf-8")
    toml += (
        '\n[[services]]\nkey = "ledger"\nname = "Ledger"\nrepository = "acme/platform"\n'
        'paths = ["services/ledger/**"]\n'
    )
    return parse_org_config(toml)


def test_an_empty_store_says_there_is_no_data_and_what_to_run(
    engine: Engine, tmp_path: Path
) -> None:
    """With nothing synced, every briefing is one line naming `riskbrief sync` and quickstart,
    in text, Slack and email alike, never calls the week quiet, and writes no chart."""
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
        subscribers = list(session.exec(select(Subscriber).order_by(col(Subscriber.id))))
        done = compose_all(session, org, [(s, W47) for s in subscribers])
    vp = done[0]
    assert vp.payload.no_data
    assert not vp.payload.quiet
    line = vp.narrative.headline
    assert line.startswith("No data yet: the store holds no changes, deploys or incidents.")
    assert "`riskbrief sync`" in line
    assert "`riskbrief quickstart PATH`" in line
    assert "quiet" not in line.lower()
    text = vp.email.text.splitlines()
    assert text[0] == line
    assert len(text) == 2
    assert text[1].startswith("Week 2026-W47")
    assert vp.email.subject == "[riskbrief] no data — week 2026-W47"
    assert vp.email.chart_png == b""
    assert [b["type"] for b in vp.slack.blocks] == ["section", "context"]
    assert "riskbrief sync" in vp.slack.blocks[0]["text"]["text"]
    (tmp_path / "vp-engineering.chart.png").write_bytes(b"an earlier week's chart")
    written = write_files(tmp_path, vp)
    assert [p.name for p in written] == [
        "vp-engineering.slack.json",
        "vp-engineering.email.html",
        "vp-engineering.email.txt",
    ]
    assert not (tmp_path / "vp-engineering.chart.png").exists()


def test_a_scope_with_nothing_ever_and_a_week_with_nothing_say_so(engine: Engine) -> None:
    """A service no change, deploy or incident belongs to says to check its paths; a week long
    after the newest data names the newest week and how to brief it."""
    org = _org_with_an_empty_service()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))
    with session_scope(engine) as session:
        score_all(session, org)
        ledger = build_payload(
            session, org, Recipient("l", "L", "UTC", Scope(services=("ledger",))), W47
        )
        later = build_payload(
            session, org, Recipient("vp", "VP", "America/New_York"), IsoWeek(2027, 10)
        )
        current = build_payload(session, org, Recipient("vp", "VP", "America/New_York"), W47)
    assert ledger.stored.anything
    assert not ledger.stored.in_scope
    assert write_deterministic(ledger).headline == (
        "No data for Ledger: nothing in the store belongs to its services. Check their paths "
        "in riskbrief.toml, then run `riskbrief sync`."
    )
    assert later.no_data
    assert write_deterministic(later).headline == (
        "No data for the organisation in week 2027-W10 or the week before: its newest is from "
        "2026-W47. Run `riskbrief sync` to read newer changes, or `riskbrief brief --week "
        "2026-W47` to brief that week."
    )
    assert not current.no_data
