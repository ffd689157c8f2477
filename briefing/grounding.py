"""The grounding check: a narrative may only say what the payload holds.

Every number, card, change, incident, deploy, link and person a narrative
names must be in the payload (numbers within the rounding they are written
with); it must give one paragraph per card and none for anything else, and it
may not restate a card's severity as something else. A number must also sit
where it belongs: a figure the card has for last week is not said of this
week (nor the other way round), a card's paragraph does not borrow another
card's figures, and a count of incidents, changes or deploys, in digits or in
words ("three incidents"), must be a count the payload has of those (those
places and counts are ``briefing.claims``). The problems are worded for the
repair request, so the model can fix them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from briefing.claims import (
    MEASURE,
    NUMBER,
    card_figures,
    matches,
    placement_problems,
    plan_problems,
    week_figures,
)
from briefing.count_claims import count_problems, known_counts
from briefing.narrative import MAX_WORDS, Narrative
from briefing.payload import BriefingPayload
from briefing.prompt import SYSTEM_PROMPT, payload_json
from briefing.render.escape import neutralise
from briefing.tone import severity_problems
from scoring.change_key import ChangeKey

__all__ = [
    "CHANGE_REF",
    "KEY_REF",
    "MARKUP",
    "MAX_WORDS",
    "MENTION",
    "SCHEME",
    "URL",
    "check_narrative",
    "invented_names",
]

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
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[(\[\"“‘]\s*)$")


def _numbers_in(text: str) -> Iterator[tuple[float, int]]:
    """Numbers written in ``text`` and how many decimals each was written with."""
    for match in NUMBER.finditer(text):
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        yield float(raw), decimals


def _culprit_keys(payload: BriefingPayload) -> set[str]:
    """The changes incident cards carry as their likeliest culprits, and the reverts of them."""
    return {
        key
        for card in payload.cards
        for c in card.culprits
        for key in (c.key, c.reverted_by)
        if key is not None
    }


def _payload_numbers(payload: BriefingPayload, sent: str) -> set[float]:
    """Every number in ``sent`` (the JSON the model was given), ids, dates and titles included.

    Also the differences between a card's own figures of the same unit ("up 15.6
    points", "3 more than last week") and the complements of its percentages
    ("26% of changed files had no owner"): true, and how people say it. A number
    only the stored payload holds (a signal's points, say) was never shown to the
    model, so it cannot have come from the data.
    """
    found = {value for value, _ in _numbers_in(sent)}
    found |= {value for key in _culprit_keys(payload) for value, _ in _numbers_in(key)}
    for card in payload.cards:
        for a in card.facts:
            if a.unit == "%":
                found.add(round(100.0 - a.value, 6))
            for b in card.facts:
                if a.unit == b.unit and a is not b:
                    found.add(round(abs(a.value - b.value), 6))
    return found


def _texts(narrative: Narrative) -> Iterator[tuple[str, str]]:
    yield "the headline", narrative.headline
    if narrative.plan is not None:
        yield "the plan", narrative.plan
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
    planned = payload.plan.shown if payload.plan is not None else ()
    change_ids = (
        {c.id for c in payload.top_changes}
        | {e.key for card in payload.cards for e in card.evidence}
        | {i.id for i in planned}
    )
    # An incident card's likeliest culprits (and their reverts) are its to name.
    change_ids |= _culprit_keys(payload)
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
    urls = {c.url for c in payload.top_changes if c.url} | {i.url for i in planned if i.url}
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
    for match in NUMBER.finditer(text):
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw)
        # A whole number counts things unless a measure follows it: "17 changes" must be
        # 17 exactly, while "17%" or "17 min" may round 16.7.
        counted = decimals == 0 and not MEASURE.match(text, match.end())
        exact = {a for a in allowed if float(a).is_integer()} if counted else allowed
        if not matches(value, decimals, exact):
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
    present |= {b.name.lower() for b in payload.budget_burns} | {
        b.service.lower() for b in payload.budget_burns
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


def _vocabulary(sent: str) -> frozenset[str]:
    """Every word the model was shown (the system prompt and the payload), lower-cased."""
    return frozenset(w.lower() for w in _WORD.findall(SYSTEM_PROMPT + " " + sent))


def invented_names(where: str, text: str, vocabulary: frozenset[str]) -> Iterator[str]:
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
    known = known_counts(payload)
    figures = {c.id: card_figures(c) for c in payload.cards}
    every = [f for fs in figures.values() for f in fs] + week_figures(payload)
    for p in narrative.paragraphs:
        if p.card_id not in figures:
            continue
        where = f"the paragraph for {p.card_id}"
        others = [f for card_id, fs in figures.items() if card_id != p.card_id for f in fs]
        problems += placement_problems(where, neutralise(p.text), figures[p.card_id], others)
    problems += placement_problems("the headline", neutralise(narrative.headline), every, [])
    words = 0
    for where, raw in _texts(narrative):
        # As a reader will see it: hidden characters cannot split a mention or a tag.
        text = neutralise(raw)
        words += len(text.split())
        problems += _reference_problems(where, text, payload)
        problems += _number_problems(where, text, allowed)
        problems += _name_problems(where, text, payload, names)
        problems += severity_problems(where, text, payload)
        problems += invented_names(where, text, vocabulary)
        problems += count_problems(where, text, known)
        problems += plan_problems(where, text, payload)
    if words > MAX_WORDS:
        problems.append(f"the narrative has {words} words; keep it under {MAX_WORDS}")
    return tuple(dict.fromkeys(problems))


# The patterns the Slack assistant's check (``bot.assistant.grounding``) reads a reply with.
CHANGE_REF = _CHANGE_REF
KEY_REF = _KEY_REF
URL = _URL
MENTION = _MENTION
MARKUP = _MARKUP
SCHEME = _SCHEME
