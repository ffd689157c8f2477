"""Change keys from the links trackers keep: pull request and merge request URLs.

Linear's attachments and Jira's remote links are URLs; a GitHub pull request
(``https://github.com/owner/repo/pull/7``) becomes ``owner/repo#7`` and a
GitLab merge request (``https://gitlab.example.com/group/sub/project/-/merge_requests/3``)
``group/sub/project!3``, the keys the code host sources store changes under.
Anything else (a design doc, a Sentry issue) is no change and gives ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from scoring.change_key import ChangeKey

__all__ = ["change_key_of_url", "change_keys_of_urls"]

_GITHUB_PULL = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/pull/(?P<number>\d+)(?:/.*)?$")


def change_key_of_url(url: str, gitlab_prefix: str = "") -> str | None:
    """The change key a pull/merge request URL names, or ``None`` for any other URL.

    ``gitlab_prefix`` is the path a self-managed GitLab lives under (``/gitlab``),
    stripped before the project path is read.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path
    found = _GITHUB_PULL.match(path)
    if found and "/-/" not in path:
        return str(ChangeKey.pull(found["repo"], int(found["number"])))
    if gitlab_prefix and path.startswith(gitlab_prefix.rstrip("/") + "/"):
        path = path[len(gitlab_prefix.rstrip("/")) :]
    marker = path.find("/-/merge_requests/")
    if marker > 1:
        rest = path[marker + len("/-/merge_requests/") :].split("/", 1)[0]
        if rest.isdigit():
            return str(ChangeKey.merge_request(path[1:marker], int(rest)))
    return None


def change_keys_of_urls(urls: Iterable[str]) -> tuple[str, ...]:
    """The change keys of those URLs that name one, each once, in order."""
    out: dict[str, None] = {}
    for url in urls:
        key = change_key_of_url(url)
        if key is not None:
            out[key] = None
    return tuple(out)
