"""A narrative's counts of incidents, changes and deploys: each one the payload has.

Part of the grounding check (``briefing.grounding``): a count in digits or in words ("three
incidents", "five of nine changes") must be a count the payload has of those things, this
week's or last week's, a card's or a section's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from briefing.claims import MEASURE
from briefing.payload import BriefingPayload, Counts

__all__ = ["count_problems", "known_counts"]

# Counts written in words, as a count of things is ("three incidents", "five of nine changes").
_COUNT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
_COUNT = r"\d+|" + "|".join(_COUNT_WORDS)
# The things a briefing counts, each with the payload's counts of it.
_NOUN_KIND = {
    "incident": "incidents",
    "change": "changes",
    "pr": "changes",
    "pull request": "changes",
    "deploy": "deploys",
    "deployment": "deploys",
    "release": "deploys",
}
_COUNTED = re.compile(
    rf"(?<![\w.,:/#-])(?P<n>{_COUNT})"
    rf"(?:\s+of\s+(?:the\s+|its\s+|their\s+|(?:the\s+|this\s+|last\s+)?week['’]s\s+)?"
    rf"(?P<m>{_COUNT}))?"
    r"\s+(?P<between>(?:[A-Za-z][\w-]*\s+){0,2}?)"
    r"(?P<noun>incidents?|changes?|PRs?|pull requests?|deploy(?:ment)?s?|releases?)\b",
    re.IGNORECASE,
)
# Words that end a count before its noun: "5 of those changes" counts nothing in particular.
_NOT_A_COUNT = frozenset(
    [
        "of",
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "for",
        "to",
        "from",
        "with",
        "by",
        "and",
        "or",
        "than",
        "per",
        "its",
        "their",
        "those",
        "these",
        "them",
        "which",
        "that",
        "all",
        "more",
        "fewer",
        "less",
        "other",
        "others",
    ]
)


def _band_counts(counts: Counts) -> set[int]:
    bands = (counts.safe, counts.moderate, counts.high, counts.critical)
    return {*bands, counts.total, counts.high_risk, counts.safe + counts.moderate}


def known_counts(payload: BriefingPayload) -> dict[str, set[int]]:
    """Every count the payload has of incidents, changes and deploys, this week and last."""
    m = payload.metrics
    incidents = payload.incidents
    counts: dict[str, set[int]] = {
        "incidents": {
            m.incidents,
            m.incidents_last_week,
            abs(m.incidents - m.incidents_last_week),
            len(incidents),
            sum(i.after_high_risk_deploy for i in incidents),
            sum(i.resolved_at is not None for i in incidents),
            sum(i.resolved_at is None for i in incidents),
            *Counter(i.service for i in incidents).values(),
            *Counter(i.deploy for i in incidents if i.deploy).values(),
            *(len(d.incidents) for d in payload.risky_deploys),
        },
        "deploys": {
            m.deploys,
            m.deploys_last_week,
            abs(m.deploys - m.deploys_last_week),
            len(payload.risky_deploys),
            m.deploys_very_high,
            sum(not d.succeeded for d in payload.risky_deploys),
            *Counter(d.band for d in payload.risky_deploys).values(),
            *Counter(d.service for d in payload.risky_deploys).values(),
        },
    }
    counts["changes"] = set()
    a, u = payload.agents, payload.unknown
    changes = _band_counts(payload.distribution) | _band_counts(payload.distribution_last_week)
    changes |= {abs(payload.distribution.total - payload.distribution_last_week.total)}
    changes |= {n for s in payload.services for n in (s.changes, s.high_risk)}
    changes |= {n for d in payload.drivers for n in (d.this_week, d.last_week)}
    changes |= {a.changes, a.unreviewed, a.high_risk, a.review_unknown, a.bot_changes}
    changes |= {a.human_changes}
    changes |= {u.changes, u.review, u.codeowners, len(payload.top_changes)}
    changes |= {*Counter(c.band for c in payload.top_changes).values()}
    changes |= {len(payload.very_high_risk)}
    if (plan := payload.plan) is not None:
        # "These 3 changes", "of the 41 changes open or merged", "2 not scored yet".
        changes |= {len(plan.items), len(plan.shown), plan.changes, plan.unscored}
    for card in payload.cards:
        changes.add(len(card.evidence))
        unitless = [f for f in card.facts if not f.unit and float(f.value).is_integer()]
        for f in unitless:
            name = f.key.name
            kind = "incidents" if "INCIDENT" in name else "deploys" if "DEPLOY" in name else None
            counts[kind or "changes"].add(int(f.value))
        # "3 more than last week": a difference of one card's counts.
        changes |= {abs(int(x.value) - int(y.value)) for x in unitless for y in unitless}
    counts["changes"] |= changes
    return counts


def _count_value(word: str) -> int:
    return int(word) if word.isdigit() else _COUNT_WORDS[word.lower()]


def count_problems(where: str, text: str, known: dict[str, set[int]]) -> Iterator[str]:
    """Counts of incidents, changes and deploys, in digits or words, that the payload lacks."""
    for match in _COUNTED.finditer(text):
        between = match.group("between").lower().split()
        if any(w in _NOT_A_COUNT for w in between):
            continue
        # A measure is not a count: "1.6 h after the deploy" says nothing of how many.
        if not match.group("m") and MEASURE.match(text, match.end("n")):
            continue
        noun = match.group("noun").lower().rstrip("s")
        kind = _NOUN_KIND.get(noun, "changes")
        for part in ("n", "m"):
            written = match.group(part)
            if written is None:
                continue
            if _count_value(written) not in known[kind]:
                yield (
                    f"{where} says {written} {kind} ({match.group().strip()!r}), but the "
                    f"payload has no count of {written} {kind}; use only its counts"
                )
