"""Every source, declared through the seam, in the order ``riskbrief sync`` runs them.

Local clones first, then the code hosts (a change is stored before Codecov's
coverage attaches to it), then the incident tools and trackers, and files last.
Adding a source is its package, with its ``SourceSpec``, one line in ``SOURCES``
and its field in ``data.config.sources.SourcesConfig`` (a test fails when they
disagree: the config types each table statically, below this registry). The sync
(``bot.composition.sources``), doctor (``bot.doctor``), ``/risk``'s key parsing
(``bot.answers.parse``), log redaction, the settings' check of the variables
(``bot.settings.load_settings``) and the docs' settings table (``settings_table``,
checked against docs/configuration.md by a test) read this tuple and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from data.sources.argocd.spec import ARGOCD
from data.sources.bitbucket.spec import BITBUCKET, BITBUCKET_DC
from data.sources.codecov.spec import CODECOV
from data.sources.datadog.spec import DATADOG
from data.sources.files.spec import FILES
from data.sources.github.spec import GITHUB
from data.sources.gitlab.spec import GITLAB
from data.sources.jira.spec import JIRA
from data.sources.linear.spec import LINEAR
from data.sources.local_git.spec import GIT
from data.sources.opsgenie.spec import OPSGENIE
from data.sources.pagerduty.spec import PAGERDUTY
from data.sources.prometheus.spec import PROMETHEUS
from data.sources.spec import SourceSpec
from scoring.change_key import ChangeKey

if TYPE_CHECKING:
    from data.config import OrgConfig

__all__ = [
    "SOURCES",
    "check_variables",
    "configured",
    "read_change",
    "repositories_read",
    "secret_names",
    "settings_table",
]

SOURCES: tuple[SourceSpec[Any], ...] = (
    GIT,
    GITHUB,
    GITLAB,
    BITBUCKET,
    BITBUCKET_DC,
    CODECOV,
    PAGERDUTY,
    OPSGENIE,
    JIRA,
    LINEAR,
    ARGOCD,
    PROMETHEUS,
    DATADOG,
    FILES,
)


def configured(org: OrgConfig) -> list[tuple[SourceSpec[Any], BaseModel]]:
    """Each registered source whose ``[sources.<key>]`` table is in ``org``, with its settings
    (an array's tables, ``[[sources.files]]``, each once)."""
    return [(spec, settings) for spec in SOURCES for settings in spec.tables_of(org)]


def check_variables(environ: Mapping[str, str]) -> None:
    """Refuse a bad value of any registered source's variables, in one sentence naming it."""
    for spec in SOURCES:
        spec.check_variables(environ)


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
    # The config asks each table (its ``repositories_read()``), as every spec does.
    return org.sources.repositories_read()


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
    if value is PydanticUndefined:
        return "required"
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
            table = f"[[sources.{spec.key}]]" if spec.many else f"[sources.{spec.key}]"
            lines.append(f"| `{table}` `{name}` | {default} | {meaning} |")
    return "\n".join(lines)
