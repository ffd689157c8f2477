"""Who signed in with the organisation's identity provider, and how a sign-in fails.

Every failure is a ``SignInError`` whose message is one sentence saying what to do;
none echoes a code or a token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.errors import RiskbriefError

__all__ = ["Identity", "SignInError", "identity_of"]


class SignInError(RiskbriefError):
    """Signing in with the organisation's identity provider failed; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who signed in: the provider's ``sub``, and their email address, lower-cased."""

    subject: str
    email: str
    email_verified: bool
    name: str | None


def identity_of(claims: Mapping[str, Any]) -> Identity:
    """Who the validated claims name; an account without a verified email is refused."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInError(
            "The identity provider gave no email address for this account; ask your "
            "administrator to release the 'email' claim to riskbrief."
        )
    # Some providers (Cognito among them) send the flag as the string "true".
    verified = claims.get("email_verified")
    if verified is not True and verified != "true":
        raise SignInError(
            "The identity provider has not verified this account's email address; verify "
            "it with the provider, then sign in again."
        )
    name = claims.get("name")
    return Identity(
        subject=str(claims["sub"]),
        email=email.strip().lower(),
        email_verified=True,
        name=name if isinstance(name, str) and name else None,
    )
