"""``/risk deploy``: a deploy's risk, its signals and gates, what it shipped and what followed."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.answers.answer import Answer, Code, Line, Link, Paragraph, Strong
from bot.answers.caller import Asked, reader_timezone
from bot.answers.lines import (
    candidates,
    deploy_name,
    gate_lines,
    not_found,
    service_name,
    signal_lines,
)
from bot.answers.lookups import find_deploys, latest_deploy_key, local_time, version_of
from bot.answers.parse import said
from bot.answers.queries import DeployQuery
from briefing.labels import band_label
from briefing.plural import many
from briefing.render.escape import one_line, truncate
from data.config import OrgConfig
from data.store.scores import load_scores
from data.store.tables import Change, DeployChange, Incident, Service

__all__ = ["answer_deploy", "deploy_answer"]

_SHIPPED_SHOWN = 15
# Candidates listed when a tag names deploys of more than one service.
_CANDIDATES = 10


def deploy_answer(
    session: Session, org: OrgConfig, key: str, timezone: str | None = None
) -> Answer:
    """A deploy's risk, its signals and gates, the changes it shipped and the incidents after.

    Times are in ``timezone`` (the reader's), else the organisation's.
    """
    zone = timezone or org.organisation.timezone
    found = find_deploys(session, key)
    if not found:
        return not_found(
            "No deploy ",
            Code(said(key)),
            " is in the store; try `/risk deploy latest <service>`.",
        )
    if len(found) > 1:
        lines: list[Line] = [
            ("• ", *deploy_name(session, org, d, zone)) for d in found[:_CANDIDATES]
        ]
        return candidates(
            (Code(said(key)), f" names {many(len(found), 'deploy')}"),
            lines,
            len(found) - _CANDIDATES,
            "ask about one of them by its id",
        )
    deploy = found[0]
    key = deploy.key
    version = version_of(org)
    row = load_scores(session, "deploy", version, [key]).get(key)
    service = session.get(Service, deploy.service_id)
    shipped = list(
        session.exec(
            select(Change)
            .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
            .where(DeployChange.deploy_id == deploy.id)
            .order_by(col(Change.merged_at), col(Change.key))
        )
    )
    scores = load_scores(session, "change", version, [c.key for c in shipped])
    incidents = list(session.exec(select(Incident).where(Incident.deploy_id == deploy.id)))
    name = service_name(org, service.key if service else None)
    when = local_time(deploy.finished_at, zone)
    risk: Line = (
        ("Risk ", Strong((str(row.score),)), f", {band_label(row.band)}")
        if row
        else ("Not scored yet",)
    )
    head = (
        (Strong((f"{name} deploy of {when}",)), " · ", Code(key)),
        (*risk, f" · {deploy.environment} · {deploy.status}"),
    )
    parts = [Paragraph(head)]
    if row is not None:
        why = signal_lines(row) + gate_lines(row)
        if why:
            parts.append(Paragraph(((Strong(("Why",)),), *why)))
    change_lines: list[Line] = []
    ranked = sorted(shipped, key=lambda c: -(scores[c.key].score if c.key in scores else -1))
    for c in ranked[:_SHIPPED_SHOWN]:
        s = scores.get(c.key)
        rating = f"{s.score}, {band_label(s.band)}" if s else "not scored"
        title = truncate(one_line(c.title), 120) or c.key
        change_lines.append(("• ", Link(c.url, title), " · ", Code(c.key), f" · {rating}"))
    more = len(shipped) - len(change_lines)
    if more > 0:
        change_lines.append((f"… and {more} more",))
    parts.append(
        Paragraph(
            (
                (Strong((f"Shipped {many(len(shipped), 'change')}",)),),
                *(change_lines or [("No changes recorded for this deploy.",)]),
            )
        )
    )
    if incidents:
        parts.append(
            Paragraph(
                (
                    (Strong(("Incidents linked to it",)),),
                    *(
                        (
                            "• ",
                            Code(i.key),
                            f" {one_line(i.title)} · opened {local_time(i.opened_at, zone)}"
                            + (" · resolved" if i.resolved_at else ""),
                        )
                        for i in incidents
                    ),
                )
            )
        )
    score_text = f"risk {row.score}, {band_label(row.band)}" if row else "not scored"
    return Answer(tuple(parts), summary=(f"{name} deploy of {when} ({key}): {score_text}",))


def answer_deploy(asked: Asked, query: DeployQuery) -> Answer:
    """``/risk deploy``: the deploy ``query`` names (a service's latest, or by id)."""
    key = query.deploy
    if query.service is not None:
        key = latest_deploy_key(asked.session, query.service)
        if key is None:
            return not_found(
                f"{service_name(asked.org, query.service)} has no deploys in the store yet; "
                "check its deploy source with `riskbrief doctor`, or run `riskbrief sync`."
            )
    assert key is not None
    return deploy_answer(asked.session, asked.org, key, reader_timezone(asked))
