"""Which service a deploy's (or an incident label's) name says: one rule for every code host.

A GitHub environment, workflow or release tag, a GitLab environment, pipeline ref, tag or
incident label, and a Bitbucket Pipelines environment or tag are all names a person chose;
each source maps them to a service the same way, so a name means the same service whatever
host it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from data.config import OrgConfig

__all__ = ["repository_services", "service_from_names"]

# Words of a name: `checkout-production`, `deploy/checkout`, `service::checkout` (GitLab's
# scoped labels) all hold the word `checkout`.
_WORD_SPLIT = re.compile(r"[-_/ .:]+")


def _words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(name.lower()) if w]


def _contains(words: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(list(words[i : i + n]) == list(part) for i in range(len(words) - n + 1))


def repository_services(org: OrgConfig, repository: str) -> tuple[str, ...]:
    """Keys of the services declared with ``repository = "<repository>"``."""
    return tuple(s.key for s in org.services if s.repository == repository)


def service_from_names(
    org: OrgConfig, services: Mapping[str, str], repository: str, names: Iterable[str]
) -> str | None:
    """The service ``names`` say, else the repository's only one, else ``None``.

    In order: the source's ``services`` map (exact, then ignoring case); a service of this
    repository (or of none) whose key appears as words in a name, the longest key winning;
    the repository's only service.
    """
    candidates = [n for n in names if n]
    for name in candidates:
        if name in services:
            return services[name]
    folded = {k.casefold(): v for k, v in services.items()}
    for name in candidates:
        if name.casefold() in folded:
            return folded[name.casefold()]
    keys = [s.key for s in org.services if s.repository in (None, repository)]
    for name in candidates:
        words = _words(name)
        found = [k for k in keys if _contains(words, _words(k))]
        if found:
            return max(found, key=lambda k: len(_words(k)))
    only = repository_services(org, repository)
    return only[0] if len(only) == 1 else None
