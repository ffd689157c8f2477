"""``riskbrief check``'s answer: as text for a terminal or a CI log, or as the JSON shape
docs/check.md documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.cli.check_history import HistoryRead
    from scoring.config import ScoringConfig
    from scoring.lowering import Lowering
    from scoring.proposal import Assessment, Proposal

__all__ = ["Threshold", "json_report", "text_report", "threshold_of"]

# Control characters (and with them terminal escape sequences) in outside text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Threshold:
    """The score ``check`` fails at and whether this change fails it.

    ``limit`` is the score at or above which it fails; ``capped`` says the score reached it
    but the change touches no code, so its band (and the default check) stays below very
    high.
    """

    limit: float
    risky: bool
    capped: bool = False

    def words(self) -> str:
        """``at or above the threshold 72``, ``below the threshold 72``, or the capped case."""
        if self.risky:
            return f"at or above the threshold {self.limit:g}"
        if self.capped:
            return (
                f"not failed at the threshold {self.limit:g}: it touches no code, so it is "
                "never very high"
            )
        return f"below the threshold {self.limit:g}"


def threshold_of(a: Assessment, config: ScoringConfig, given: float | None) -> Threshold:
    """``given``, or by default very high's bound (``[scoring.bands] critical``): bands are
    fixed bounds of the number, so a score in the very-high band fails the default check and
    no other does."""
    from scoring.band import Band

    if given is not None:
        return Threshold(given, a.score >= given)
    limit = config.bands.critical
    risky = a.band is Band.CRITICAL
    return Threshold(limit, risky, capped=not risky and a.score >= limit)


def _plain(text: str) -> str:
    """Outside text as one terminal line: control characters shown as ``?``, never run."""
    return _CONTROL.sub("?", text.replace("\n", " "))


def text_report(
    a: Assessment,
    p: Proposal,
    read: HistoryRead,
    threshold: Threshold,
    keyed: tuple[str, str],
    lower: tuple[Lowering, ...] = (),
) -> str:
    """The assessment as a reader sees it in a terminal or a CI log; what would lower it most
    (``scoring.lowering``) comes last, after everything it printed before."""
    from scoring.breakdown import CAP, GATE, OTHERS
    from scoring.plural import many

    c = p.change
    key, keyed_by = keyed
    named = " (a diff's digest: no commit)" if keyed_by == "diff" else ""
    lines = [f"riskbrief check: {_plain(key)}{named}"]
    if p.base is not None:
        head = p.head[:12] if p.head else "the working tree"
        lines.append(f"  base {p.base[:12]} -> head {head}")
    if c.title:
        lines.append(f"  title {_plain(c.title)}")
    files, changed = many(len(c.files), "file"), many(c.lines_changed, "line")
    lines.append(f"  author {_plain(c.author)}, {files}, {changed}")
    lines.append("")
    lines.append(f"Score {a.score}/100: {a.band.risk_words} ({threshold.words()})")
    lines.append("")
    lines.append("What makes the score (the points add up to it):")
    for part in a.contributions:
        name = {GATE: "gate", CAP: "cap", OTHERS: "others"}.get(part.name, part.name)
        lines.append(f"  {part.points:+4d}  {name:<18} {_plain(part.explanation)}")
    if not a.contributions:
        lines.append("     0  nothing in this change adds risk")
    if a.unknowns:
        lines.append("")
        lines.append("Unknown (their weight is spread over the known policy signals):")
        for s in a.unknowns:
            lines.append(f"        {s.name:<18} {_plain(s.explanation)}")
    if a.gates:
        lines.append("")
        lines.append("Gates:")
        for g in a.gates:
            lines.append(
                f"        {g.name:<18} {_plain(g.explanation)} (at least {g.floor.risk_words})"
            )
    if a.advice:
        lines.append("")
        lines.append("What would lower it:")
        for x in a.advice:
            points = "     " if x.points is None else f"{-x.points:4d} "
            lines.append(f"  {points} {_plain(x.text)}")
            lines.append(f"         ({_plain(x.detail)})")
    lines.append("")
    if read.source == "store":
        lines.append(f"History: the store at {read.where}, {read.changes} merged changes.")
    elif read.source == "git":
        lines.append(
            f"History: {_plain(read.where)} alone ({read.changes} commits, no store); "
            "reviews, incidents and deploys are unknown."
        )
    else:
        lines.append("History: none (no store and no clone); every file counts as new.")
    lines.extend(f"Note: {_plain(n)}." for n in p.notes)
    if lower:
        lines.append("")
        lines.append("Lower it most (each re-scored):")
        lines.extend(f"  {-x.points:4d}  {_plain(x.text)}" for x in lower)
    return "\n".join(lines)


def json_report(
    a: Assessment,
    p: Proposal,
    read: HistoryRead,
    threshold: Threshold,
    keyed: tuple[str, str],
    lower: tuple[Lowering, ...] = (),
) -> dict[str, Any]:
    """The assessment as the documented JSON shape."""
    from scoring.proposal import assessment_json

    c = p.change
    key, keyed_by = keyed
    data = assessment_json(a)
    data["key"] = key
    data["keyed_by"] = keyed_by
    data["threshold"] = threshold.limit
    data["at_or_above_threshold"] = threshold.risky
    data["change"] = {
        "key": key,
        "repository": c.repository,
        "title": c.title,
        "author": c.author,
        "base": p.base,
        "head": p.head,
        "target": p.target,
        "agent_involved": c.agent_involved,
        "files": [
            {
                "path": f.path,
                "added": f.added,
                "deleted": f.deleted,
                "service": f.service,
                "owners": list(f.owners) if f.owners is not None else None,
                "generated": f.generated,
            }
            for f in c.files
        ],
    }
    data["history"] = {"source": read.source, "changes": read.changes}
    data["notes"] = list(p.notes)
    data["lower_it"] = [
        {
            "action": x.action.value,
            "points": x.points,
            "score": x.score,
            "text": x.text,
            "parts": [
                {"service": part.service, "paths": list(part.paths), "score": part.score}
                for part in x.parts
            ],
            "owners": list(x.owners),
            "paths": list(x.paths),
        }
        for x in lower
    ]
    return data
