"""Lines several answers share: a score's contributions, gates, a deploy as readers know it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from bot.answers.answer import Answer, AnswerOutcome, Code, Line, Outside, Paragraph, Span
from bot.answers.lookups import dated_local_time
from bot.answers.records.models import ConfirmationRow, FoundByRow, GateRow, SignalPoints
from briefing.render.escape import one_line, truncate
from data.config import OrgConfig
from data.deploy_rule import Name, found_by_words
from data.store.reads.org import service_by_id
from data.store.tables import Deploy
from scoring.band import Band
from scoring.breakdown import Contribution, breakdown, fold
from scoring.scored import ScoredChange

__all__ = [
    "BAND_OF_WORDS",
    "candidates",
    "deploy_name",
    "found_by_line",
    "gate_lines",
    "not_found",
    "point_lines",
    "service_name",
    "signal_lines",
    "team_word_lines",
]

_TOP = 5
# A record's band in the reader's words, back to the band (``Band.label``'s inverse).
BAND_OF_WORDS = {b.label: b for b in Band}


def found_by_line(found: FoundByRow) -> Line:
    """``found by: tag v1.4.2 matching `^v?\\d+$```: the words of ``found_by_words``, a name
    from outside (a tag, an environment, a job) as outside text and a rule as code."""
    spans: list[Span] = ["found by: "]
    for piece in found_by_words(found.found_by()):
        if isinstance(piece, str):
            spans.append(piece)
        elif isinstance(piece, Name):
            spans.append(Outside(one_line(piece.text)))
        else:
            spans.append(Code(one_line(piece.text)))
    return tuple(spans)


def signal_lines(scored: ScoredChange, limit: int = _TOP) -> list[Line]:
    """A stored score's top contributions as bullet lines: they add up to the score."""
    return [(f"• {c.points:+d} {one_line(c.explanation)}",) for c in breakdown(scored, limit)]


def team_word_lines(
    words: Sequence[ConfirmationRow], timezone: str, *, name_change: bool = False
) -> list[Line]:
    """Each member's word from Slack on whether a change caused an incident, as the record
    orders them; ``name_change`` starts each with the change (a deploy lists several)."""
    lines: list[Line] = []
    for w in words:
        said = "confirmed" if w.confirmed else "rejected"
        lead: tuple[Span, ...] = (
            ("• ", Code(w.change), f": {said}") if name_change else (said.capitalize(),)
        )
        by = Outside(truncate(one_line(w.by), 60))
        when = dated_local_time(w.said_at, timezone)
        lines.append((*lead, " as the cause of ", Code(w.incident), " by ", by, f" on {when}."))
    return lines


def point_lines(signals: Sequence[SignalPoints], limit: int = _TOP) -> list[Line]:
    """A record's contributions as bullet lines, the smallest beyond ``limit`` folded into
    one as ``signal_lines`` folds them: they add up to the score."""
    contributions = [Contribution(c.name, c.points, c.explanation) for c in signals]
    return [(f"• {c.points:+d} {one_line(c.explanation)}",) for c in fold(contributions, limit)]


def gate_lines(gates: Sequence[GateRow]) -> list[Line]:
    """A record's gates, one line each."""
    return [(f"⛔ {one_line(g.explanation)}",) for g in gates]


def service_name(org: OrgConfig, key: str | None) -> str:
    """A service by its display name, its key when it has none, or "no service"."""
    names = {s.key: s.display_name for s in org.services}
    return names.get(key, key) if key else "no service"


def deploy_name(session: Session, org: OrgConfig, deploy: Deploy, timezone: str) -> Line:
    """A deploy as a reader knows it: its service's deploy at a local time, then its id."""
    service = service_by_id(session, deploy.service_id)
    name = service_name(org, service.key if service else None)
    return (
        f"{name} deploy of {dated_local_time(deploy.finished_at, timezone)} (",
        Code(deploy.key),
        ")",
    )


def not_found(*spans: str | Code) -> Answer:
    """A one-paragraph answer saying that what was asked about is not in the store."""
    return Answer((Paragraph((tuple(spans),)),), outcome=AnswerOutcome.NOT_FOUND)


def candidates(what: Line, lines: list[Line], more: int, ask: str) -> Answer:
    """What an ambiguous key names, the first few of them, and how to ask about one."""
    tail: list[Line] = [(f"… and {more} more; give more of it",)] if more > 0 else []
    return Answer(
        (Paragraph(((*what, f"; {ask}:"), *lines, *tail)),), outcome=AnswerOutcome.NOT_FOUND
    )
