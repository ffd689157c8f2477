"""An incident as a reader knows it: its title and a link, never a source's internal key.

Sources key incidents by where they came from (``gitlab-incident:group/p#50``,
``jira-incident:KEY-20``, ``github-issue:acme/shop#7``): unique in the store, but
no name for a person. A briefing names such an incident by its title, with the
key's own reference (``group/p#50``) beside it, and links it to its page when
the organisation's configuration says where that is. Keys without a source
prefix (``INC-1039`` from an incidents file) are names already and stay as they are.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

__all__ = ["incident_reference", "incident_url", "source_keyed"]

# Source prefixes of incident keys whose rest is the source's own reference.
_PREFIXES = (
    "gitlab-incident:",
    "jira-incident:",
    "linear-incident:",
    "github-issue:",
    "pagerduty:",
    "opsgenie:",
)


def source_keyed(key: str) -> bool:
    """Whether ``key`` is a source's internal key rather than a name people use."""
    return key.startswith(_PREFIXES)


def incident_reference(key: str) -> str:
    """The source's own reference in ``key``: ``"group/p#50"``, ``"KEY-20"``; else the key."""
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key.removeprefix(prefix)
    return key


def _split_issue(reference: str) -> tuple[str, str] | None:
    project, _, number = reference.rpartition("#")
    return (project, number) if project and number.isdigit() else None


def incident_url(key: str, sources: Any) -> str | None:
    """The incident's web page, from the configured sources (``OrgConfig.sources``), if known."""
    reference = incident_reference(key)
    if key.startswith("gitlab-incident:"):
        gitlab = getattr(sources, "gitlab", None)
        issue = _split_issue(reference)
        base = getattr(gitlab, "base_url", None)
        if issue and isinstance(base, str):
            return f"{base.rstrip('/')}/{quote(issue[0])}/-/issues/{issue[1]}"
    elif key.startswith("jira-incident:"):
        base = getattr(getattr(sources, "jira", None), "base_url", None)
        if isinstance(base, str):
            return f"{base.rstrip('/')}/browse/{quote(reference)}"
    elif key.startswith("github-issue:"):
        issue = _split_issue(reference)
        if issue:
            return f"https://github.com/{quote(issue[0])}/issues/{issue[1]}"
    return None
