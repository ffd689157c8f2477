"""A change's key is made and read back in one place."""

from __future__ import annotations

import pytest

from scoring.change_key import ChangeKey


def test_a_pull_request_and_a_commit_key_as_the_store_keeps_them() -> None:
    """A pull request is ``repo#N``; a commit ``repo@`` its first 12 hex digits, lower case."""
    assert str(ChangeKey.pull("acme/shop", 7)) == "acme/shop#7"
    sha = "ABCDEF0123456789abcdef0123456789abcdef01"
    assert str(ChangeKey.commit("shop", sha)) == "shop@abcdef012345"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme/shop#7", ChangeKey("acme/shop", number=7)),
        ("#12", ChangeKey("", number=12)),
        ("acme/platform/shop!7", ChangeKey("acme/platform/shop", number=7, mark="!")),
        ("acme/shop!x", None),
        ("shop@abcdef012345", ChangeKey("shop", sha="abcdef012345")),
        ("ABCDEF0", ChangeKey("", sha="abcdef0")),
        ("acme/shop#x", None),
        ("abc", None),
        ("acme/shop@not-a-sha", None),
        ("", None),
    ],
)
def test_parse_reads_back_what_str_writes(text: str, expected: ChangeKey | None) -> None:
    """Stored keys and what users type parse to the same value; anything else is ``None``."""
    assert ChangeKey.parse(text) == expected
    if expected is not None and expected.repository:
        assert str(ChangeKey.parse(str(expected))) == str(expected)


def test_a_key_has_a_number_or_a_sha() -> None:
    """Neither or both is a programming error, refused at once."""
    with pytest.raises(ValueError, match="number or a sha"):
        ChangeKey("acme/shop")
    with pytest.raises(ValueError, match="number or a sha"):
        ChangeKey("acme/shop", number=1, sha="abcdef0")


def test_a_gitlab_merge_request_is_marked_with_a_bang() -> None:
    """GitLab's ``group/sub/project!7`` is another change than ``#7``; other marks are refused."""
    key = ChangeKey.merge_request("acme/platform/shop", 7)
    assert str(key) == "acme/platform/shop!7"
    assert key != ChangeKey.pull("acme/platform/shop", 7)
    with pytest.raises(ValueError, match="# or !"):
        ChangeKey("acme/shop", number=1, mark="%")


@pytest.mark.parametrize(
    ("text", "repository"),
    [
        ("acme/shop#7", "acme/shop"),
        ("SHOP/checkout#7", "SHOP/checkout"),
        ("~ADA/tools#7", "~ADA/tools"),
    ],
)
def test_bitbucket_pull_requests_are_keyed_as_pulls(text: str, repository: str) -> None:
    """Bitbucket Cloud's ``workspace/repo#7``, Data Center's ``PROJECT/repo#7`` and a personal
    repository's ``~USER/repo#7`` read back as pull request 7 of that repository."""
    assert ChangeKey.parse(text) == ChangeKey.pull(repository, 7)
    assert str(ChangeKey.pull(repository, 7)) == text
