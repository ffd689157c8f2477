"""The code hosts' checks, one entry each: what `serve`, the doctor and the routes loop over.

An entry names the variables holding its secrets and what the doctor calls it, and loads
the host's package (``bot.<host>``) only when asked: a process that serves no host's check
(a scheduler replica, ``riskbrief --help``) imports none of them. The package answers
``HostChecks``: its webhook's path, the state of each of its checks (on, or why not), and
the WSGI application of its webhook.

A fourth host's check is its package (``bot/<host>/``: its ``check``, ``webhook`` and
verdict modules, and ``WEBHOOK_PATH``, ``check_states`` and ``webhook_of`` in its ``__init__``,
reading its webhook's secret from the environment with ``bot.checks.secrets``) and its
entry below.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from bot.checks.state import CheckState
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from sqlalchemy.engine import Engine

    from bot.settings import Settings
    from data.config import OrgConfig

__all__ = [
    "CHECKS",
    "CheckState",
    "CodeHostCheck",
    "HostChecks",
    "SecretForm",
    "check_secret_forms",
    "secret_names",
]


class HostChecks(Protocol):
    """What a host's package gives the registry (its ``__init__`` module answers it): the path
    its webhook answers at, declared there alone, and its checks."""

    WEBHOOK_PATH: str

    def check_states(
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
class SecretForm:
    """The form a check's secret must have (a regular expression), checked when the settings
    are read, and the words saying what to set it to."""

    variable: str
    pattern: str
    hint: str

    def error(self, environ: Mapping[str, str]) -> ConfigError | None:
        """The sentence refusing ``environ``'s value, never quoting it; ``None`` when unset,
        blank or of the form."""
        value = environ.get(self.variable, "").strip()
        if not value or re.fullmatch(self.pattern, value):
            return None
        return ConfigError(
            f"the environment variable {self.variable} is not valid; set it to {self.hint}"
        )


@dataclass(frozen=True, slots=True)
class CodeHostCheck:
    """A host's check: the variables of the ``secrets`` that turn it on (read by its package
    from the environment, ``bot.checks.secrets``), the doctor's ``noun`` for it, its
    package's ``module`` (imported only when asked; it declares the webhook's path,
    ``HostChecks.WEBHOOK_PATH``), the variables of any
    other secret it reads (``also_secret``), which the log redacts with the others, and the
    ``forms`` a secret must have, which every command checks (``check_secret_forms``)."""

    key: str
    secrets: tuple[str, ...]
    noun: str
    module: str
    also_secret: tuple[str, ...] = ()
    forms: tuple[SecretForm, ...] = ()

    def load(self) -> HostChecks:
        """The host's package, imported now."""
        return cast("HostChecks", importlib.import_module(self.module))


CHECKS: tuple[CodeHostCheck, ...] = (
    CodeHostCheck("github", ("GITHUB_WEBHOOK_SECRET",), "the PR check", "bot.github"),
    CodeHostCheck(
        "gitlab",
        ("GITLAB_WEBHOOK_SECRET",),
        "the MR check",
        "bot.gitlab",
        also_secret=("GITLAB_WEBHOOK_SIGNING_TOKEN",),
        forms=(
            SecretForm(
                "GITLAB_WEBHOOK_SIGNING_TOKEN",
                r"whsec_[A-Za-z0-9+/=]+",
                "the GitLab webhook's signing token (whsec_…), or leave it unset",
            ),
        ),
    ),
    CodeHostCheck(
        "bitbucket",
        ("BITBUCKET_WEBHOOK_SECRET", "BITBUCKET_DC_WEBHOOK_SECRET"),
        "the Bitbucket PR check",
        "bot.bitbucket",
    ),
)


def secret_names() -> tuple[str, ...]:
    """Every variable a registered check reads a secret from, for the log to redact."""
    return tuple(v for entry in CHECKS for v in (*entry.secrets, *entry.also_secret))


def check_secret_forms(environ: Mapping[str, str], variable: str | None = None) -> None:
    """Raise the first registered secret's ``ConfigError`` whose value is not of its form
    (``riskbrief``'s every command asks, right after reading ``bot.settings``); given a
    ``variable``, that secret's alone (a host's package reading its own)."""
    for entry in CHECKS:
        for form in entry.forms:
            if variable not in (None, form.variable):
                continue
            if (error := form.error(environ)) is not None:
                raise error
