"""A code host's webhook secret, read from the environment by the host's own package.

Each host's package names its variables (its ``CodeHostCheck.secrets``) and reads them here,
so a host's check is its package and its line in the registry, with nothing of it in
``bot.settings``; the log redacts every registered variable (``bot.logs.secret_values``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr

__all__ = ["webhook_secret"]


def webhook_secret(environ: Mapping[str, str], variable: str) -> SecretStr | None:
    """The secret ``variable`` holds, kept as a ``SecretStr`` so no repr or log shows it;
    ``None`` when unset or blank (``export GITHUB_WEBHOOK_SECRET=`` turns the webhook off)."""
    value = environ.get(variable, "").strip()
    return SecretStr(value) if value else None
