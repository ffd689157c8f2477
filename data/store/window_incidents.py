"""A window's incidents, each with the deploy it followed, what that shipped, and its culprits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.among import among
from data.store.culprits import culprit_traces
from data.store.score_columns import band_gates, json_list, json_text
from data.store.scores import score_join
from data.store.tables import Change, Deploy, DeployChange, Incident, RiskScoreRow, merged_time
from data.store.window_changes import with_signal_sums
from scoring.risk import Band
from scoring.weekly import WeekChange, WeekIncident

__all__ = ["week_incidents"]


def week_incidents(
    session: Session,
    since: datetime,
    until: datetime,
    version: str,
    scope: Any,
    service_key: Mapping[int | None, str],
    culprits_since: datetime | None,
) -> list[WeekIncident]:
    """The incidents opened in ``[since, until)`` in ``scope``, each with the deploy it followed
    scored as ``version`` and the scored changes that deploy shipped; from ``culprits_since``
    on, with what ranking its likeliest culprits reads."""
    conn = session.connection()
    incident_rows = _incident_rows(conn, since, until, version, scope)
    shipped = _shipped(conn, {row[5] for row in incident_rows if row[5] is not None}, version)
    # An incident card needs the deploy it followed: no other incident is traced.
    traces = (
        culprit_traces(
            session,
            [row[0] for row in incident_rows if row[5] is not None and row[3] >= culprits_since],
            version,
        )
        if culprits_since is not None
        else {}
    )
    return [
        WeekIncident(
            key=key,
            service=service_key[service_id],
            title=title,
            opened_at=opened,
            resolved_at=resolved,
            deploy_key=deploy_key,
            deploy_band=Band(deploy_band) if deploy_band else None,
            deploy_finished_at=deploy_finished,
            deploy_score=deploy_score,
            deploy_gates=band_gates(json_list(deploy_gates), deploy_band) if deploy_band else (),
            shipped=shipped.get(deploy_id, ()) if deploy_id is not None else (),
            culprits=traces.get(key),
        )
        for (
            key,
            service_id,
            title,
            opened,
            resolved,
            deploy_id,
            deploy_key,
            deploy_finished,
            deploy_band,
            deploy_score,
            deploy_gates,
        ) in incident_rows
    ]


def _incident_rows(
    conn: Any, since: datetime, until: datetime, version: str, scope: Any
) -> list[Any]:
    """The incidents of ``[since, until)`` in ``scope``, each with its linked deploy's id, key,
    finish, band, score and gates (all ``None`` for an incident linked to no deploy)."""
    linked = sa.orm.aliased(Deploy)
    linked_score = sa.orm.aliased(RiskScoreRow)
    return list(
        conn.execute(
            sa.select(
                col(Incident.key),
                col(Incident.service_id),
                col(Incident.title),
                col(Incident.opened_at),
                col(Incident.resolved_at),
                col(linked.id),
                col(linked.key),
                col(linked.finished_at),
                col(linked_score.band),
                col(linked_score.score),
                json_text(linked_score.gates),
            )
            .outerjoin(linked, col(linked.id) == col(Incident.deploy_id))
            .outerjoin(linked_score, score_join("deploy", col(linked.key), version, linked_score))
            .where(
                col(Incident.opened_at) >= since,
                col(Incident.opened_at) < until,
                scope,
            )
            .order_by(col(Incident.opened_at), col(Incident.key))
        ).all()
    )


def _shipped(conn: Any, deploy_ids: set[int], version: str) -> dict[int, tuple[WeekChange, ...]]:
    """The scored changes each of ``deploy_ids`` shipped (in whatever week they merged), for
    the incident rule: whether a deploy an incident followed shipped an unusually risky one.

    Read for the deploys incidents are linked to only: a few a week.
    """
    out: dict[int, list[WeekChange]] = {}
    # Which changes first, then those changes: joined in one query, SQLite without
    # statistics walks every change's score by its kind (0.3 s on 100,000 changes).
    deploys_of: dict[int, list[int]] = {}
    ids = sorted(deploy_ids)
    for start in range(0, len(ids), 500):
        for deploy_id, change_id in conn.execute(
            sa.select(col(DeployChange.deploy_id), col(DeployChange.change_id)).where(
                among(conn, col(DeployChange.deploy_id), ids[start : start + 500])
            )
        ):
            deploys_of.setdefault(change_id, []).append(deploy_id)
    change_ids = sorted(deploys_of)
    for start in range(0, len(change_ids), 500):
        rows = conn.execute(
            sa.select(
                col(Change.id),
                col(Change.key),
                col(Change.title),
                col(Change.merged_at),
                col(RiskScoreRow.score),
                col(RiskScoreRow.band),
                col(RiskScoreRow.service),
                col(RiskScoreRow.agent_involved),
                col(RiskScoreRow.human_reviewed),
                json_text(RiskScoreRow.gates),
                col(RiskScoreRow.source_lines),
            )
            .join(RiskScoreRow, score_join("change", col(Change.key), version))
            .where(among(conn, col(Change.id), change_ids[start : start + 500]))
        )
        for (
            change_id,
            key,
            title,
            merged_at,
            score,
            band,
            service,
            agent,
            reviewed,
            gates,
            source_lines,
        ) in rows:
            change = WeekChange(
                key=key,
                title=title,
                service=service,
                team=None,
                score=score,
                band=Band(band),
                merged_at=merged_time(merged_at, key),
                agent_involved=agent,
                human_reviewed=reviewed,
                gates=band_gates(json_list(gates), band),
                source_lines=source_lines,
            )
            for deploy_id in deploys_of[change_id]:
                out.setdefault(deploy_id, []).append(change)
    return {
        deploy_id: tuple(
            with_signal_sums(conn, sorted(changes, key=lambda c: (c.merged_at, c.key)), version)
        )
        for deploy_id, changes in out.items()
    }
