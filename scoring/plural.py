"""Counted nouns in words: "1 incident", "3 incidents", "1 change was", "2 changes were".

One place for plurals, so that no briefing and no signal's reason says "(1 incidents)".
It sits in ``scoring`` because the scorer's reasons count too, and ``briefing`` may import
``scoring`` but not the other way round. Numbers are written as the cards write them:
whole numbers without a decimal point.
"""

from __future__ import annotations

__all__ = ["many", "number", "plural", "was"]

# Nouns whose plural is not the noun with an "s".
_IRREGULAR = {"was": "were", "is": "are", "has": "have", "this": "these"}


def number(value: float) -> str:
    """A card number as written: whole numbers without a decimal point."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def plural(n: float, word: str) -> str:
    """``word`` as it agrees with ``n``: singular for exactly one, plural otherwise."""
    if n == 1:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    # "deploy" and "change" take an s; the briefing's nouns need no other rule.
    return f"{word}es" if word.endswith(("s", "sh", "ch", "x")) else f"{word}s"


def many(n: float, word: str) -> str:
    """``n`` and ``word``, plural unless ``n`` is one: "1 change", "3 changes"."""
    return f"{number(n)} {plural(n, word)}"


def was(n: float) -> str:
    """ "was" for one, "were" for any other count."""
    return plural(n, "was")
