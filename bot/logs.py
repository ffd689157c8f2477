"""Logging: structlog JSON lines on stderr, with every token and key redacted.

``configure_logging`` sets up structlog for riskbrief's own events and gives
the standard library's loggers (slack_sdk, slack_bolt, httpx, anthropic,
waitress, APScheduler) the same processors for the warnings and errors they
print, so everything ``riskbrief`` and ``riskbrief serve`` write goes through
``Redactor``: token shapes of every service riskbrief talks to and the literal
values of the configured secrets become ``[REDACTED]`` in every event value,
nested ones and tracebacks included.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

import structlog
from pydantic import SecretStr
from structlog.typing import EventDict, Processor, WrappedLogger

from bot.checks.registry import secret_names as check_secret_names
from bot.settings import Settings
from data.sources.registry import secret_names

__all__ = [
    "REDACTED",
    "TOKEN_PATTERNS",
    "Redactor",
    "configure_logging",
    "secret_values",
]

REDACTED = "[REDACTED]"

# Shapes of the credentials riskbrief handles; a match is replaced whole.
TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Slack bot, user, app-config and legacy tokens, and app-level tokens.
    re.compile(r"\bxox[abposre]-[A-Za-z0-9-]+"),
    re.compile(r"\bxapp-[A-Za-z0-9-]+"),
    # GitHub classic and fine-grained PATs, App installation, OAuth, user and refresh tokens.
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]+"),
    re.compile(r"\bgh[psour]_[A-Za-z0-9]+"),
    # GitLab personal, project, group and deploy access tokens.
    re.compile(r"\bgl(?:pat|dt|oas|rt|ft|soat)-[A-Za-z0-9_-]+"),
    # Anthropic API keys.
    re.compile(r"\bsk-ant-[A-Za-z0-9_-]+"),
    # PEM private keys (a GitHub App's), also when cut short before the END line.
    re.compile(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
        re.DOTALL,
    ),
    # Authorization header values: Bearer (Slack, GitHub, CI), PagerDuty, Opsgenie.
    re.compile(r"(?<=\bBearer )\s*[^\s\"',;]+", re.IGNORECASE),
    re.compile(r"(?<=\bToken token=)[^\s\"',;]+", re.IGNORECASE),
    re.compile(r"(?<=\bGenieKey )\s*[^\s\"',;]+", re.IGNORECASE),
)

# A configured secret shorter than this is not searched for literally: it would
# blank out ordinary words. Its token shape, if it has one, is still redacted.
_MIN_LITERAL = 6


class Redactor:
    """A structlog processor that redacts token shapes and the given secrets from an event."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        literals: set[str] = set()
        for secret in secrets:
            value = secret.strip()
            if len(value) >= _MIN_LITERAL:
                literals.add(value)
            # A multi-line secret (a PEM key) may be logged a line at a time.
            literals.update(line.strip() for line in value.splitlines() if len(line.strip()) >= 16)
        # Longest first, so a secret containing another is replaced whole.
        self._literals = sorted(literals, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every literal secret and token shape replaced by ``[REDACTED]``."""
        for literal in self._literals:
            if literal in text:
                text = text.replace(literal, REDACTED)
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(REDACTED, text)
        return text

    def value(self, value: Any) -> Any:
        """``value`` redacted: strings, mappings and sequences deeply; anything else as text."""
        if isinstance(value, str):
            return self.redact(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, SecretStr):
            return REDACTED
        if isinstance(value, Mapping):
            return {self.redact(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.value(v) for v in value]
        if isinstance(value, bytes):
            return self.redact(value.decode("utf-8", "replace"))
        # What the JSON renderer would otherwise repr() unseen: an exception, a URL, a model.
        return self.redact(str(value) if isinstance(value, BaseException) else repr(value))

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        """Redact every key and value of ``event_dict`` (structlog's processor signature)."""
        return {key: self.value(value) for key, value in event_dict.items()}


def secret_values(settings: Settings) -> list[str]:
    """The values of every configured ``SecretStr`` setting (tokens, keys, passwords), of
    the registered sources' secret variables under their default names, and of the code
    hosts' checks' webhook secrets."""
    out: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            out.append(value.get_secret_value())
    variables = (*secret_names(), *check_secret_names())
    out.extend(v for name in variables if (v := os.environ.get(name, "").strip()))
    return out


class _Stderr(logging.StreamHandler[TextIO]):
    """A handler writing to whatever ``sys.stderr`` is when a record is emitted."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.setLevel(level)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


class _StderrLogger(structlog.PrintLogger):
    """structlog's PrintLogger on the current ``sys.stderr`` (click's test runner swaps it)."""

    def msg(self, message: str) -> None:
        """Write one line."""
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


def _stderr_logger(*_args: Any) -> _StderrLogger:
    return _StderrLogger(sys.stderr)


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """JSON lines on stderr at ``level``, redacted; libraries' warnings and errors too."""
    redactor = Redactor(secrets)
    threshold = logging.getLevelNamesMapping()[level.upper()]
    shared: list[Processor] = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
    ]
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=_stderr_logger,
        processors=[
            *shared,
            # log.exception would otherwise print "exc_info": true and no traceback.
            structlog.processors.format_exc_info,
            redactor,
            structlog.processors.JSONRenderer(),
        ],
        cache_logger_on_first_use=False,
    )
    handler = _Stderr(level=max(threshold, logging.WARNING))
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                redactor,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    # Libraries' warnings and errors (slack_sdk, slack_bolt, httpx, waitress, APScheduler)
    # reach stderr through Python's last-resort handler, as before, but now as redacted
    # JSON lines; a host that installs its own handlers (pytest, an embedding app) keeps them.
    logging.lastResort = handler
