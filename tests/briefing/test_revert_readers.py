"""Issue 63 point 5: a revert-incident has no outage to time, in every reader.

A small made history in the store: a week of one service with two reported incidents
(120 and 100 minutes, after a week of half-hour ones) and a revert-incident the revert
rule made (``revert:…``, "resolved" 1110.5 minutes later, when the revert merged). Every
reader that tells minutes to resolve or MTTR (the briefing's metrics, incidents and cards,
the service's record, the weekly trend and the week's rows behind the web view and
``/risk``) leaves the revert out of both: MTTR is the reported incidents' median, 110
minutes, never 120 or 1110.5.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.records.service import service_record
from bot.answers.records.trend import week_rows, weekly_trend
from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.render.email import render_email
from briefing.week import IsoWeek
from data.config import parse_org_config
from data.store.engine import session_scope
from scoring.card_terms import FactKey
from scoring.culprits import REVERT_INCIDENT
from tests.data.rows import T0, base, incident

_ORG = (
    '[organisation]\ntimezone = "UTC"\n'
    '[[repositories]]\nname = "acme/shop"\n'
    '[[services]]\nkey = "payments"\nrepository = "acme/shop"\npaths = ["p/**"]\n'
)
_REVERT = f"{REVERT_INCIDENT}acme/shop#9"
_MONDAY = T0 + timedelta(weeks=1)
_WEEK = IsoWeek.of(_MONDAY.date())


def _store(engine: Engine) -> None:
    """Last week two quick incidents; this week two reported ones and a slow "revert" one."""
    with session_scope(engine) as s:
        _, payments, _, _ = base(s)
        for n, minutes in enumerate((30, 35)):
            incident(s, payments, f"INC-0.{n}", T0 + timedelta(days=1, hours=n), minutes)
        opened = _MONDAY + timedelta(days=1, hours=11)
        incident(s, payments, _REVERT, opened, 1110.5)
        incident(s, payments, "INC-1", opened + timedelta(hours=1), 120)
        incident(s, payments, "INC-2", opened + timedelta(hours=3), 100)


def test_the_briefing_times_no_revert(engine: Engine) -> None:
    """The payload's MTTR is the reported incidents' median, its revert has no minutes, and no
    card fact or line of the email (whose MTTR card tells the median) says 1110.5 minutes."""
    _store(engine)
    org = parse_org_config(_ORG)
    with Session(engine) as session:
        payload = build_payload(session, org, Recipient("vp", "VP", "UTC"), _WEEK)
    assert payload.metrics.mttr_minutes == 110
    minutes = {i.id: i.minutes_to_resolve for i in payload.incidents}
    assert minutes == {_REVERT: None, "INC-1": 120, "INC-2": 100}
    told = [f.value for c in payload.cards for f in c.facts if f.key is FactKey.MINUTES_TO_RESOLVE]
    assert 1110.5 not in told
    email = render_email(payload, write_deterministic(payload))
    assert "Incidents took 110 min to resolve (median)" in email.text
    assert "1110" not in email.text
    assert "1,110" not in email.text


def test_the_service_record_the_trend_and_the_weeks_rows_time_no_revert(engine: Engine) -> None:
    """``/risk service``'s record, the weekly trend and the week's rows read MTTR and minutes to
    resolve as the briefing does."""
    _store(engine)
    org = parse_org_config(_ORG)
    whole = Access.organisation(org)
    now = _MONDAY + timedelta(days=8)
    with Session(engine) as session:
        record = service_record(session, org, whole, "payments", _WEEK.id, now=now)
        trend = weekly_trend(session, org, whole, None, 2, _WEEK.id, now=now)
        rows = week_rows(session, org, whole, None, _WEEK.id, now=now)
    assert record.this_week.mttr_minutes == 110
    assert {i.key: i.minutes_to_resolve for i in record.incidents}[_REVERT] is None
    assert trend.weeks[-1].mttr_minutes == 110
    assert {i.key: i.minutes_to_resolve for i in rows.incidents} == {
        _REVERT: None,
        "INC-1": 120,
        "INC-2": 100,
    }
