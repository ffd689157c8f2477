"""Whether text is one email address, by pydantic's ``EmailStr`` (email-validator's syntax rules).

Where riskbrief validates an address (riskbrief.toml's subscribers, ``/risk subscribe
email``, GitHub's and GitLab's CODEOWNERS owners) it asks this, in place of a regular
expression each, four that disagreed about what an address is. Syntax only: no DNS
look-up (``EmailStr`` checks no deliverability), so it never touches the network.

A domain only the public internet would not route (``ops@corp.local``, ``lead@acme.test``,
``ops@mail.internal``: email-validator's special-use names) is an address all the same,
which a company's own SMTP relay delivers: it is accepted when it is well formed as a
routable name's would be, and ``routable`` tells it apart, so the doctor warns rather than
refuses.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    EmailStr,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

__all__ = ["EmailAddress", "email_address", "routable"]


def _as_written(value: object, check: ValidatorFunctionWrapHandler) -> object:
    # EmailStr also takes ``Name <address>`` and keeps the address; riskbrief.toml and
    # CODEOWNERS give the address alone, so a name or brackets there are a mistake.
    if isinstance(value, str) and ("<" in value or ">" in value):
        raise PydanticCustomError(
            "value_error", "value is not a valid email address: give the address alone"
        )
    # EmailStr's check, but the address kept as written: EmailStr lower-cases its domain,
    # and sentences (the doctor's, a refusal's) quote what the user wrote.
    try:
        check(value)
    except ValidationError:
        # A domain only the public internet would not route: well formed if it is once a
        # public suffix follows it (``corp.local.com``), as an internal relay would take it.
        local, at, domain = value.rpartition("@") if isinstance(value, str) else ("", "", "")
        # A single-label domain (``lead@acme``) is refused still: far likelier a typo than a
        # relay's host name.
        if not (at and local and "." in domain) or not routable(f"{local}@{domain}.com"):
            raise
    return value


EmailAddress = Annotated[EmailStr, WrapValidator(_as_written)]
"""A field's type: one address alone, by EmailStr's rules, kept as written."""


# Built on first use: a TypeAdapter compiles its schema, which `riskbrief --help` need not pay.
@cache
def _adapter() -> TypeAdapter[str]:
    return TypeAdapter(EmailAddress)


def email_address(text: str) -> str | None:
    """``text`` when it is one address (as written), else ``None``."""
    try:
        return _adapter().validate_python(text)
    except ValidationError:
        return None


def routable(address: str) -> bool:
    """Whether ``address`` is one the public internet routes: email-validator's own rules,
    which refuse special-use and single-label domains (``corp.local``, ``acme.test``)."""
    try:
        validate_email(address, check_deliverability=False, allow_display_name=False)
    except EmailNotValidError:
        return False
    return True
