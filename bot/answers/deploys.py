"""``/risk deploy``: a deploy's risk, its signals and gates, what it shipped and what followed."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.answers.access import Access
from bot.answers.answer import Answer, Code, Line, Link, Paragraph, Strong
from bot.answers.caller import Asked, caller_access
from bot.answers.lines import (
    BAND_OF_WORDS,
    candidates,
    deploy_name,
    gate_lines,
    not_found,
    point_lines,
    service_name,
    team_word_lines,
)
from bot.answers.lookups import find_deploys, latest_deploy_key, local_time
from bot.answers.parse import said
from bot.answers.queries import DeployQuery
from bot.answers.records.deploy import deploy_record
from briefing.labels import band_label
from briefing.render.escape import one_line, truncate
from data.config import OrgConfig
from data.store.tables import Service
from scoring.plural import many

__all__ = ["answer_deploy", "deploy_answer"]

_SHIPPED_SHOWN = 15
# Candidates listed when a tag names deploys of more than one service.
_CANDIDATES = 10


def deploy_answer(
    session: Session,
    org: OrgConfig,
    key: str,
    timezone: str | None = None,
    access: Access | None = None,
) -> Answer:
    """A deploy's risk, its signals and gates, the changes it shipped and the incidents after.

    Times are in ``timezone`` (the reader's), else the organisation's. The deploy is told
    from the core's record of it (``records.deploy.deploy_record``, what the web page
    shows): this answer only words it. Only what ``access`` (else the organisation) may see
    is found, or offered as a candidate.
    """
    zone = timezone or org.organisation.timezone
    access = access or Access.organisation(org)
    services = {s.id: s.key for s in session.exec(select(Service))}
    found = [d for d in find_deploys(session, key) if access.sees([services.get(d.service_id)])]
    if not found:
        # Outside the caller's scope is said in the same words as not stored at all.
        where = "in the store" if access.whole else "in the store for your scope"
        return not_found(
            "No deploy ",
            Code(said(key)),
            f" is {where}; try `/risk deploy latest <service>`.",
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
    record = deploy_record(session, org, access, found[0].key)
    key = record.key
    name = service_name(org, record.service or None)
    when = local_time(record.finished_at, zone)
    band = BAND_OF_WORDS[record.band] if record.band is not None else None
    risk: Line = (
        ("Risk ", Strong((str(record.score),)), f", {band_label(band)}")
        if band is not None
        else ("Not scored yet",)
    )
    head = (
        (Strong((f"{name} deploy of {when}",)), " · ", Code(key)),
        (*risk, f" · {record.environment} · {record.status}"),
    )
    parts = [Paragraph(head)]
    why = point_lines(record.signals) + gate_lines(record.gates)
    if why:
        parts.append(Paragraph(((Strong(("Why",)),), *why)))
    change_lines: list[Line] = [
        (
            "• ",
            Link(c.url, truncate(one_line(c.title), 120) or c.key),
            " · ",
            Code(c.key),
            f" · {c.score}, {band_label(BAND_OF_WORDS[c.band])}",
        )
        for c in record.changes
    ]
    change_lines += [
        (
            "• ",
            Link(c.url, truncate(one_line(c.title), 120) or c.key),
            " · ",
            Code(c.key),
            " · not scored",
        )
        for c in record.unscored
    ]
    shipped = len(change_lines)
    change_lines = change_lines[:_SHIPPED_SHOWN]
    if shipped > _SHIPPED_SHOWN:
        change_lines.append((f"… and {shipped - _SHIPPED_SHOWN} more",))
    parts.append(
        Paragraph(
            (
                (Strong((f"Shipped {many(shipped, 'change')}",)),),
                *(change_lines or [("No changes recorded for this deploy.",)]),
            )
        )
    )
    if record.incidents:
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
                        for i in record.incidents
                    ),
                )
            )
        )
    words = team_word_lines(record.confirmations, zone, name_change=True)
    if words:
        parts.append(Paragraph(((Strong(("The team's word",)),), *words)))
    score_text = f"risk {record.score}, {band_label(band)}" if band is not None else "not scored"
    return Answer(tuple(parts), summary=(f"{name} deploy of {when} ({key}): {score_text}",))


def answer_deploy(asked: Asked, query: DeployQuery) -> Answer:
    """``/risk deploy``: the deploy ``query`` names (a service's latest, or by id)."""
    access = caller_access(asked)
    key = query.deploy
    if query.service is not None:
        if not access.sees([query.service]):
            # The same sentence as a name that is no service: what lies outside is not there.
            return not_found(
                "No service by that name is in your scope; use one of: "
                f"{', '.join(access.visible(asked.org)) or 'none'}."
            )
        key = latest_deploy_key(asked.session, query.service)
        if key is None:
            return not_found(
                f"{service_name(asked.org, query.service)} has no deploys in the store yet; "
                "check its deploy source with `riskbrief doctor`, or run `riskbrief sync`."
            )
    assert key is not None
    return deploy_answer(asked.session, asked.org, key, access.timezone, access)
