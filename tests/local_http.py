"""One-off HTTP calls from tests to servers on 127.0.0.1, on the process's shared TLS context.

``httpx.get`` and its siblings build a client per call, and with it an SSL context that
reads the whole CA bundle again (about 20 ms of CPU); the suite makes thousands of calls.
"""

from __future__ import annotations

from typing import Any

import httpx

from data.http.client import tls_context

__all__ = ["get", "post", "request"]


def request(method: str, url: str, **options: Any) -> httpx.Response:
    """``httpx.request`` on the shared TLS context."""
    return httpx.request(method, url, verify=tls_context(), **options)


def get(url: str, **options: Any) -> httpx.Response:
    """``httpx.get`` on the shared TLS context."""
    return request("GET", url, **options)


def post(url: str, **options: Any) -> httpx.Response:
    """``httpx.post`` on the shared TLS context."""
    return request("POST", url, **options)
