"""How the web view is reached and who may see it: ``PagesConfig`` and its default prefix."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.access import TokenTable
from bot.pages.links import LinkSigner
from bot.pages.signin import SignIn

__all__ = ["DEFAULT_PREFIX", "PagesConfig"]

DEFAULT_PREFIX = "/web"


@dataclass(frozen=True, slots=True)
class PagesConfig:
    """How the web view is reached and who may see it.

    ``open`` shows the whole organisation to anyone who reaches it: only for
    ``riskbrief web`` listening on the loopback address. Otherwise a viewer comes with a
    link ``signer`` made, a sign-in through ``signin``, or one of the MCP ``tokens``.
    """

    prefix: str = DEFAULT_PREFIX
    signer: LinkSigner | None = None
    open: bool = False
    signin: SignIn | None = None
    admins: frozenset[str] = frozenset()
    tokens: TokenTable | None = None
    secure_cookies: bool = False
