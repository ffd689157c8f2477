"""The check of a reply: every number and name in it must be in that conversation's tool results.

Checked as the briefing's narrative is (``briefing.grounding``, ``briefing.claims``): a
number must be one the tools gave, rounded as it is written (a share the tools give as
0.25 may be written 25%), and a whole number counting things must be one exactly, in
digits or in words ("nine changes"); a
service or team of the organisation, a change, a deploy, an incident, a link or a
capitalised name (a person's) must appear in a tool result; a mention, markup or an
unsafe link scheme is never written. What the asker typed grounds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.assistant.tools import ToolOutcome
from briefing.claims import MEASURE, NUMBER, matches
from briefing.grounding import (
    CHANGE_REF,
    KEY_REF,
    MARKUP,
    MENTION,
    SCHEME,
    URL,
    invented_names,
)
from briefing.render.escape import neutralise

__all__ = ["Grounds", "reply_problems", "sentences"]

_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# Counts written in words ("nine changes", "three failed deploys") are counts all the same.
_COUNT_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_WORDED_COUNT = re.compile(
    rf"\b({'|'.join(_COUNT_WORDS)})\s+(?:[A-Za-z-]+\s+){{0,2}}?"
    r"(?:changes|deploy(?:ment)?s|incidents|PRs|pull requests|releases|reverts|services|teams)\b",
    re.IGNORECASE,
)
# A sentence ends at ., ! or ? before a space, or at a line's end.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> tuple[str, ...]:
    """``text`` cut into its sentences, each without the space after it."""
    return tuple(s.strip() for s in _SENTENCE_END.split(neutralise(text)) if s.strip())


def _numbers(text: str) -> set[float]:
    found: set[float] = set()
    for match in NUMBER.finditer(text):
        value = float(match.group().replace(",", ""))
        found.add(value)
        # A share the tools give as a fraction is said as a percentage.
        if 0 < value < 1:
            found.add(round(value * 100, 6))
    return found


@dataclass(frozen=True, slots=True)
class Grounds:
    """What a reply may say: the tool results' text, numbers and words, and the names of the
    organisation a reply may only use when a result holds them."""

    text: str
    numbers: frozenset[float]
    vocabulary: frozenset[str]
    known_names: tuple[str, ...]

    @staticmethod
    def of(outcomes: Sequence[ToolOutcome], known_names: Iterable[str], prompt: str) -> Grounds:
        """The grounds ``outcomes`` give; ``prompt`` (the system prompt) adds words, no facts."""
        text = "\n".join(o.text for o in outcomes)
        words = {w.lower() for w in _WORD.findall(text + " " + prompt)}
        return Grounds(
            text=text,
            numbers=frozenset(_numbers(text)),
            vocabulary=frozenset(words),
            known_names=tuple(sorted({n for n in known_names if n})),
        )


def _number_problems(sentence: str, grounds: Grounds) -> Iterator[str]:
    # Ids are checked as ids: acme/platform#4503 holds no count of 4503 things.
    clean = KEY_REF.sub(" ", CHANGE_REF.sub(" ", URL.sub(" ", sentence)))
    exact = {a for a in grounds.numbers if float(a).is_integer()}
    for match in NUMBER.finditer(clean):
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        counted = decimals == 0 and not MEASURE.match(clean, match.end())
        if not matches(float(raw), decimals, exact if counted else grounds.numbers):
            yield f"says {raw}, which no tool result gives"
    for word in _WORDED_COUNT.findall(clean):
        if float(_COUNT_WORDS[word.lower()]) not in exact:
            yield f"says {word.lower()}, a count no tool result gives"


def _reference_problems(sentence: str, grounds: Grounds) -> Iterator[str]:
    for ref in CHANGE_REF.findall(sentence):
        number = ref.rpartition("#")[2]
        if ref not in grounds.text and float(number) not in grounds.numbers:
            yield f"names change {ref}, which no tool result gives"
    for ref in KEY_REF.findall(sentence):
        if ref.rstrip(".,;:)") not in grounds.text:
            yield f"names {ref}, which no tool result gives"
    for url in URL.findall(sentence):
        if url.rstrip(".,;:") not in grounds.text:
            yield f"has the link {url}, which no tool result gives"
    for mention in MENTION.findall(sentence):
        yield f"has the mention {mention}"
    for markup in dict.fromkeys(MARKUP.findall(sentence)):
        yield f"has the markup {markup[:40]}"
    for scheme in dict.fromkeys(m.lower() for m in SCHEME.findall(sentence)):
        yield f"has a {scheme} link"


def _name_problems(sentence: str, grounds: Grounds) -> Iterator[str]:
    lowered, results = sentence.lower(), grounds.text.lower()
    for name in grounds.known_names:
        low = name.lower()
        # The substring test first: compiling a pattern per name is the slow part.
        if low not in lowered:
            continue
        # Whole words on both sides: "research" in a title grounds no service "search".
        pattern = re.compile(rf"(?<![\w-]){re.escape(low)}(?![\w-])")
        if pattern.search(lowered) and not pattern.search(results):
            yield f"names {name}, which no tool result gives"
    for problem in invented_names("the reply", sentence, grounds.vocabulary):
        said = problem.removeprefix("the reply ").partition(", which")[0]
        yield f"{said}, which no tool result gives"


def reply_problems(sentence: str, grounds: Grounds) -> tuple[str, ...]:
    """Why ``sentence`` may not be shown; empty when every number and name in it is grounded."""
    problems = [
        *_number_problems(sentence, grounds),
        *_reference_problems(sentence, grounds),
        *_name_problems(sentence, grounds),
    ]
    return tuple(dict.fromkeys(problems))
