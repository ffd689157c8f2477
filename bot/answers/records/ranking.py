"""How well the score ranks here: the organisation's own changes, scored as stored, against
what followed them in the store (a linked incident after a deploy, a revert), beside lines
added alone, the baseline every score must beat.

The labels are ``evaluation.change_outcomes`` without SZZ, so a page answers in the time a
page should (``riskbrief backtest --repo`` runs SZZ over a clone for a fuller label).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from pydantic import Field
from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.lookups import version_of
from bot.answers.records.models import RecordBase, band_words
from briefing.track_record import RecordView
from data.config import OrgConfig
from data.store.reads.changes import added_lines, merged_change_ids
from data.store.scores import load_scores
from data.store.track_record import newest_merge, store_record
from evaluation.change_outcomes import change_outcomes
from scoring.band import Band
from scoring.ranking import roc_auc

__all__ = ["BandRate", "Ranking", "SignalGap", "store_ranking"]


class BandRate(RecordBase):
    """One band: its changes, how many went wrong, the rate and its lift over the average."""

    band: str
    changes: int
    bad: int
    rate: float | None
    lift: float | None


class SignalGap(RecordBase):
    """A signal's mean points on changes that went wrong against the others."""

    name: str
    bad: float
    good: float
    gap: float


class Ranking(RecordBase):
    """The score's ranking of the store's changes against what followed them."""

    changes: int
    bad: int
    by_incident: int
    by_revert: int
    auc: float | None = Field(description="None when every change went the same way.")
    auc_lines_added: float | None
    bands: list[BandRate]
    signals: list[SignalGap]
    record: RecordView | None = Field(
        default=None,
        description="The last 90 days of the store's history: the score's flags against "
        "lines added alone's; None for a store with no merged change.",
    )


def _r(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def store_ranking(session: Session, org: OrgConfig, access: Access) -> Ranking:
    """The ranking over the merged changes ``access`` sees."""
    outcomes = change_outcomes(session)
    scores = load_scores(session, "change", version_of(org))
    merged = merged_change_ids(session)
    added = added_lines(session)
    rows = [
        s for k, s in scores.items() if k in merged and (access.whole or access.sees([s.service]))
    ]
    labels = [r.key in outcomes.bad for r in rows]
    bad = sum(labels)
    ranked = 0 < bad < len(rows)
    auc = roc_auc([r.score for r in rows], labels) if ranked else None
    auc_lines = roc_auc([added.get(merged[r.key], 0) for r in rows], labels) if ranked else None
    average = bad / len(rows) if rows else None
    bands = []
    for band in Band:
        members = [lab for r, lab in zip(rows, labels, strict=True) if r.band is band]
        rate = sum(members) / len(members) if members else None
        lift = rate / average if rate is not None and average else None
        bands.append(
            BandRate(
                band=band_words(band),
                changes=len(members),
                bad=sum(members),
                rate=_r(None if rate is None else 100 * rate, 1),
                lift=_r(lift, 2),
            )
        )
    points: dict[str, list[list[float]]] = defaultdict(lambda: [[], []])
    for r, lab in zip(rows, labels, strict=True):
        for s in r.signals:
            points[s.name][0 if lab else 1].append(s.points)
    gaps = []
    for name, (on_bad, on_good) in points.items():
        if not on_bad or not on_good:
            continue
        b, g = sum(on_bad) / len(on_bad), sum(on_good) / len(on_good)
        gaps.append(SignalGap(name=name, bad=round(b, 1), good=round(g, 1), gap=round(b - g, 1)))
    gaps.sort(key=lambda s: (-s.gap, s.name))
    record = None
    if (newest := newest_merge(session)) is not None:
        # The window ends with the store's newest change, so a store synced months ago
        # still shows the record of its last quarter rather than an empty one.
        until = newest + timedelta(seconds=1)
        counted = store_record(session, version_of(org), until, outcomes.bad, access.services)
        record = RecordView.of(counted, newest.date(), later_fixes=False)
    return Ranking(
        changes=len(rows),
        bad=bad,
        by_incident=outcomes.by_incident,
        by_revert=outcomes.by_revert,
        auc=_r(auc),
        auc_lines_added=_r(auc_lines),
        bands=bands,
        signals=gaps,
        record=record,
    )
