"""Every source declared through the seam, in the order ``riskbrief sync`` runs them.

Adding a source is its package, with its ``SourceSpec``, one line in ``SOURCES``
and its field in ``data.config.sources.SourcesConfig`` (a test fails when they
disagree: the config types each table statically, below this registry). The sync
(``bot.composition.sources``), doctor (``bot.doctor``), ``/risk``'s key parsing
(``bot.answers.parse``) and the docs' settings table (``settings_table``,
checked against docs/configuration.md by a test) read this tuple and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from data.sources.argocd.spec import ARGOCD
from data.sources.bitbucket.spec import BITBUCKET, BITBUCKET_DC
from data.sources.codecov.spec import CODECOV
from data.sources.gitlab.spec import GITLAB
from data.sources.jira.spec import JIRA
from data.sources.linear.spec import LINEAR
from data.sources.opsgenie.spec import OPSGENIE
from data.sources.pagerduty.spec import PAGERDUTY
from data.sources.spec import SourceSpec
from scoring.change_key import ChangeKey

if TYPE_CHECKING:
    from data.config import OrgConfig

__all__ = [
    "SOURCES",
    "configured",
    "read_change",
    "repositories_read",
    "secret_names",
    "settings_table",
]

SOURCES: tuple[SourceSpec[Any], ...] = (
    GITLAB,
    BITBUCKET,
    BITBUCKET_DC,
    CODECOV,
    PAGERDUTY,
    OPSGENIE,
    JIRA,
    LINEAR,
    ARGOCD,
)


def configured(org: OrgConfig) -> list[tuple[SourceSpec[Any], BaseModel]]:
    """Each registered source whose ``[sources.<key>]`` table is in ``org``, with its settings."""
    out: list[tuple[SourceSpec[Any], BaseModel]] = []
    for spec in SOURCES:
        settings = spec.settings_of(org)
        if settings is not None:
            out.append((spec, settings))
    return out


def read_change(text: str, org: OrgConfig | None = None) -> ChangeKey | None:
    """The change a registered source recognises in ``text`` (its key or URL), else ``None``."""
    for spec in SOURCES:
        settings = spec.settings_of(org) if org is not None else None
        found = spec.read_change(text, settings)
        if found is not None:
            return found
    return None


def repositories_read(org: OrgConfig) -> frozenset[str]:
    """The ``[[repositories]]`` names a registered source reads, which no other source reads."""
    return frozenset(
        name for spec, settings in configured(org) for name in spec.repositories(settings)
    )


def secret_names(org: OrgConfig | None = None) -> tuple[str, ...]:
    """The environment variables holding a registered source's secrets, as ``org`` names them."""
    out: list[str] = []
    for spec in SOURCES:
        settings = spec.settings_of(org) if org is not None else None
        for name in (*spec.secret_names(None), *spec.secret_names(settings)):
            if name not in out:
                out.append(name)
    return tuple(out)


def _cell(text: str) -> str:
    # A regular expression's `|` would end the table's cell.
    return text.replace("|", "\\|")


def _default(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, Enum):
        return f'`"{value.value}"`'
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f"`'{value}'`"
    if isinstance(value, tuple | list):
        return "`[]`" if not value else f"`{list(value)}`"
    if isinstance(value, Mapping):
        return "`{}`" if not value else f"`{dict(value)}`"
    if isinstance(value, int | float | date):
        return f"`{value}`"
    return f"`{value}`"


def settings_table(specs: tuple[SourceSpec[Any], ...] = SOURCES) -> str:
    """The docs' table of every registered source's settings and environment variables.

    docs/configuration.md holds it verbatim (a test compares); each setting's
    meaning is its field's ``description``.
    """
    lines = ["| setting or variable | default | meaning |", "|---|---|---|"]
    for spec in specs:
        for var in spec.env:
            lines.append(f"| `{var.name}` | {var.default} | {_cell(var.meaning)} |")
        for name, info in spec.settings.model_fields.items():
            default = _cell(_default(info.get_default(call_default_factory=True)))
            meaning = _cell(info.description or "")
            lines.append(f"| `[sources.{spec.key}]` `{name}` | {default} | {meaning} |")
    return "\n".join(lines)
