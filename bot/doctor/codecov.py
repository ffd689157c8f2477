"""The doctor's Codecov lines: the token, then each repository, from ``data.sources.codecov``'s
findings (one check line each, named ``codecov``)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot.doctor.check import Check, failed, passed
from data.config import OrgConfig
from data.sources.codecov.client import CodecovClient
from data.sources.codecov.doctor import codecov_findings

__all__ = ["check_codecov"]


def check_codecov(org: OrgConfig | None, environ: Mapping[str, str] | None = None) -> list[Check]:
    """No line without ``[sources.codecov]``; else the token and each repository."""
    config = org.sources.codecov if org is not None else None
    if org is None or config is None:
        return []
    env = os.environ if environ is None else environ
    token = env.get(config.token_env)
    if not token:
        return [
            failed(
                "codecov",
                f"[sources.codecov] is configured but {config.token_env} is not set",
                f"set {config.token_env} to an API access token from Codecov's Settings > Access.",
            )
        ]
    names = config.repositories or tuple(r.name for r in org.repositories if "/" in r.name)
    client = CodecovClient(config.base_url, token, config.service, token_env=config.token_env)
    try:
        findings = codecov_findings(client, names, config.token_env)
    finally:
        client.close()
    return [
        passed("codecov", f.message) if f.ok else failed("codecov", f.message, f.fix or "")
        for f in findings
    ]
