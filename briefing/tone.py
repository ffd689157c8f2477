"""The tone check of a narrative: severities as the rules set them, and no calm week that is not.

A count of critical, warning or info cards must be the payload's; no card's severity may be
talked down ("not really critical", "downgraded"); and no "quiet", "calm" or "all clear" week
while a card is critical or warning, a change merged or a deploy ran at very high risk, or an
outage (an incident that is no revert) opened in it. The problems are worded for the repair
request, as ``briefing.grounding``'s are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefing.payload import BriefingPayload
from scoring.plural import many

__all__ = ["severity_problems"]

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
_SEVERITY_TAMPERING = re.compile(
    r"\b(?:not|no longer|isn't|is not|aren't|are not)\s+(?:really\s+)?(?:critical|urgent|a warning)"
    r"|\b(?:downgrad|de-?prioriti[sz])\w*"
    r"|\bmark(?:ed|ing)?\s+(?:everything|all|it|this|these|them)\s+"
    r"(?:as\s+)?(?:info|a warning|warning|safe)\b",
    re.IGNORECASE,
)


def severity_problems(where: str, text: str, payload: BriefingPayload) -> Iterator[str]:
    """What in ``text`` (at ``where``) misstates the week's severities or its tone: a count of
    a severity the payload does not have, a severity talked down, or a calm week while cards
    are critical or warning, a change or deploy ran at very high risk, or an outage opened."""
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
    calm = list(dict.fromkeys(m.group() for m in _CALM.finditer(text)))
    if counts["critical"] + counts["warning"]:
        if counts["critical"]:
            calm += [m.group() for m in _NONE_CRITICAL.finditer(text)]
        for phrase in dict.fromkeys(calm):
            yield (
                f"{where} calls the week {phrase!r}, but it has {counts['critical']} critical "
                f"and {counts['warning']} warning cards; say where the risk is instead"
            )
    elif payload.very_high_risk or payload.very_high_deploys:
        # A change a gate made very high risk, or a very-high-risk deploy, is never under a
        # quiet headline.
        what = [
            f"{many(len(payload.very_high_risk), 'change')} merged"
            if payload.very_high_risk
            else "",
            f"{many(len(payload.very_high_deploys), 'deploy')} ran"
            if payload.very_high_deploys
            else "",
        ]
        for phrase in calm:
            yield (
                f"{where} calls the week {phrase!r}, but "
                f"{' and '.join(w for w in what if w)} at very high risk; name them instead"
            )
    elif outages := payload.outages:
        # An outage is news whether or not a card came of it; a revert is a change that
        # failed, which the change failure rate counts, and leaves a week quiet.
        for phrase in calm:
            yield (
                f"{where} calls the week {phrase!r}, but "
                f"{many(len(outages), 'incident')} opened in it; name them instead"
            )
