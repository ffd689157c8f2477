"""``/risk deploy``: a deploy's risk, its signals and gates, what it shipped and what followed."""

from __future__ import annotations

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.answer import (
    Answer,
    AnswerOutcome,
    Code,
    Line,
    Link,
    Outside,
    Paragraph,
    Span,
    Strong,
)
from bot.answers.asked import refused_line
from bot.answers.caller import Asked, caller_access
from bot.answers.lines import (
    BAND_OF_WORDS,
    candidates,
    deploy_name,
    found_by_line,
    gate_lines,
    not_found,
    point_lines,
    service_name,
    team_word_lines,
)
from bot.answers.lookups import dated_local_time
from bot.answers.parse import said
from bot.answers.queries import DeployQuery
from bot.answers.records.deploy import DeployRecord, DeploySplitRow, deploy_record
from briefing.labels import band_label
from briefing.render.escape import one_line, truncate
from data.config import OrgConfig
from data.store.reads.lookups import find_deploys, latest_deploy_key
from data.store.reads.org import service_keys
from scoring.plural import many

__all__ = ["SPLIT_REASONS", "answer_deploy", "deploy_answer", "split_paragraph", "split_reason"]

_SHIPPED_SHOWN = 15
# Candidates listed when a tag names deploys of more than one service.
_CANDIDATES = 10


# What gated a deploy, as a reader says it (``scoring.deploy_split``'s reasons); its timing
# is said in its own signal's words ("deployed on a Friday (Fri 14:05 UTC)").
SPLIT_REASONS = {
    "schema_migration": "a schema migration",
    "error_budget": "a change merged on a spent error budget",
    "large_change": "a very large change",
    "active_incident": "an incident of its service still active",
}


def split_reason(record: DeployRecord, split: DeploySplitRow) -> str:
    """What gated the deploy, in a few words: "a schema migration", "deployed on a Friday
    (Fri 14:05 UTC)"; a gate this version does not know by its name."""
    if split.reason in SPLIT_REASONS:
        return SPLIT_REASONS[split.reason]
    timing = next((s for s in record.signals if s.name == split.reason), None)
    return timing.explanation if timing is not None else split.reason.replace("_", " ")


def _keys(keys: list[str]) -> list[Span]:
    spans: list[Span] = []
    for n, key in enumerate(keys):
        spans += [", "] if n else []
        spans.append(Code(key))
    return spans


def split_paragraph(record: DeployRecord) -> Paragraph | None:
    """How to ship the deploy as two, each part with the deploy scorer's score of it."""
    split = record.split
    if split is None:
        return None
    apart, rest = split.apart, split.rest
    n = many(
        len(apart.changes) + len(rest.changes), "scored change" if record.unscored else "change"
    )
    what = split_reason(record, split)
    if split.way == "gate":
        head: Line = ("Ship it as two deploys",)
        why: Line = (f"It shipped {n} through a gate: {what} (", *_keys(split.gated), ").")
        first: Line = (
            "• ",
            *_keys(apart.changes),
            " (the gated changes and those touching their files) in one deploy · score "
            f"{apart.score}, {apart.band} risk",
        )
    else:
        head = ("Hold back its riskiest changes",)
        # Held back despite a gated change: every change touched the gated ones' files.
        why = (
            (
                f"It shipped {n} through a gate: {what} (",
                *_keys(split.gated),
                "), all on its files.",
            )
            if split.gated
            else (f"It shipped {n}, {what}.",)
        )
        first = (
            "• hold back ",
            *_keys(apart.changes),
            f" · score {apart.score}, {apart.band} risk",
        )
    others = many(len(rest.changes), "change")
    other: Line = (
        f"• the other {others} in another deploy · score {rest.score}, {rest.band} risk"
        if split.way == "gate"
        else f"• ship the other {others} · score {rest.score}, {rest.band} risk",
    )
    whole = (
        f"As one deploy it scored {record.score}, {record.band} risk. Each part is scored again "
        "by the deploy scorer as this deploy with only its changes: same time, same previous "
        "deploy.",
    )
    return Paragraph(((Strong(head),), why, first, other, whole))


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
    services = service_keys(session)
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
    when = dated_local_time(record.finished_at, zone)
    band = BAND_OF_WORDS[record.band] if record.band is not None else None
    risk: Line = (
        ("Risk ", Strong((str(record.score),)), f", {band_label(band)}")
        if band is not None
        else ("Not scored yet",)
    )
    head: tuple[Line, ...] = (
        (Strong((f"{name} deploy of {when}",)), " · ", Code(key)),
        (*risk, f" · {record.environment} · {record.status}"),
    )
    if record.found_by is not None:
        head += (found_by_line(record.found_by),)
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
    split = split_paragraph(record)
    if split is not None:
        parts.append(split)
    if record.incidents:
        parts.append(
            Paragraph(
                (
                    (Strong(("Incidents linked to it",)),),
                    *(
                        (
                            "• ",
                            Code(i.key),
                            " ",
                            Outside(one_line(i.title)),
                            f" · opened {dated_local_time(i.opened_at, zone)}"
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
            line = refused_line(asked.org, access, query.service, ("service",))
            return Answer((Paragraph((line,)),), outcome=AnswerOutcome.NOT_FOUND)
        key = latest_deploy_key(asked.session, query.service)
        if key is None:
            return not_found(
                f"{service_name(asked.org, query.service)} has no deploys in the store yet; "
                "check its deploy source with `riskbrief doctor`, or run `riskbrief sync`."
            )
    assert key is not None
    return deploy_answer(asked.session, asked.org, key, access.timezone, access)
