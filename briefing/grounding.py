"""The grounding check: a narrative may only say what the payload holds.

Every number, card, change, incident, deploy, link and person a narrative
names must be in the payload (numbers within the rounding they are written
with); it must give one paragraph per card and none for anything else, and it
may not restate a card's severity as something else. The problems are worded
for the repair request, so the model can fix them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render.escape import neutralise

__all__ = ["MAX_WORDS", "check_narrative"]

# A 90-second read.
MAX_WORDS = 350

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
_COUNT_CLAIM = re.compile(r"\b(\d+)\s+(critical|warnings?|info)\b(?!-)", re.IGNORECASE)
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


def _payload_numbers(payload: BriefingPayload) -> set[float]:
    """Every number the payload holds, including those inside ids, dates and titles.

    Also the differences between a card's own figures of the same unit ("up 15.6
    points", "3 more than last week") and the complements of its percentages
    ("26% of changed files had no owner"): true, and how people say it.
    """
    found = {value for value, _ in _numbers_in(payload.model_dump_json())}
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
    for n, action in enumerate(narrative.actions, start=1):
        yield f"action {n}", action


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
        e.removeprefix("revert:") for card in payload.cards for e in card.evidence
    }
    change_numbers = {cid.rsplit("#", 1)[1] for cid in change_ids if "#" in cid}
    for ref in _CHANGE_REF.findall(text):
        if ref not in change_ids and ref.lstrip("#") not in change_numbers:
            yield f"{where} names change {ref}, which is not in the payload"
    keys = (
        {i.id for i in payload.incidents}
        | {i.deploy for i in payload.incidents if i.deploy}
        | {e for card in payload.cards for e in card.evidence}
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
    for value, decimals in _numbers_in(text):
        if not _matches(value, decimals, allowed):
            shown = f"{value:.{decimals}f}"
            yield f"{where} says {shown}, a number that is not in the payload"


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
        if int(number) != counts[severity]:
            yield (
                f"{where} says {number} {word}, but the briefing has "
                f"{counts[severity]} {severity} cards"
            )
    for phrase in _SEVERITY_TAMPERING.findall(text):
        yield f"{where} restates a severity ({phrase!r}); severities are fixed by the rules"


def check_narrative(
    payload: BriefingPayload, narrative: Narrative, known_names: Iterable[str] = ()
) -> tuple[str, ...]:
    """The problems that keep ``narrative`` from being used; an empty tuple means grounded.

    ``known_names`` are service and team names of the whole organisation: naming
    one that is not in this payload counts as naming something outside it.
    """
    allowed = _payload_numbers(payload)
    names = tuple(known_names)
    problems = list(_card_problems(payload, narrative))
    words = 0
    for where, raw in _texts(narrative):
        # As a reader will see it: hidden characters cannot split a mention or a tag.
        text = neutralise(raw)
        words += len(text.split())
        problems += _reference_problems(where, text, payload)
        problems += _number_problems(where, text, allowed)
        problems += _name_problems(where, text, payload, names)
        problems += _severity_problems(where, text, payload)
    if words > MAX_WORDS:
        problems.append(f"the narrative has {words} words; keep it under {MAX_WORDS}")
    return tuple(dict.fromkeys(problems))
