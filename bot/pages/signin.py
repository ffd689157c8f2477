"""The web view's sign-in seam (``bot.pages.app.SignIn``) over the OpenID Connect client
(``bot.pages.oidc``): the pending sign-in as a plain dict the browser carries in a signed
cookie, and who came back as their verified email."""

from __future__ import annotations

from collections.abc import Mapping

from bot.pages.oidc import OidcConfig, OidcSignIn, Pending

__all__ = ["ProviderSignIn"]


class ProviderSignIn:
    """Sign-in with the organisation's provider, by the code flow with PKCE."""

    def __init__(
        self, *, issuer: str, client_id: str, client_secret: str | None, redirect_uri: str
    ) -> None:
        self._client = OidcSignIn(
            OidcConfig(
                issuer=issuer,
                client_id=client_id,
                client_secret=client_secret,
                redirect_uri=redirect_uri,
            )
        )

    def begin(self, next_path: str) -> tuple[str, dict[str, str]]:
        """The provider's authorization URL, and the state, nonce and verifier to carry back."""
        url, pending = self._client.begin(next_path)
        return url, pending.to_dict()

    def finish(self, pending: dict[str, str], query: Mapping[str, str]) -> str:
        """The verified email of who signed in (``SignInError`` otherwise)."""
        return self._client.finish(Pending.from_dict(pending), query).email
