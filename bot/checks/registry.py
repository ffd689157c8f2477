"""The code hosts' checks, one entry each: what `serve`, the doctor and the routes loop over.

An entry names its webhook's path, the variables holding its secrets and what the
doctor calls it, and loads the host's package (``bot.<host>``) only when asked: a
process that serves no host's check (a scheduler replica, ``riskbrief --help``)
imports none of them. The package answers ``HostChecks``: the state of each of its
checks (on, or why not), and the WSGI application of its webhook.

A fourth host's check is its package (``bot/<host>/``: its ``check``, ``webhook`` and
verdict modules, and ``states`` and ``webhook_of`` in its ``__init__``), its loader
and its entry below, and its webhook secret in ``bot.settings``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.checks.state import CheckState

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from sqlalchemy.engine import Engine

    from bot.settings import Settings
    from data.config import OrgConfig

__all__ = ["CHECKS", "CheckState", "CodeHostCheck", "HostChecks"]


class HostChecks(Protocol):
    """What a host's package gives the registry (its ``__init__`` module answers it)."""

    def states(
        self, settings: Settings, org: OrgConfig | None, environ: Mapping[str, str]
    ) -> tuple[CheckState, ...]:
        """Each of its checks as configured (``org`` None: riskbrief.toml did not read)."""
        ...

    def webhook_of(
        self, settings: Settings, engine: Engine, org: OrgConfig, environ: Mapping[str, str]
    ) -> WSGIApplication:
        """Its webhook's application: on with what is set, else answering why it is off."""
        ...


@dataclass(frozen=True, slots=True)
class CodeHostCheck:
    """A host's check: its webhook's ``path``, its ``secrets``' variables, the doctor's
    ``noun`` for it, and ``load``, which imports the host's package."""

    key: str
    path: str
    secrets: tuple[str, ...]
    noun: str
    load: Callable[[], HostChecks]


def _github() -> HostChecks:
    import bot.github

    return bot.github


def _gitlab() -> HostChecks:
    import bot.gitlab

    return bot.gitlab


def _bitbucket() -> HostChecks:
    import bot.bitbucket

    return bot.bitbucket


CHECKS: tuple[CodeHostCheck, ...] = (
    CodeHostCheck("github", "/github/webhook", ("GITHUB_WEBHOOK_SECRET",), "the PR check", _github),
    CodeHostCheck("gitlab", "/gitlab/webhook", ("GITLAB_WEBHOOK_SECRET",), "the MR check", _gitlab),
    CodeHostCheck(
        "bitbucket",
        "/bitbucket/webhook",
        ("BITBUCKET_WEBHOOK_SECRET", "BITBUCKET_DC_WEBHOOK_SECRET"),
        "the Bitbucket PR check",
        _bitbucket,
    ),
)
