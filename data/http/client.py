"""The TLS context every HTTP client of a process shares.

httpx builds a fresh ``ssl.SSLContext`` for each client it makes, reading the whole
CA bundle again: about 20 ms of CPU, more than a request to a nearby server takes.
A sync makes a client per source and a send one per Teams post, so they share one
context instead, built as httpx would build it (``SSL_CERT_FILE``, then
``SSL_CERT_DIR``, then certifi's bundle). An ``SSLContext`` may be shared across
threads and connections; nothing here changes it after it is built.
"""

from __future__ import annotations

import os
import ssl
from functools import cache

import httpx

__all__ = ["http_client", "tls_context"]


def tls_context() -> ssl.SSLContext:
    """The process's verifying TLS context for the CA settings in the environment now."""
    return _context_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


# Keyed by the two variables, so a process that changes them gets what httpx would give.
@cache
def _context_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    if cert_file:
        return ssl.create_default_context(cafile=cert_file)
    if cert_dir:
        return ssl.create_default_context(capath=cert_dir)
    return httpx.create_ssl_context(trust_env=False)


# httpx's own default.
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


def http_client(
    *,
    timeout: float | httpx.Timeout,
    follow_redirects: bool = False,
    limits: httpx.Limits = _LIMITS,
) -> httpx.Client:
    """An ``httpx.Client`` on the shared TLS context; the other settings are httpx's own."""
    return httpx.Client(
        verify=tls_context(), timeout=timeout, follow_redirects=follow_redirects, limits=limits
    )
