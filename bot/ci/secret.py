"""What CI's endpoints (``POST /deploys``, ``POST /coverage``) ask at the door: one secret.

Both are off (404) while ``RISKBRIEF_DEPLOY_SECRET`` is unset, take POST only, and take
``Authorization: Bearer <secret>``, compared in constant time; the chain
(``bot.doors.chain``) answers every refusal in JSON.
"""

from __future__ import annotations

import hmac

from pydantic import SecretStr
from werkzeug.wrappers import Request

from bot.doors.chain import Guard, bearer_token, off, post_only, verified

__all__ = ["BAD_SECRET", "ci_guards"]

BAD_SECRET = "send the deploy secret as 'Authorization: Bearer <secret>'"


def ci_guards(secret: SecretStr | None, off_sentence: str, method: str, realm: str) -> list[Guard]:
    """Off without ``secret``, POST only (``method`` says so), then the secret's proof; a 401
    names ``realm``."""

    def proof(request: Request) -> str | None:
        assert secret is not None
        token = bearer_token(request) or ""
        expected = secret.get_secret_value().encode()
        return None if hmac.compare_digest(token.encode(), expected) else BAD_SECRET

    return [
        off(off_sentence if secret is None else None),
        post_only(method),
        verified(proof, [("WWW-Authenticate", f'Bearer realm="{realm}"')]),
    ]
