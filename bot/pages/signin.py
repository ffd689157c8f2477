"""Signing in to the web view: its routes (``/signin``, ``/signin/callback``,
``/signout``), the session cookie they set, and the ``SignIn`` seam to the provider.

Behind https the cookies carry the ``__Secure-`` prefix (OWASP ASVS V3.4.4), so a browser
takes them only over https and with ``Secure``. Signing out is a POST from the form at the
foot of a page, carrying a token only that page knows (and refused when the browser says
it came from another site); it records the session's id in the store, so the same cookie
sent again opens nothing on any replica (V3.3.1).

``ProviderSignIn`` fills the seam with the OpenID Connect client (``bot.pages.oidc``):
the pending sign-in as a plain dict the browser carries in a signed cookie, and who came
back as their verified email. The client is imported when one is made, so a web view
with no sign-in configured never loads authlib nor joserfc.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

import structlog
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Request, Response

from bot.pages.links import SESSION_HOURS, LinkSigner, SessionValue
from data.clock import utcnow
from data.store.engine import session_scope
from data.store.reads.subscribers import subscriber_by_email
from data.store.web_sessions import revoke_session
from scoring.errors import RiskbriefError

if TYPE_CHECKING:
    from bot.pages.oidc import OidcSignIn

__all__ = [
    "SECURE_PREFIX",
    "SESSION_COOKIE",
    "SIGNOUT_FIELD",
    "ProviderSignIn",
    "SignIn",
    "SignInRoutes",
    "cookie_name",
    "see_other",
    "set_session",
]

SESSION_COOKIE = "riskbrief_session"
_SIGNIN_COOKIE = "riskbrief_signin"
# What a cookie's name starts with behind https: a browser then keeps it only if it was set
# over https with ``Secure``, so a plain-http page of the same host cannot plant or replace it.
SECURE_PREFIX = "__Secure-"
# The sign-out form's field holding its token.
SIGNOUT_FIELD = "csrf"

log = structlog.get_logger("riskbrief.pages")


class SignIn(Protocol):
    """The seam to an OpenID Connect provider: where to send the browser, and who came back."""

    def begin(self, next_path: str) -> tuple[str, dict[str, str]]:
        """The provider's authorization URL, and what the browser must carry back."""
        ...

    def finish(self, pending: dict[str, str], query: dict[str, str]) -> str:
        """The verified email of who signed in; ``RiskbriefError`` when it does not hold."""
        ...


