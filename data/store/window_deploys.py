"""A window's scored production deploys, in the order they finished."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from data.store.score_columns import band_gates, json_list, json_text
from data.store.scores import score_join
from data.store.tables import Deploy, RiskScoreRow
from scoring.risk import Band
from scoring.weekly import ScoredDeploy

__all__ = ["PRODUCTION", "production_deploys"]

# The environment sources store production deploys under, whatever the deploy
# tool calls it. Only production deploys count towards the week's deploys and
# change failure rate, as for the scorer's service history and the outcome labels.
PRODUCTION = "production"


def production_deploys(
    conn: Any,
    since: datetime,
    until: datetime,
    version: str,
    scope: Any,
    service_key: Mapping[int | None, str],
) -> list[ScoredDeploy]:
    """The production deploys finished in ``[since, until)`` in ``scope``, scored as
    ``version``; deploys to other environments are left out."""
    return [
        ScoredDeploy(
            key=key,
            service=service_key[service_id],
            finished_at=finished,
            score=score,
            band=Band(band),
            succeeded=status == "success",
            gates=band_gates(json_list(gates), band),
        )
        for key, service_id, finished, status, score, band, gates in conn.execute(
            sa.select(
                col(Deploy.key),
                col(Deploy.service_id),
                col(Deploy.finished_at),
                col(Deploy.status),
                col(RiskScoreRow.score),
                col(RiskScoreRow.band),
                json_text(RiskScoreRow.gates),
            )
            .join(RiskScoreRow, score_join("deploy", col(Deploy.key), version))
            .where(
                col(Deploy.environment) == PRODUCTION,
                col(Deploy.finished_at) >= since,
                col(Deploy.finished_at) < until,
                scope,
            )
            .order_by(col(Deploy.finished_at), col(Deploy.key))
        )
    ]
