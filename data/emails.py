"""Whether text is one email address, by pydantic's ``EmailStr`` (email-validator's syntax rules).

Where riskbrief validates an address (riskbrief.toml's subscribers, ``/risk subscribe
email``, GitHub's and GitLab's CODEOWNERS owners) it asks this, in place of a regular
expression each, four that disagreed about what an address is. Syntax only: no DNS
look-up (``EmailStr`` checks no deliverability), so it never touches the network. A
domain email-validator calls special-use (``.test``, ``.local``, ``.invalid``,
``localhost``) is refused: mail is never delivered there.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import BeforeValidator, EmailStr, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

__all__ = ["EmailAddress", "email_address"]


def _alone(value: object) -> object:
    # EmailStr also takes ``Name <address>`` and keeps the address; riskbrief.toml and
    # CODEOWNERS give the address alone, so a name or brackets there are a mistake.
    if isinstance(value, str) and ("<" in value or ">" in value):
        raise PydanticCustomError(
            "value_error", "value is not a valid email address: give the address alone"
        )
    return value


EmailAddress = Annotated[EmailStr, BeforeValidator(_alone)]
"""A field's type: one address alone, its domain in lower case (email-validator's form)."""


# Built on first use: a TypeAdapter compiles its schema, which `riskbrief --help` need not pay.
@cache
def _adapter() -> TypeAdapter[str]:
    return TypeAdapter(EmailAddress)


def email_address(text: str) -> str | None:
    """``text`` as one address, its domain lower-cased as email-validator has it, or ``None``
    when it is not one."""
    try:
        return _adapter().validate_python(text)
    except ValidationError:
        return None