class ProviderSignIn:
    """Sign-in with the organisation's provider, by the code flow with PKCE."""

    def __init__(
        self, *, issuer: str, client_id: str, client_secret: str | None, redirect_uri: str
    ) -> None:
        from bot.pages.oidc import OidcConfig, OidcSignIn

        self._client: OidcSignIn = OidcSignIn(
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
        from bot.pages.oidc import Pending

        return self._client.finish(Pending.from_dict(pending), query).email


def see_other(location: str) -> Response:
    """A redirect (303) to ``location``."""
    response = Response("", 303)
    response.headers["Location"] = location
    return response


def cookie_name(name: str, secure: bool) -> str:
    """The cookie ``name`` as it is set: with the ``__Secure-`` prefix behind https."""
    return SECURE_PREFIX + name if secure else name


def set_session(
    response: Response, signer: LinkSigner, value: SessionValue, *, prefix: str, secure: bool
) -> None:
    """Give the browser the signed session cookie of ``value``, for twelve hours."""
    response.set_cookie(
        cookie_name(SESSION_COOKIE, secure),
        signer.session_token(value),
        max_age=SESSION_HOURS * 3600,
        path=prefix,
        secure=secure,
        httponly=True,
        samesite="Lax",
    )


def _safe_next(path: str, prefix: str) -> str:
    """Where to go after signing in: a path of the web view, never another site."""
    if path.startswith(prefix) and not path.startswith("//") and "\\" not in path:
        return path
    return prefix + "/"


@dataclass(frozen=True, slots=True)
class SignInRoutes:
    """The sign-in's three routes; ``message`` and ``not_found`` are the app's pages."""

    engine: Engine
    prefix: str
    signin: SignIn | None
    signer: LinkSigner | None
    admins: frozenset[str]
    secure_cookies: bool
    message: Callable[[str, str, int], Response]
    not_found: Callable[[], Response]
    clock: Callable[[], datetime] = field(default=utcnow)

    def start(self, request: Request) -> Response:
        """Send the browser to the provider, carrying the pending sign-in in a signed cookie."""
        if self.signin is None or self.signer is None:
            return self.message(
                "No sign-in", "This riskbrief has no sign-in; open the link in your briefing.", 404
            )
        next_path = _safe_next(request.args.get("next", ""), self.prefix)
        try:
            url, pending = self.signin.begin(next_path)
        except RiskbriefError as exc:
            return self.message("Sign-in failed", str(exc), 502)
        response = see_other(url)
        response.set_cookie(
            cookie_name(_SIGNIN_COOKIE, self.secure_cookies),
            self.signer.signin_token(pending),
            max_age=600,
            path=self.prefix,
            secure=self.secure_cookies,
            httponly=True,
            samesite="Lax",
        )
        return response

    def callback(self, request: Request) -> Response:
        """Who came back from the provider, as a session for an admin or a subscriber."""
        if self.signin is None or self.signer is None:
            return self.not_found()
        signin_cookie = cookie_name(_SIGNIN_COOKIE, self.secure_cookies)
        pending = self.signer.signin(request.cookies.get(signin_cookie, ""))
        if pending is None:
            return self.message(
                "Sign-in expired",
                "The sign-in took too long or was not started here; sign in again.",
                400,
            )
        try:
            email = self.signin.finish(pending, dict(request.args.items()))
        except RiskbriefError as exc:
            return self.message("Sign-in failed", str(exc), 401)
        email = email.lower()
        if email in self.admins:
            value = SessionValue(None, email, organisation=True)
        else:
            with session_scope(self.engine) as session:
                row = subscriber_by_email(session, email)
                key = row.key if row is not None else None
            if key is None:
                return self.message(
                    "No briefing for you",
                    f"No briefing goes to {email}, so there is nothing this riskbrief may show "
                    "you; ask its owner to add you as a subscriber in riskbrief.toml.",
                    403,
                )
            value = SessionValue(key, email)
        response = see_other(_safe_next(pending.get("next", ""), self.prefix))
        set_session(response, self.signer, value, prefix=self.prefix, secure=self.secure_cookies)
        response.delete_cookie(signin_cookie, path=self.prefix, secure=self.secure_cookies)
        log.info("pages.signed_in", organisation=value.organisation, subscriber=value.subscriber)
        return response

    def signout(self, request: Request) -> Response:
        """End the browser's session: on the server, so its cookie opens nothing again on any
        replica, and in the browser. Only a POST from a page's own sign-out form does."""
        if request.method != "POST":
            response = self.message(
                "Sign out with the button",
                "Signing out is the Sign out button at the foot of a page; following a link "
                "signs nobody out.",
                405,
            )
            response.headers["Allow"] = "POST"
            return response
        name = cookie_name(SESSION_COOKIE, self.secure_cookies)
        value = None if self.signer is None else self.signer.session(request.cookies.get(name, ""))
        if value is None or self.signer is None:
            # Nothing to end; the browser's cookie (if it sent none, perhaps another site's
            # form) is left alone.
            return self.message("Signed out", "You are not signed in to riskbrief here.", 200)
        token = request.form.get(SIGNOUT_FIELD, "")
        if not _same_origin(request) or not self.signer.signout_matches(token, value.sid):
            return self.message(
                "Not signed out",
                "That sign-out did not come from a riskbrief page; use the Sign out button at "
                "the foot of a page.",
                403,
            )
        now = self.clock()
        revoke_session(self.engine, value.sid, now + timedelta(hours=SESSION_HOURS), now)
        response = self.message(
            "Signed out",
            "You are signed out of riskbrief: this session opens no page any more.",
            200,
        )
        response.delete_cookie(
            name, path=self.prefix, secure=self.secure_cookies, httponly=True, samesite="Lax"
        )
        log.info("pages.signed_out", organisation=value.organisation, subscriber=value.subscriber)
        return response


def _same_origin(request: Request) -> bool:
    """False when the browser says the request came from another site.

    ``Sec-Fetch-Site`` says so where a browser sends it (https and loopback addresses).
    Otherwise ``Origin``, when it names one: the pages' ``Referrer-Policy: no-referrer``
    makes a browser send ``Origin: null`` with its own forms' POSTs, so a missing or null
    origin is left to the form's token, which another site cannot know.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin", "null")
    return origin == "null" or urlsplit(origin).netloc == request.host
