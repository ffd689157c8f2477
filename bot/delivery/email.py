"""Sending a rendered briefing by email: smtplib, STARTTLS, then login, as configured.

SMTP has no way to ask whether a message was already accepted, so email delivery
is at least once, not exactly once: if riskbrief crashes after the server accepted
the message and before the delivery row says ``sent``, the retry sends it again.
The retry carries the same Message-ID (made from the subscriber and the week), so
receivers that drop duplicate Message-IDs, such as Gmail, show it once and any
other client can thread or de-duplicate it; nothing more can be promised.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr
from typing import TYPE_CHECKING

import structlog
from pydantic import SecretStr

from briefing.render import EmailMessageParts, build_mime
from scoring.errors import DeliveryError, SendWithheld

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

log = structlog.get_logger("riskbrief.delivery")

__all__ = ["EmailSender", "briefing_message", "message_id"]


def message_id(subscriber: str, week: str, sender: str) -> str:
    """The Message-ID of ``subscriber``'s briefing for ``week``: the same on every attempt."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "riskbrief.invalid"
    return f"<riskbrief.{week}.{subscriber}@{domain}>"


def briefing_message(
    parts: EmailMessageParts,
    *,
    sender: str,
    recipient: str,
    subscriber: str,
    week: str,
    sent_at: datetime,
) -> EmailMessage:
    """The MIME message of one briefing, with its deterministic Message-ID."""
    message = build_mime(
        parts,
        sender=sender,
        recipient=recipient,
        unsubscribe_url=None,
        unsubscribe_post=False,
        sent_at=sent_at,
    )
    # build_mime makes a fresh random id; a resend must be recognisable as the same message.
    del message["Message-ID"]
    message["Message-ID"] = message_id(subscriber, week, sender)
    return message


@dataclass(frozen=True, slots=True)
class EmailSender:
    """An SMTP server as configured; ``ssl_context`` verifies it (the system's CAs by default)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = True
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = None

    def send(self, message: EmailMessage, may_send: Callable[[], bool] | None = None) -> str:
        """Send ``message``; its Message-ID, or ``DeliveryError`` in one sentence.

        ``may_send`` is asked once more just before the message's DATA, after the
        connection, TLS and login: if it says no, nothing is sent (``SendWithheld``).
        """
        where = f"{self.host}:{self.port}"
        try:
            smtp = _LastCheckSMTP(self.host, self.port, timeout=self.timeout, may_send=may_send)
            try:
                if self.starttls:
                    smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                if self.username is not None:
                    secret = self.password.get_secret_value() if self.password else ""
                    smtp.login(self.username, secret)
                smtp.send_message(message)
            finally:
                _hang_up(smtp, where)
        except SendWithheld:
            raise
        except smtplib.SMTPAuthenticationError:
            raise DeliveryError(
                f"the SMTP server {where} refused the login; check RISKBRIEF_SMTP_USERNAME "
                "and RISKBRIEF_SMTP_PASSWORD"
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError(
                f"the SMTP server {where} does not offer STARTTLS or login; use its submission "
                "port (587) or set RISKBRIEF_SMTP_STARTTLS=false for a local relay"
            ) from None
        except ssl.SSLError as exc:
            raise DeliveryError(
                f"the SMTP server {where} failed the TLS check ({exc.reason or 'TLS error'}); "
                "check RISKBRIEF_SMTP_HOST names the server its certificate is for"
            ) from None
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError(
                f"the SMTP server {where} refused the recipient; check the subscriber's email "
                "in riskbrief.toml"
            ) from None
        except smtplib.SMTPSenderRefused:
            raise DeliveryError(
                f"the SMTP server {where} refused the sender; set RISKBRIEF_SMTP_FROM to an "
                "address the server may send as"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            # A server that is down or busy: the delivery is recorded failed and retried.
            reason = type(exc).__name__
            raise DeliveryError(
                f"the SMTP server {where} could not be used ({reason}); it is retried later"
            ) from None
        return str(message["Message-ID"])


class _LastCheckSMTP(smtplib.SMTP):
    """smtplib's client, asking ``may_send`` before DATA, the step that hands the message over.

    Everything before it (connecting, TLS, login, MAIL, RCPT) takes round trips during
    which this process may be stopped; a check there narrows the window in which a
    process that lost the right to send still does to the writing of the message itself.
    """

    def __init__(
        self, host: str, port: int, *, timeout: float, may_send: Callable[[], bool] | None
    ) -> None:
        self._may_send = may_send
        super().__init__(host, port, timeout=timeout)

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        """DATA, unless ``may_send`` now says no: then the transaction is reset, not sent."""
        if self._may_send is not None and not self._may_send():
            self.rset()
            raise SendWithheld("this process may no longer send; the message was not handed over")
        return super().data(msg)


def _hang_up(smtp: smtplib.SMTP, where: str) -> None:
    """QUIT and close, never raising: once the message is accepted, it is sent.

    (``with smtplib.SMTP(...)`` raises when QUIT is answered with anything but 221,
    which made a briefing the server had queued count as failed and be sent again.)
    """
    try:
        code, _ = smtp.quit()
        if code != 221:
            log.info("email.quit_refused", server=where, code=code)
    except (smtplib.SMTPException, OSError) as exc:
        log.info("email.quit_failed", server=where, error=type(exc).__name__)
    finally:
        smtp.close()
