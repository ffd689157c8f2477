"""A GitLab merge request's key and web address, each way: ``group/sub/project!123`` and its URL.

GitLab writes a merge request as ``group/sub/project!123`` (its "full
reference"), and its page is ``{base}/group/sub/project/-/merge_requests/123``
for GitLab.com and for a self-managed GitLab under any path
(``https://git.example.com/gitlab/...``). The ``/-/`` separates the project's
path, which may have any depth of subgroups, from GitLab's own routes.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scoring.change_key import ChangeKey

__all__ = ["merge_request_key", "merge_request_url", "parse_merge_request", "url_of_key"]

_SEGMENT = r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*"
_URL_PATH = re.compile(
    rf"^/(?P<project>{_SEGMENT}(?:/{_SEGMENT})+)/-/merge_requests/(?P<iid>\d+)(?:/[a-z_]*)?/?$"
)
_REFERENCE = re.compile(rf"^(?P<project>{_SEGMENT}(?:/{_SEGMENT})+)!(?P<iid>\d+)$")


def merge_request_key(project: str, iid: int) -> str:
    """The stored key of merge request ``iid`` of ``project``: ``group/sub/project!iid``."""
    return str(ChangeKey.merge_request(project, iid))


def merge_request_url(base_url: str, project: str, iid: int) -> str:
    """The merge request's page under ``base_url`` (GitLab's web address, any path)."""
    return f"{base_url.rstrip('/')}/{project}/-/merge_requests/{iid}"


def url_of_key(base_url: str, key: str) -> str | None:
    """The page of the merge request a stored key names, or ``None`` for any other key."""
    parsed = ChangeKey.parse(key)
    if parsed is None or parsed.mark != "!" or parsed.number is None or not parsed.repository:
        return None
    return merge_request_url(base_url, parsed.repository, parsed.number)


def parse_merge_request(text: str, base_url: str | None = None) -> ChangeKey | None:
    """The key of ``group/sub/project!123`` or a merge request's URL, else ``None``.

    A URL's project is what follows ``base_url``'s path (``/gitlab`` for a
    GitLab under one); without ``base_url`` the URL's whole path up to ``/-/``
    is taken as the project, which is right for GitLab.com and any GitLab at
    its host's root. A URL on another host than ``base_url``'s is not one of ours.
    """
    text = text.strip()
    found = _REFERENCE.match(text)
    if found is not None:
        return ChangeKey.merge_request(found["project"], int(found["iid"]))
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path
    if base_url is not None:
        base = urlsplit(base_url)
        if base.netloc.lower() != parts.netloc.lower():
            return None
        prefix = base.path.rstrip("/")
        if prefix:
            if not path.startswith(prefix + "/"):
                return None
            path = path[len(prefix) :]
    found = _URL_PATH.match(path)
    if found is None:
        return None
    return ChangeKey.merge_request(found["project"], int(found["iid"]))
