"""GitLab merge request keys and URLs, both ways, under GitLab.com and a self-managed path."""

from __future__ import annotations

from data.sources.gitlab.keys import (
    merge_request_key,
    merge_request_url,
    parse_merge_request,
    url_of_key,
)
from scoring.change_key import ChangeKey


def test_a_key_is_gitlabs_full_reference_and_parses_back() -> None:
    """``group/sub/project!123`` is made, printed and parsed by ``ChangeKey`` alike."""
    key = merge_request_key("acme/platform/shop", 123)
    assert key == "acme/platform/shop!123"
    parsed = ChangeKey.parse(key)
    assert parsed == ChangeKey.merge_request("acme/platform/shop", 123)
    assert parsed is not None
    assert str(parsed) == key
    # A GitHub key of the same numbers is another change.
    assert ChangeKey.parse("acme/shop#123") != ChangeKey.parse("acme/shop!123")


def test_urls_under_gitlab_com_and_a_base_path_give_the_same_key() -> None:
    """An MR's page on GitLab.com or under ``/gitlab`` parses to its key; the URL is rebuilt."""
    com = "https://gitlab.com/acme/platform/shop/-/merge_requests/7"
    assert str(parse_merge_request(com)) == "acme/platform/shop!7"
    assert merge_request_url("https://gitlab.com", "acme/platform/shop", 7) == com
    hosted = "https://git.example.com/gitlab/acme/shop/-/merge_requests/7/diffs"
    base = "https://git.example.com/gitlab"
    assert str(parse_merge_request(hosted, base)) == "acme/shop!7"
    assert merge_request_url(base + "/", "acme/shop", 7) == hosted.removesuffix("/diffs")


def test_what_is_not_a_merge_request_of_ours_is_none() -> None:
    """Another host, an issue URL, a GitHub PR or a bare number are not GitLab MRs."""
    base = "https://git.example.com/gitlab"
    assert (
        parse_merge_request("https://other.example.com/gitlab/a/b/-/merge_requests/1", base) is None
    )
    assert parse_merge_request("https://gitlab.com/a/b/-/issues/1") is None
    assert parse_merge_request("https://github.com/a/b/pull/1") is None
    assert parse_merge_request("!12") is None
    assert parse_merge_request("shop!12") is None


def test_a_stored_key_gives_its_merge_request_page_and_other_keys_none() -> None:
    """``group/sub/project!7`` gives its page under the base URL; ``#7`` and shas give none."""
    base = "https://git.example.com/gitlab"
    assert url_of_key(base, "acme/platform/shop!7") == (
        "https://git.example.com/gitlab/acme/platform/shop/-/merge_requests/7"
    )
    assert url_of_key(base, "acme/shop#7") is None
    assert url_of_key(base, "shop@abcdef012345") is None
    assert url_of_key(base, "!7") is None
