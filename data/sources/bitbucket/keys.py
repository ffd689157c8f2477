"""A Bitbucket pull request's key and web address, each way, for both editions.

A pull request is keyed as GitHub's are, by its repository and ``#``:
``workspace/repo#7`` on Cloud (the workspace and the repository's slug) and
``PROJECT/repo#7`` on Data Center (the project's key and the slug). Their pages:

- Cloud: ``https://bitbucket.org/{workspace}/{repo}/pull-requests/{id}``, with
  an optional tab (``/diff``, ``/commits``, ``/overview``);
- Data Center: ``{base}/projects/{PROJECT}/repos/{repo}/pull-requests/{id}``
  (also with a tab), under any context path; a personal repository's page is
  ``{base}/users/{slug}/repos/{repo}/...``, keyed ``~SLUG/repo`` as Bitbucket
  names the personal project.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scoring.change_key import ChangeKey

__all__ = [
    "CLOUD_WEB",
    "cloud_pull_url",
    "dc_pull_url",
    "parse_cloud_pull",
    "parse_dc_pull",
    "pull_key",
]

CLOUD_WEB = "https://bitbucket.org"

_SLUG = r"[A-Za-z0-9_.\-]+"
_CLOUD_PATH = re.compile(
    rf"^/(?P<ws>[A-Za-z0-9_.~\-]+)/(?P<repo>{_SLUG})/pull-requests/(?P<id>\d+)(?:/[a-z\-]*)*/?$"
)
_DC_PATH = re.compile(
    rf"^(?P<prefix>.*?)/(?P<kind>projects|users)/(?P<owner>[A-Za-z0-9_.~\-]+)/repos/"
    rf"(?P<repo>{_SLUG})/pull-requests/(?P<id>\d+)(?:/[a-z\-]*)*/?$"
)
_CLOUD_HOSTS = frozenset({"bitbucket.org", "www.bitbucket.org"})


def pull_key(repository: str, number: int) -> str:
    """The stored key of pull request ``number`` of ``repository``: ``owner/repo#number``."""
    return str(ChangeKey.pull(repository, number))


def cloud_pull_url(repository: str, number: int) -> str:
    """A Cloud pull request's page."""
    return f"{CLOUD_WEB}/{repository}/pull-requests/{number}"


def dc_pull_url(base_url: str, repository: str, number: int) -> str:
    """A Data Center pull request's page under ``base_url`` (its context path kept)."""
    owner, repo = repository.split("/", 1)
    kind = f"users/{owner[1:]}" if owner.startswith("~") else f"projects/{owner}"
    return f"{base_url.rstrip('/')}/{kind}/repos/{repo}/pull-requests/{number}"


def parse_cloud_pull(text: str) -> ChangeKey | None:
    """The key of a Cloud pull request's URL (``bitbucket.org/ws/repo/pull-requests/7``)."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in _CLOUD_HOSTS:
        return None
    found = _CLOUD_PATH.match(parts.path)
    if found is None:
        return None
    return ChangeKey.pull(f"{found['ws']}/{found['repo']}", int(found["id"]))


def parse_dc_pull(text: str, base_url: str | None = None) -> ChangeKey | None:
    """The key of a Data Center pull request's URL, else ``None``.

    With ``base_url`` the URL must be on its host and below its context path;
    without, any host's ``/projects/P/repos/r/pull-requests/N`` is read, a path
    no other code host writes.
    """
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    found = _DC_PATH.match(parts.path)
    if found is None:
        return None
    if base_url is not None:
        base = urlsplit(base_url)
        if base.netloc.lower() != parts.netloc.lower():
            return None
        if found["prefix"].rstrip("/") != base.path.rstrip("/"):
            return None
    owner = found["owner"]
    owner = f"~{owner.upper()}" if found["kind"] == "users" else owner
    return ChangeKey.pull(f"{owner}/{found['repo']}", int(found["id"]))
