"""The project's own code at the root of a clone whose folders hold the rest: a service of the
clone's name when it is a tenth of the code, by files or by bytes, in the clone's main language
(a Terraform module's ``main.tf`` beside its ``modules/``; picorv32's one 95 KB core beside the
folders of its firmware and SoC), or when its files took more than a tenth of the last
year's code changes (llm.c's programs beside the ``llmc/`` headers they include; the one
``init.lua`` of a Neovim configuration beside its ``lua/`` plugins)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from bot.quickstart.unowned_code import UNOWNED_WARNING, code_changes
from scoring.linguist import language_of

__all__ = ["MIN_CHANGES", "ROOT_SHARE", "SETTINGS_NAME", "busy_root", "root_code"]

# The share of a clone's code at its root that makes the root a service of its own.
ROOT_SHARE = 0.1
# A year of fewer code changes says nothing of where a project changes (a Salt formula's six,
# all of them its release tooling's).
MIN_CHANGES = 20
# A tool's settings written as code (``vite.config.ts``, ``.eslintrc.js``, ``karma.conf.js``).
SETTINGS_NAME = re.compile(r"^\.|\.(config|conf|rc)\.[^.]+$", re.IGNORECASE)


def root_code(code: list[str], sizes: Mapping[str, int] | None = None) -> tuple[str, ...]:
    """The globs of the project's own code at the root of a clone whose folders hold the rest
    (a Terraform module's ``main.tf`` and ``variables.tf`` beside its ``modules/``): its files
    in the language most of the clone's code is written in, when they are two at least and a
    tenth of the code, by files or by their bytes (``sizes``, HEAD's): a hardware core is one
    large file at the root beside folders of many small ones (picorv32's ``picorv32.v`` and
    testbenches, a quarter of the code's bytes in 4 of its 140 files). A tool's settings and a
    lone script at the root make no service."""
    if not code:
        return ()
    languages = Counter(language_of(f) for f in code)
    main, _ = languages.most_common(1)[0]
    own = [
        f for f in code
        if "/" not in f and not SETTINGS_NAME.search(f) and language_of(f) == main
    ]  # fmt: skip
    if main is None or len(own) < 2:
        return ()
    weighed = sizes or {}
    total = sum(weighed.get(f, 0) for f in code)
    by_bytes = total > 0 and sum(weighed.get(f, 0) for f in own) >= ROOT_SHARE * total
    if len(own) < ROOT_SHARE * len(code) and not by_bytes:
        return ()
    # By extension, so a root file added later is the root's too; a name without one as itself.
    return tuple(sorted({f"*{PurePosixPath(f).suffix}" if "." in f else f for f in own}))


def busy_root(path: Path, code: list[str]) -> tuple[str, ...]:
    """The globs of the code at the root of a clone whose last year says the project changes
    there (llm.c's ``train_gpt2.cu`` and ``train_gpt2.py``, beside the ``llmc/`` headers they
    include and a ``dev/`` of kernels being tried): its files in any language, a tool's settings
    aside, by name, when they took more of the year's code changes (``unowned_code.code_changes``,
    ``MIN_CHANGES`` at least) than quickstart lets sit in no service (``UNOWNED_WARNING``). One
    file is enough here, unlike by share of the code: the year's changes say it is where the
    project changes (kickstart.nvim's ``init.lua``, 50 of the year's 75 code changes)."""
    own = {f for f in code if "/" not in f and not SETTINGS_NAME.search(f)}
    if not own:
        return ()
    changed, _ = code_changes(path)
    at_root = sum(1 for p in changed if p in own)
    if len(changed) < MIN_CHANGES or at_root <= UNOWNED_WARNING * len(changed):
        return ()
    # By name: an extension's glob would take in a tool's settings beside them
    # (``commitlint.config.js`` beside ``release-rules.js``).
    return tuple(sorted(own))
