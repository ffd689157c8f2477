"""The one rule by which every code host's deploy and label names say a service."""

from __future__ import annotations

import pytest

from data.config import parse_org_config
from data.sources.deploy_names import service_from_names

ORG = parse_org_config(
    """
[[repositories]]
name = "acme/shop"

[[repositories]]
name = "acme/solo"

[[services]]
key = "checkout"
repository = "acme/shop"
paths = ["checkout/**"]

[[services]]
key = "checkout-api"
repository = "acme/shop"
paths = ["api/**"]

[[services]]
key = "search"
repository = "acme/shop"
paths = ["search/**"]

[[services]]
key = "ledger"
repository = "acme/solo"
paths = ["**"]
"""
)


@pytest.mark.parametrize(
    ("names", "services", "repository", "expected"),
    [
        (["prod"], {"prod": "search", "PROD": "checkout"}, "acme/shop", "search"),
        (["Prod"], {"prod": "search"}, "acme/shop", "search"),
        (["checkout-production"], {}, "acme/shop", "checkout"),
        (["service::checkout"], {}, "acme/shop", "checkout"),
        (["checkout-api-canary"], {}, "acme/shop", "checkout-api"),
        (["production"], {}, "acme/solo", "ledger"),
        (["production"], {}, "acme/shop", None),
        (["", "v1.2.3", "search release"], {}, "acme/shop", "search"),
    ],
)
def test_a_name_says_its_service_by_the_map_its_words_or_the_only_service(
    names: list[str], services: dict[str, str], repository: str, expected: str | None
) -> None:
    """The map (exact, then ignoring case), then a key among the words, longest first, then
    the repository's only service; else none."""
    assert service_from_names(ORG, services, repository, names) == expected
