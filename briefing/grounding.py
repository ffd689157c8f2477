"""The grounding check: a narrative may only say what the payload holds.

Every number, card, change, incident, deploy, link and person a narrative
names must be in the payload (numbers within the rounding they are written
with); it must give one paragraph per card and none for anything else, and it
may not restate a card's severity as something else. A number must also sit
where it belongs: a figure the card has for last week is not said of this
week (nor the other way round), a card's paragraph does not borrow another
card's figures, and a count of incidents, changes or deploys, in digits or in
words ("three incidents"), must be a count the payload has of those. The
problems are worded for the repair request, so the model can fix them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from briefing.narrative import MAX_WORDS, Narrative
from briefing.payload import BriefingPayload, CardView, Counts
from briefing.plural import many
from briefing.prompt import SYSTEM_PROMPT, payload_json
from briefing.render.escape import neutralise
from scoring.card_terms import FactKey
from scoring.change_key import ChangeKey

__all__ = ["MAX_WORDS", "check_narrative"]

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?")
_CHANGE_REF = re.compile(r"\b[\w.-]+/[\w.-]+#\d+\b|(?<![\w/])#\d+\b")
_KEY_REF = re.compile(r"\b[A-Z][A-Z0-9]*-\d+\b|\bdeploy:[\w.:/-]+")
_URL = re.compile(r"https?://[^\s<>|)\]]+", re.IGNORECASE)
_ID = re.compile(r"https?://\S+|\brevert:\S+|[\w.-]+/[\w.-]+#\d+|\bdeploy:[\w.:/-]+")
_MENTION = re.compile(r"(?<![\w.])@[\w.-]+|<[!@#][^>]*>")
# Markup a narrative never needs: HTML or XML tags (`<script`, `</briefing_payload>`,
# `<!--`), Slack's `<mailto:…|…>`, and link schemes other than http(s). The renderers
# escape all of it; refusing it as well catches an answer that echoes an injection.
_MARKUP = re.compile(r"</?[A-Za-z?][^<>\s]*|<!(?:--|\[)")
_SCHEME = re.compile(r"\b(?:javascript:|vbscript:|mailto:|data:[\w.+-]+/|file://)", re.IGNORECASE)
_NUMBER_WORDS = {
    "no": 0, "zero": 0, "one": 1, "a single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_COUNT_CLAIM = re.compile(
    r"\b(\d+|no|zero|one|a single|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(critical|warnings?|info)\b(?!-)",
    re.IGNORECASE,
)
# Claims that the week is fine. Refused while the week has critical or warning cards:
# the model words the cards, it does not get to talk them down.
_CALM = re.compile(
    r"\ball[- ]clear\b|\bnothing (?:urgent|serious|alarming|major|to worry about|stands out"
    r"|of note)\b|\b(?:a |an )?(?:calm|quiet|uneventful|smooth|routine|unremarkable"
    r"|low[- ]risk|healthy|stable) week\b|\bonly (?:a |some )?minor\b"
    r"|\bminor (?:issues?|problems?|concerns?)\b|\blow[- ]severity\b|\bnothing to (?:do|act on)\b",
    re.IGNORECASE,
)
# "Nothing critical" is true of a week of warnings only: refused while a card is critical.
_NONE_CRITICAL = re.compile(
    r"\bnothing critical\b|\bno critical (?:issues?|problems?|risks?|cards?|concerns?)\b",
    re.IGNORECASE,
)
# Words a narrative may capitalise that no payload spells: days, months, tools and terms.
_PLAIN_CAPITALS = frozenset(
    {
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "github",
        "gitlab",
        "slack",
        "claude",
        "codeowners",
        "mttr",
        "cfr",
        "dora",
        "ai",
        "pr",
        "prs",
        "ci",
        "cd",
        "api",
        "slo",
        "slos",
        "sre",
        "qa",
        "ops",
        "devops",
        "i",
        "ok",
    }
)
_MEASURE = re.compile(
    r"\s*(?:%|percent|per ?cent|points?\b|pp\b|min|minutes?\b|hours?\b|h\b|days?\b|x\b"
    r"|×|times\b|s\b|seconds?\b|ms\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[(\[\"“‘]\s*)$")
_SEVERITY_TAMPERING = re.compile(
    r"\b(?:not|no longer|isn't|is not|aren't|are not)\s+(?:really\s+)?(?:critical|urgent|a warning)"
    r"|\b(?:downgrad|de-?prioriti[sz])\w*"
    r"|\bmark(?:ed|ing)?\s+(?:everything|all|it|this|these|them)\s+"
    r"(?:as\s+)?(?:info|a warning|warning|safe)\b",
    re.IGNORECASE,
)


def _numbers_in(text: str) -> Iterator[tuple[float, int]]:
    """Numbers written in ``text`` and how many decimals each was written with."""
    for match in _NUMBER.finditer(text):
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        yield float(raw), decimals


def _payload_numbers(payload: BriefingPayload, sent: str) -> set[float]:
    """Every number in ``sent`` (the JSON the model was given), ids, dates and titles included.

    Also the differences between a card's own figures of the same unit ("up 15.6
    points", "3 more than last week") and the complements of its percentages
    ("26% of changed files had no owner"): true, and how people say it. A number
    only the stored payload holds (a signal's points, say) was never shown to the
    model, so it cannot have come from the data.
    """
    found = {value for value, _ in _numbers_in(sent)}
    for card in payload.cards:
        for a in card.facts:
            if a.unit == "%":
                found.add(round(100.0 - a.value, 6))
            for b in card.facts:
                if a.unit == b.unit and a is not b:
                    found.add(round(abs(a.value - b.value), 6))
    return found


def _matches(value: float, decimals: int, allowed: Iterable[float]) -> bool:
    """True when some payload number, rounded as the narrative wrote it, gives ``value``."""
    tolerance = 0.5 * 10**-decimals + 1e-9
    return any(abs(value - a) <= tolerance for a in allowed)


def _texts(narrative: Narrative) -> Iterator[tuple[str, str]]:
    yield "the headline", narrative.headline
    for p in narrative.paragraphs:
        yield f"the paragraph for {p.card_id}", p.text
        if p.action:
            yield f"the action for {p.card_id}", p.action


def _card_problems(payload: BriefingPayload, narrative: Narrative) -> Iterator[str]:
    ids = [c.id for c in payload.cards]
    given = [p.card_id for p in narrative.paragraphs]
    for card_id in given:
        if card_id not in ids:
            yield f"there is a paragraph for card {card_id!r}, which is not in the payload"
    for card_id in sorted({c for c in given if given.count(c) > 1}):
        yield f"card {card_id!r} has more than one paragraph"
    for card_id in ids:
        if card_id not in given:
            yield f"card {card_id!r} has no paragraph; every card needs exactly one"


def _reference_problems(where: str, text: str, payload: BriefingPayload) -> Iterator[str]:
    # A revert incident's key names the reverting change: ``revert:owner/repo#N``.
    change_ids = {c.id for c in payload.top_changes} | {
        e.key for card in payload.cards for e in card.evidence
    }
    parsed = (ChangeKey.parse(cid) for cid in change_ids)
    change_numbers = {str(k.number) for k in parsed if k is not None and k.number is not None}
    for ref in _CHANGE_REF.findall(text):
        if ref not in change_ids and ref.lstrip("#") not in change_numbers:
            yield f"{where} names change {ref}, which is not in the payload"
    keys = (
        {i.id for i in payload.incidents}
        | {i.deploy for i in payload.incidents if i.deploy}
        | {str(e) for card in payload.cards for e in card.evidence}
        | {c.id for c in payload.cards}
    )
    for ref in _KEY_REF.findall(text):
        if ref.rstrip(".,;:)") not in keys:
            yield f"{where} names {ref}, which is not in the payload"
    urls = {c.url for c in payload.top_changes if c.url}
    for url in _URL.findall(text):
        if url.rstrip(".,;:") not in urls:
            yield f"{where} has the link {url}, which is not in the payload; leave links out"
    for mention in _MENTION.findall(text):
        yield f"{where} has the mention {mention}; never mention people or channels"
    for markup in dict.fromkeys(_MARKUP.findall(text)):
        yield f"{where} has the markup {markup[:40]}; write plain sentences without tags"
    for scheme in dict.fromkeys(m.lower().split(":")[0] for m in _SCHEME.findall(text)):
        yield f"{where} has a {scheme}: link, which is not in the payload; leave links out"


def _number_problems(where: str, text: str, allowed: set[float]) -> Iterator[str]:
    for match in _NUMBER.finditer(text):
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw)
        # A whole number counts things unless a measure follows it: "17 changes" must be
        # 17 exactly, while "17%" or "17 min" may round 16.7.
        counted = decimals == 0 and not _MEASURE.match(text, match.end())
        exact = {a for a in allowed if float(a).is_integer()} if counted else allowed
        if not _matches(value, decimals, exact):
            yield (
                f"{where} says {raw}, a number that is not in the payload; use only its "
                "figures, rounded as they are or as a difference of one card's figures"
            )


def _name_problems(
    where: str, text: str, payload: BriefingPayload, known_names: Iterable[str]
) -> Iterator[str]:
    present = {s.id.lower() for s in payload.services} | {s.name.lower() for s in payload.services}
    present |= {t.id.lower() for t in payload.teams} | {t.name.lower() for t in payload.teams}
    present |= {s.lower() for s in payload.scope.services} | {
        c.service.lower() for c in payload.top_changes if c.service
    }
    # Ids are ids, not names: "platform" in acme/platform#4503 is no mention of a team Platform.
    lowered = _ID.sub(" ", text).lower()
    for name in sorted({n for n in known_names if n}):
        lowered_name = name.lower()
        # The substring test first: compiling a pattern per name is the slow part.
        if lowered_name in present or lowered_name not in lowered:
            continue
        if re.search(rf"(?<![\w-]){re.escape(lowered_name)}(?![\w-])", lowered):
            yield f"{where} names {name}, which is not in this briefing's payload"


def _severity_problems(where: str, text: str, payload: BriefingPayload) -> Iterator[str]:
    counts = {
        "critical": payload.severity_counts.critical,
        "warning": payload.severity_counts.warning,
        "info": payload.severity_counts.info,
    }
    for number, word in _COUNT_CLAIM.findall(text):
        severity = word.lower().rstrip("s")
        said = int(number) if number.isdigit() else _NUMBER_WORDS[number.lower()]
        if said != counts[severity]:
            yield (
                f"{where} says {number} {word}, but the briefing has "
                f"{counts[severity]} {severity} cards; give the number the payload gives"
            )
    for phrase in _SEVERITY_TAMPERING.findall(text):
        yield f"{where} restates a severity ({phrase!r}); severities are fixed by the rules"
    calm = (
        [m.group() for m in _CALM.finditer(text)] if counts["critical"] + counts["warning"] else []
    )
    if counts["critical"]:
        calm += [m.group() for m in _NONE_CRITICAL.finditer(text)]
    if calm:
        for phrase in dict.fromkeys(calm):
            yield (
                f"{where} calls the week {phrase!r}, but it has {counts['critical']} critical "
                f"and {counts['warning']} warning cards; say where the risk is instead"
            )
    elif payload.very_high_risk:
        # A change a gate made very high risk is never under a quiet headline.
        for phrase in dict.fromkeys(m.group() for m in _CALM.finditer(text)):
            yield (
                f"{where} calls the week {phrase!r}, but "
                f"{many(len(payload.very_high_risk), 'change')} merged at very high risk; "
                "name them instead"
            )


def _vocabulary(sent: str) -> frozenset[str]:
    """Every word the model was shown (the system prompt and the payload), lower-cased."""
    return frozenset(w.lower() for w in _WORD.findall(SYSTEM_PROMPT + " " + sent))


def _invented_names(where: str, text: str, vocabulary: frozenset[str]) -> Iterator[str]:
    """Capitalised words inside a sentence that the model was never shown: made-up names.

    A sentence's first word is capitalised anyway and says nothing; ids (acme/shop#7,
    INC-12) and links are ids, not names.
    """
    clean = _ID.sub(lambda m: " " * len(m.group()), text)
    clean = _KEY_REF.sub(lambda m: " " * len(m.group()), clean)
    for match in _WORD.finditer(clean):
        word = match.group()
        if not word[0].isupper() or _SENTENCE_START.search(clean[: match.start()]):
            continue
        # A possessive is its name: "Payments'" and "Checkout's" name Payments and Checkout.
        lowered = re.sub(r"['’]s?$", "", word.lower()).strip("-")
        if lowered in vocabulary or lowered in _PLAIN_CAPITALS or word.lower() in vocabulary:
            continue
        yield (
            f"{where} names {word!r}, which the payload does not; name only the services, "
            "teams and changes it gives"
        )


Week = Literal["this", "last"]

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

# A measure's unit as the cards write it.
_UNIT = re.compile(r"\s*(%|per ?cent\b|percent\b|min\b|minutes?\b|h\b|hours?\b)", re.IGNORECASE)
# Parenthesised words that say nothing about the week: "255 min to resolve (median) this week".
_ASIDE = re.compile(r"\((?:median|mean|average|p50)\)", re.IGNORECASE)
_BOUNDARY = re.compile(r"[,;.!?()\[\]\d]")
_LAST_BEFORE = re.compile(
    r"(?:\bfrom|\bagainst|\bversus|\bvs\.?|\bcompared (?:with|to)|\bwhereas"
    r"|\blast week(?:['’]s)?(?:\s+(?:was|were|of|at|had|it was))?"
    r"|\bthe week before(?:\s+(?:was|were|of|at|had))?"
    r"|\bprevious(?:ly)?(?:\s+week(?:['’]s)?)?(?:\s+(?:was|were|of|at|had))?)\s*:?\s*$",
    re.IGNORECASE,
)
_THIS_BEFORE = re.compile(
    r"(?:\bthis week(?:['’]s)?(?:\s+(?:was|were|of|at|had|it was))?|\bnow(?:\s+at)?)\s*:?\s*$",
    re.IGNORECASE,
)
_TO_BEFORE = re.compile(r"\bto\s*$", re.IGNORECASE)
_MOVED = re.compile(
    r"\b(?:rose|risen|rising|climbed|jumped|grew|grown|increased|fell|fallen|dropped|declined"
    r"|decreased|slowed|improved|cut|shrank|went|moved|came)\b",
    re.IGNORECASE,
)
# Words after a number that make "last week" the other side of a comparison, not its week.
_COMPARING = frozenset(
    [
        "from",
        "than",
        "since",
        "against",
        "versus",
        "vs",
        "vs.",
        "compared",
        "up",
        "down",
        "more",
        "fewer",
        "less",
        "points",
        "pp",
        "higher",
        "lower",
        "before",
        "after",
        "over",
        "under",
    ]
)


@dataclass(frozen=True, slots=True)
class _Figure:
    """A number a card or the week holds, its unit and the week it is of (``None``: no week)."""

    value: float
    unit: str
    week: Week | None
    card: str | None


def _week_of(key: FactKey) -> Week | None:
    """The week a card fact is of: its name says so, or it is the other side of a pair."""
    name = key.name
    if name.endswith("LAST_WEEK"):
        return "last"
    if name.endswith("THIS_WEEK") or f"{name}_LAST_WEEK" in FactKey.__members__:
        return "this"
    return None


def _card_figures(card: CardView) -> list[_Figure]:
    return [_Figure(f.value, f.unit, _week_of(f.key), card.id) for f in card.facts]


def _week_figures(payload: BriefingPayload) -> list[_Figure]:
    """The week's own pairs (the headline's ground): changes, high-risk changes and metrics."""
    m = payload.metrics
    pairs: list[tuple[float | None, float | None, str]] = [
        (payload.distribution.total, payload.distribution_last_week.total, ""),
        (payload.distribution.high_risk, payload.distribution_last_week.high_risk, ""),
        (m.mttr_minutes, m.mttr_minutes_last_week, "min"),
        (m.change_failure_rate, m.change_failure_rate_last_week, "%"),
        (m.deploys, m.deploys_last_week, ""),
        (m.incidents, m.incidents_last_week, ""),
        (m.codeowners_coverage, m.codeowners_coverage_last_week, "%"),
    ]
    out: list[_Figure] = []
    for now, before, unit in pairs:
        if now is not None:
            out.append(_Figure(float(now), unit, "this", None))
        if before is not None:
            out.append(_Figure(float(before), unit, "last", None))
    return out


def _said_week(text: str, start: int, end: int) -> Week | None:
    """The week the words around the number at ``text[start:end]`` give it, if they clearly do.

    Before it: "from", "against", "last week" say last week; "this week", "now", or "to" after
    a verb of change ("fell to") say this week. After it (and its unit): "this week" or "last
    week" within a few words, unless a comparison comes first ("3 more than last week").
    """
    head_start = max((m.end() for m in _BOUNDARY.finditer(text, 0, start)), default=0)
    head = text[head_start:start]
    said: set[Week] = set()
    if _LAST_BEFORE.search(head):
        said.add("last")
    elif _THIS_BEFORE.search(head) or (_TO_BEFORE.search(head) and _MOVED.search(head)):
        said.add("this")
    boundary = _BOUNDARY.search(text, end)
    tail = text[end : boundary.start() if boundary else len(text)].lower().split()
    for i, word in enumerate(tail[:7]):
        if word in _COMPARING:
            break
        if word in ("this", "last") and i + 1 < len(tail) and tail[i + 1].startswith("week"):
            said.add("this" if word == "this" else "last")
            break
    return said.pop() if len(said) == 1 else None


def _placement_problems(
    where: str, text: str, own: list[_Figure], others: list[_Figure]
) -> Iterator[str]:
    """Figures said of the wrong week, and (in a card's paragraph) another card's figures."""
    clean = _ASIDE.sub(lambda m: " " * len(m.group()), text)
    for match in _NUMBER.finditer(clean):
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw)
        unit_match = _UNIT.match(clean, match.end())
        unit = ""
        end = match.end()
        if unit_match:
            word = unit_match.group(1).lower()
            unit = "%" if word[0] in "%p" else "min" if word.startswith("min") else "h"
            end = unit_match.end()
        same = [f for f in own if f.unit == unit and _matches(value, decimals, [f.value])]
        week = _said_week(clean, match.start(), end)
        weeks = {f.week or "this" for f in same}
        if week is not None and weeks and week not in weeks:
            other = "last" if week == "this" else "this"
            yield (
                f"{where} gives {raw}{unit and ' ' + unit} as {week} week's figure, but the "
                f"payload has it as {other} week's; keep each week's figure with its week"
            )
        if unit and not same and others:
            borrowed = next(
                (f for f in others if f.unit == unit and _matches(value, decimals, [f.value])),
                None,
            )
            if borrowed is not None and not _matches(value, decimals, _derived(own, unit)):
                yield (
                    f"{where} says {raw}{unit and ' ' + unit}, which is a figure of card "
                    f"{borrowed.card}, not of this card; give each card its own figures"
                )


def _derived(figures: list[_Figure], unit: str) -> list[float]:
    """What a card's figures of ``unit`` allow besides themselves: differences, complements."""
    values = [f.value for f in figures if f.unit == unit]
    out = [abs(a - b) for a in values for b in values]
    if unit == "%":
        out += [100.0 - v for v in values]
    return out


def _band_counts(counts: Counts) -> set[int]:
    bands = (counts.safe, counts.moderate, counts.high, counts.critical)
    return {*bands, counts.total, counts.high_risk, counts.safe + counts.moderate}


def _known_counts(payload: BriefingPayload) -> dict[str, set[int]]:
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
    changes |= {u.changes, u.review, u.codeowners, len(payload.top_changes)}
    changes |= {*Counter(c.band for c in payload.top_changes).values()}
    changes |= {len(payload.very_high_risk)}
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


def _count_problems(where: str, text: str, known: dict[str, set[int]]) -> Iterator[str]:
    """Counts of incidents, changes and deploys, in digits or words, that the payload lacks."""
    for match in _COUNTED.finditer(text):
        between = match.group("between").lower().split()
        if any(w in _NOT_A_COUNT for w in between):
            continue
        # A measure is not a count: "1.6 h after the deploy" says nothing of how many.
        if not match.group("m") and _MEASURE.match(text, match.end("n")):
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


def check_narrative(
    payload: BriefingPayload, narrative: Narrative, known_names: Iterable[str] = ()
) -> tuple[str, ...]:
    """The problems that keep ``narrative`` from being used; an empty tuple means grounded.

    ``known_names`` are service and team names of the whole organisation: naming
    one that is not in this payload counts as naming something outside it.
    """
    sent = payload_json(payload)
    allowed = _payload_numbers(payload, sent)
    vocabulary = _vocabulary(sent)
    names = tuple(known_names)
    problems = list(_card_problems(payload, narrative))
    known = _known_counts(payload)
    figures = {c.id: _card_figures(c) for c in payload.cards}
    every = [f for fs in figures.values() for f in fs] + _week_figures(payload)
    for p in narrative.paragraphs:
        if p.card_id not in figures:
            continue
        where = f"the paragraph for {p.card_id}"
        others = [f for card_id, fs in figures.items() if card_id != p.card_id for f in fs]
        problems += _placement_problems(where, neutralise(p.text), figures[p.card_id], others)
    problems += _placement_problems("the headline", neutralise(narrative.headline), every, [])
    words = 0
    for where, raw in _texts(narrative):
        # As a reader will see it: hidden characters cannot split a mention or a tag.
        text = neutralise(raw)
        words += len(text.split())
        problems += _reference_problems(where, text, payload)
        problems += _number_problems(where, text, allowed)
        problems += _name_problems(where, text, payload, names)
        problems += _severity_problems(where, text, payload)
        problems += _invented_names(where, text, vocabulary)
        problems += _count_problems(where, text, known)
    if words > MAX_WORDS:
        problems.append(f"the narrative has {words} words; keep it under {MAX_WORDS}")
    return tuple(dict.fromkeys(problems))
