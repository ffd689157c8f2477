"""A code host's check as configured: on, or why it is off (`serve`'s log and the doctor's line).

A host's package returns these from its ``check_states``; it imports this module, and the
registry (``bot.checks.registry``, which loads the hosts' packages only when asked) only
for what the registry declares of it, as GitLab reads its signing token's form there.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CheckState"]


@dataclass(frozen=True, slots=True)
class CheckState:
    """One check of a host (or of an edition) as configured: on, or why it is off.

    ``name`` is the doctor's line; ``secret`` says its webhook secret is set (off then
    is a mistake to see) and ``table`` its table in riskbrief.toml (an organisation may
    sync the host without the check); ``off`` is why it is off, one sentence of
    "<what>; <instruction>; …", and ``on`` what it does when on.
    """

    name: str
    secret: bool
    table: bool
    off: str | None
    on: str
