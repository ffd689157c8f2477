"""Bitbucket pull request keys and URLs, read wherever a change is typed."""

from __future__ import annotations

import pytest

from bot.answers.parse import change_lookup
from data.config import parse_org_config
from data.sources.bitbucket.keys import cloud_pull_url, dc_pull_url, parse_dc_pull
from data.sources.registry import read_change

DC_ORG = """
[[repositories]]
name = "SHOP/checkout"
[sources.bitbucket_dc]
base_url = "https://git.example.com/bitbucket"
repositories = ["SHOP/checkout"]
"""


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("https://bitbucket.org/acme/shop/pull-requests/7", "acme/shop#7"),
        ("https://bitbucket.org/acme/shop/pull-requests/7/diff", "acme/shop#7"),
        ("https://bitbucket.org/acme/shop/pull-requests/7?w=1#comment-3", "acme/shop#7"),
        (
            "https://bitbucket.example.com/projects/PROJ/repos/repo/pull-requests/7/overview",
            "PROJ/repo#7",
        ),
        ("https://bitbucket.example.com/users/ada/repos/tools/pull-requests/3", "~ADA/tools#3"),
        ("<https://bitbucket.org/acme/shop/pull-requests/12|#12>", "acme/shop#12"),
        ("acme/shop#7", "acme/shop#7"),
        ("PROJ/repo#7", "PROJ/repo#7"),
    ],
)
def test_keys_and_urls_of_both_editions_read_where_a_change_is_typed(text: str, key: str) -> None:
    """`/risk pr` and `ask pr` read both hosts' pull request URLs and keys to the stored key."""
    assert change_lookup(text) == key


def test_a_data_center_url_must_be_under_the_configured_server() -> None:
    """With [sources.bitbucket_dc], its context path is stripped and another host is not ours."""
    org = parse_org_config(DC_ORG)
    url = "https://git.example.com/bitbucket/projects/SHOP/repos/checkout/pull-requests/4"
    assert str(read_change(url, org)) == "SHOP/checkout#4"
    assert (
        read_change(
            "https://elsewhere.example.com/bitbucket/projects/SHOP/repos/checkout/pull-requests/4",
            org,
        )
        is None
    )
    assert (
        parse_dc_pull(
            "https://git.example.com/other/projects/SHOP/repos/x/pull-requests/4",
            "https://git.example.com/bitbucket",
        )
        is None
    )


def test_urls_are_written_as_they_are_read() -> None:
    """The URLs the sources write for a key read back to that key."""
    assert str(read_change(cloud_pull_url("acme/shop", 9))) == "acme/shop#9"
    assert str(read_change(dc_pull_url("https://bb.example.com", "SHOP/checkout", 9))) == (
        "SHOP/checkout#9"
    )
    assert (
        str(read_change(dc_pull_url("https://bb.example.com", "~ADA/tools", 9))) == "~ADA/tools#9"
    )


def test_other_hosts_urls_are_not_bitbucket_s() -> None:
    """A GitHub pull request URL is still GitHub's; a GitLab one GitLab's."""
    assert change_lookup("https://github.com/acme/shop/pull/7") == "acme/shop#7"
    assert change_lookup("https://gitlab.com/acme/shop/-/merge_requests/7") == "acme/shop!7"
    assert read_change("https://github.com/acme/shop/pull-requests/7") is None
