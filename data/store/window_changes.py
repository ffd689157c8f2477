"""A window's scored changes: read in one query, each with its outcome and ungated score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.agent_outcomes import change_outcome_facts
from data.store.among import among
from data.store.score_columns import band_gates, json_list, json_text
from data.store.scores import score_join, top_signal_names
from data.store.tables import IS_MERGED, Change, RiskScoreRow, merged_time
from data.store.work_kinds import StoredWork, kept_work
from scoring.agent_outcomes import ChangeOutcome
from scoring.risk import Band
from scoring.signals.exposure import CONTEXT_SIGNALS
from scoring.weekly import WeekChange

__all__ = ["change_rows", "week_changes", "window_outcomes", "with_signal_sums"]


def change_rows(
    conn: Any, since: datetime, until: datetime, version: str, scope: Any
) -> Sequence[Any]:
    """The changes merged in ``[since, until)`` in ``scope``, one row each with what they were
    scored as in ``version``, in merge order."""
    # Core rows, not ORM objects, and one row per change: a week can hold a hundred
    # thousand changes, and the scorer stored what each was scored as.
    rows: Sequence[Any] = conn.execute(
        sa.select(
            col(Change.key),
            col(Change.title),
            col(Change.url),
            col(Change.author_id),
            col(Change.merged_at),
            col(RiskScoreRow.score),
            col(RiskScoreRow.band),
            col(RiskScoreRow.service),
            json_text(RiskScoreRow.top_signals),
            col(RiskScoreRow.owner_files_known),
            col(RiskScoreRow.owner_files_covered),
            col(RiskScoreRow.agent_involved),
            col(RiskScoreRow.human_reviewed),
            json_text(RiskScoreRow.gates),
            col(Change.line_coverage_delta),
            col(Change.service_coverage),
            col(RiskScoreRow.work_kind),
            col(RiskScoreRow.source_lines),
            col(RiskScoreRow.context_points),
        )
        .join(RiskScoreRow, score_join("change", col(Change.key), version))
        .where(
            IS_MERGED,
            col(Change.merged_at) >= since,
            col(Change.merged_at) < until,
            scope,
        )
        .order_by(col(Change.merged_at), col(Change.key))
    ).all()
    return rows


def week_changes(
    rows: Sequence[Any],
    team_of: Mapping[str, str | None],
    logins: Mapping[int, str],
    bots: set[int | None],
    facts: Mapping[str, ChangeOutcome],
) -> list[WeekChange]:
    """Each of ``change_rows``' rows as a ``WeekChange``, with its team, author and outcome."""
    return [
        WeekChange(
            key=key,
            title=title,
            service=service,
            team=team_of.get(service) if service else None,
            score=score,
            band=Band(band),
            merged_at=merged_time(merged_at, key),
            agent_involved=agent_involved,
            human_reviewed=human_reviewed,
            drivers=top_signal_names(json_list(top_signals)),
            files_with_owner_data=known,
            files_with_owner=covered,
            url=url,
            author=logins.get(author_id),
            bot=author_id in bots,
            gates=band_gates(json_list(gates), band),
            line_coverage_delta=line_coverage_delta,
            service_line_coverage=service_coverage,
            outcome=facts.get(key),
            source_lines=source_lines,
            # Unknown for a score stored before they were kept: ``with_signal_sums`` adds
            # them up from its signals.
            context_points=context,
        )
        for (
            key,
            title,
            url,
            author_id,
            merged_at,
            score,
            band,
            service,
            top_signals,
            known,
            covered,
            agent_involved,
            human_reviewed,
            gates,
            line_coverage_delta,
            service_coverage,
            _work_kind,
            source_lines,
            context,
        ) in rows
    ]


def with_signal_sums(conn: Any, changes: list[WeekChange], version: str) -> list[WeekChange]:
    """``changes``, each gated one with the score its signals made before the gate lifted it,
    and each with its points of what it lands in (``context_points``) where its row had none.

    Read for those changes only (a few gated a week; unknown points only in a store scored
    before they were kept, until its next scoring pass): the card rules ask whether a gated
    change carried other risk besides its gate, and how risky each change is on its own.
    """
    wanted = [c.key for c in changes if c.gates or c.context_points is None]
    if not wanted:
        return changes
    ungated: dict[str, int] = {}
    context: dict[str, float] = {}
    for start in range(0, len(wanted), 500):
        for key, signals in conn.execute(
            sa.select(col(RiskScoreRow.subject_key), col(RiskScoreRow.signals)).where(
                col(RiskScoreRow.subject_kind) == "change",
                col(RiskScoreRow.scorer_version) == version,
                among(conn, col(RiskScoreRow.subject_key), wanted[start : start + 500]),
            )
        ):
            stored = signals or ()
            total = sum(float(s.get("points", 0.0)) for s in stored)
            ungated[key] = round(min(100.0, total))
            context[key] = sum(
                float(s.get("points", 0.0)) for s in stored if s.get("name") in CONTEXT_SIGNALS
            )
    return [_with_sums(c, ungated, context) for c in changes]


def _with_sums(
    c: WeekChange, ungated: Mapping[str, int], context: Mapping[str, float]
) -> WeekChange:
    """``c`` with its ungated score when gated and its context points when unknown, as read."""
    if c.key not in ungated:
        return c
    return replace(
        c,
        ungated_score=ungated[c.key] if c.gates else c.ungated_score,
        context_points=context[c.key] if c.context_points is None else c.context_points,
    )


def window_outcomes(
    session: Session,
    rows: Sequence[Any],
    bots: set[int | None],
    later_fixed: Mapping[str, frozenset[str]] | None,
) -> dict[str, ChangeOutcome]:
    """Each change's kind of work, lines of code and outcomes, when any of ``rows`` (the
    window's, as read above) is an agent's: the agent card sets agents' outcomes beside
    people's of the same kind. A window without an agent change reads none of it (a bot's
    change is counted apart, not read)."""
    if not any(row.agent_involved for row in rows):
        return {}
    wanted = [row for row in rows if row.agent_involved or row.author_id not in bots]
    # What the scorer kept with each score, read above with it; the others are classified.
    kept: dict[str, StoredWork] = {}
    for row in wanted:
        work = kept_work(row.work_kind, row.source_lines)
        if work is not None:
            kept[row.key] = work
    return change_outcome_facts(session, [row.key for row in wanted], later_fixed, work=kept)
