"""Whether a dotfile is a tool's run-control settings, by the ``.<tool>rc`` convention."""

from __future__ import annotations

import re

from scoring.linguist import language_of

__all__ = ["is_run_control"]

# ``.<tool>rc``, bare or with the extension of the language the tool reads it in (luacheck's Lua
# ``.luacheckrc``, Babel's ``.babelrc.js``, Pry's ``.pryrc``). Searched in "/" + the lower-cased
# path, as ``scoring.paths`` searches.
_RUN_CONTROL = re.compile(r"/\.[a-z0-9_-]+rc(\.[a-z]+)?$")
# A shell's or an editor's startup script (``.bashrc``, ``.zshrc``, ``.vimrc``) is a program of
# its own: what a dotfiles repository ships.
_STARTUP_LANGUAGES = frozenset({"Shell", "Vim Script", "Emacs Lisp"})


def is_run_control(path: str, slashed: str) -> bool:
    """Whether ``path`` (``slashed``: "/" + it, lower-cased) is a tool's settings dotfile, in
    whatever language the tool reads, but a shell's or an editor's startup script."""
    return _RUN_CONTROL.search(slashed) is not None and language_of(path) not in _STARTUP_LANGUAGES
