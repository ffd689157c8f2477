"""A settings pattern checked when riskbrief.toml is read, so a bad one is one sentence.

Patterns are Python regular expressions, matched case-insensitively with
``re.search``. Like a source's ``settings`` module, this imports nothing of the project.
"""

from __future__ import annotations

import re

__all__ = ["check_pattern"]


def check_pattern(value: str | None) -> str | None:
    """``value`` when it compiles as a regular expression; a ValueError saying why otherwise."""
    if value is None:
        return None
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    return value
