"""Single-file components' hunks (Vue's ``.vue``, Svelte's): where a hunk starts inside the
component's ``<script>``, which a lexer reading the hunk alone cannot know."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygments.lexer import Lexer

__all__ = ["COMPONENT_STAND_INS", "opens_in_script"]

# Single-file components Pygments has no lexer for, read by the one it has for Vue's: markup
# with a ``<script>`` and a ``<style>``, whose script's and markup's comments are no code.
COMPONENT_STAND_INS = {".svelte": ".vue"}


# Lexers of single-file components (Vue's ``.vue``): markup holding a ``<script>``, lexed from
# the markup's state, so that a hunk inside the script, where most of a component's edits
# are, read its comments as the markup's text, that is as code.
_COMPONENTS = frozenset({"VueLexer"})
# Where a component's sections open or close.
_SECTION_MARK = re.compile(r"<(/?)(script|template|style)\b", re.IGNORECASE)
# A line that starts with a tag or an HTML comment, as a template's lines do.
_TAG_LINE = re.compile(r"^\s*<")


def opens_in_script(lexer: Lexer, lines: Sequence[str]) -> bool:
    """True when one side of a component's hunk starts inside its ``<script>``.

    Either the first section mark it holds closes a script, or it holds none and no line
    starts with a tag: a template's hunk holds such lines within its context, a script's
    rarely does (uptime-kuma's JSDoc comments in its components' methods read as code).
    """
    if type(lexer).__name__ not in _COMPONENTS:
        return False
    mark = _SECTION_MARK.search("\n".join(lines))
    if mark is not None:
        return mark.group(1) == "/" and mark.group(2).lower() == "script"
    return not any(_TAG_LINE.match(line) for line in lines)
