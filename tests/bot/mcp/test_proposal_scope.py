"""Which repositories a scoped caller of `proposal_risk` is told of."""

from __future__ import annotations

import pytest

from bot.answers.access import Access
from bot.answers.records.proposal import proposal_risk
from data.config import parse_org_config
from data.scope import Scope
from data.store.history import HistoryCache
from scoring.errors import NotFoundError

ORG = parse_org_config(
    """
[[repositories]]
name = "acme/shop"

[[repositories]]
name = "acme/vault"

[[services]]
key = "payments"
repository = "acme/shop"
paths = ["payments/**"]

[[services]]
key = "secrets"
repository = "acme/vault"
paths = ["**"]
"""
)
PAYMENTS = Access.of(ORG, Scope(services=("payments",)), "UTC")


def _refusal(access: Access, repository: str) -> str:
    with pytest.raises(NotFoundError) as refused:
        proposal_risk(
            None,  # type: ignore[arg-type]  # refused before the store is read
            ORG,
            access,
            HistoryCache(),
            diff=None,
            repository=repository,
            base="main",
            head="HEAD",
            author=None,
            title=None,
        )
    return str(refused.value)


def test_another_scope_s_repository_reads_as_one_that_does_not_exist() -> None:
    """Payments' token asking for acme/vault hears what a made-up name hears, and the list of
    names it may use holds only its own repository."""
    outside = _refusal(PAYMENTS, "acme/vault")
    assert outside == _refusal(PAYMENTS, "acme/nothing")
    assert outside == ("riskbrief.toml names no repository by that name; use one of: acme/shop.")
    whole = Access.organisation(ORG)
    assert "acme/shop, acme/vault" in _refusal(whole, "acme/nothing")
