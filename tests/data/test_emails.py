"""One check of an email address, pydantic's EmailStr, where riskbrief validates one."""

from __future__ import annotations

import pytest

from data.emails import email_address, routable


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("maria@example.com", "maria@example.com"),
        ("dana.whitfield@acme.example", "dana.whitfield@acme.example"),
        ("first.last+tag@sub.example.co", "first.last+tag@sub.example.co"),
        ("Maria@Example.COM", "Maria@Example.COM"),
    ],
)
def test_an_address_is_kept_as_written(text: str, address: str) -> None:
    """An address is accepted as written, its domain's case too: sentences quote it so."""
    assert email_address(text) == address


@pytest.mark.parametrize(
    "text",
    [
        "maria",
        "maria@localhost",
        "maria@example",
        "maria@-example.local",
        "maria..x@example.com",
        ".maria@example.com",
        "ma ria@example.com",
        "maria@exa_mple.com",
        "maria@example.com>",
        "<maria@example.com>",
        "maria@exa_mple.test",
        "@acme/payments",
    ],
)
def test_what_is_not_one_deliverable_address_is_refused(text: str) -> None:
    """No @, dots, spaces or hyphens misplaced, markup around it, or a CODEOWNERS team: none
    is an address, at a public domain or an internal one."""
    assert email_address(text) is None


@pytest.mark.parametrize(
    "text", ["ops@corp.local", "lead@acme.test", "maria@mail.localhost", "ops@relay.invalid"]
)
def test_an_internal_domain_is_an_address_the_public_internet_does_not_route(text: str) -> None:
    """A company's relay delivers to special-use domains (corp.local): taken, not routable."""
    assert email_address(text) == text
    assert not routable(text)
    assert routable("maria@example.com")
