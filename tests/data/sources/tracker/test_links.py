"""Change keys from the URLs trackers link to issues: pull requests and merge requests only."""

from __future__ import annotations

import pytest

from data.sources.tracker.links import change_key_of_url, change_keys_of_urls


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://github.com/acme/shop/pull/42", "acme/shop#42"),
        ("https://github.com/acme/shop/pull/42/files", "acme/shop#42"),
        ("https://ghe.acme.test/acme/shop/pull/7", "acme/shop#7"),
        ("https://gitlab.com/acme/platform/api/-/merge_requests/3", "acme/platform/api!3"),
        ("https://gitlab.com/acme/api/-/merge_requests/3/diffs", "acme/api!3"),
        ("https://github.com/acme/shop/issues/42", None),
        ("https://sentry.io/organizations/acme/issues/1/", None),
        ("ftp://github.com/acme/shop/pull/1", None),
        ("not a url", None),
    ],
)
def test_only_pull_and_merge_request_urls_name_a_change(url: str, key: str | None) -> None:
    """GitHub pulls and GitLab merge requests give their keys; issues and other links none."""
    assert change_key_of_url(url) == key


def test_a_self_managed_gitlab_path_is_stripped_when_given() -> None:
    """A GitLab under ``/gitlab`` names projects below that path."""
    url = "https://git.acme.test/gitlab/acme/api/-/merge_requests/9"
    assert change_key_of_url(url, "/gitlab") == "acme/api!9"
    assert change_key_of_url(url) == "gitlab/acme/api!9"


def test_each_key_once_in_order() -> None:
    """Two links to the same pull request make one linked change."""
    urls = [
        "https://github.com/acme/shop/pull/2",
        "https://github.com/acme/shop/pull/1",
        "https://github.com/acme/shop/pull/2/commits",
    ]
    assert change_keys_of_urls(urls) == ("acme/shop#2", "acme/shop#1")
