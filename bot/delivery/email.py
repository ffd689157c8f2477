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
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from pydantic import SecretStr

from bot.delivery.channel import Attempt, ChannelKind, SendGate, Sent
from bot.settings import Settings
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render import EmailMessageParts, build_mime, render_email
from data.store.deliveries import step
from data.store.tables import ChannelName, Subscriber
from scoring.errors import DeliveryError, SendWithheld

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

log = structlog.get_logger("riskbrief.delivery")

__all__ = ["KIND", "EmailSender", "briefing_message", "message_id"]


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
    """An SMTP server as configured; ``ssl_context`` verifies it (the system's CAs by default).

    The email ``Channel``: at least once, since an earlier attempt's message cannot be seen.
    """

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

    # The Channel protocol (bot.delivery.channel).

    @property
    def name(self) -> ChannelName:
        """Email."""
        return ChannelName.EMAIL

    def address(self, subscriber: Subscriber) -> str | None:
        """The subscriber's email address."""
        return subscriber.address_on(ChannelName.EMAIL)

    def render(self, payload: BriefingPayload, narrative: Narrative) -> EmailMessageParts:
        """The briefing as HTML and text parts with the chart."""
        return render_email(payload, narrative)

    def find_sent(self, attempt: Attempt) -> Sent | None:
        """Never known: SMTP cannot be asked what it accepted (see the module's docstring)."""
        return None

    def send_briefing(self, attempt: Attempt, message: EmailMessageParts, gate: SendGate) -> Sent:
        """Send the MIME message, asking ``gate`` once more just before its DATA."""
        recipient = attempt.subscriber.address_on(ChannelName.EMAIL)
        assert recipient is not None
        mime = briefing_message(
            message,
            sender=self.sender,
            recipient=recipient,
            subscriber=attempt.subscriber.key,
            week=attempt.claim.week,
            sent_at=attempt.now,
        )
        gate.open(recipient)
        sent_id = self.send(mime, gate.holds)
        step("send.email.sent")
        return Sent(sent_id, recipient)


def _configure(settings: Settings) -> EmailSender | str:
    if settings.smtp_host is None or settings.smtp_from is None:
        unset = [
            name
            for name, value in (
                ("RISKBRIEF_SMTP_HOST", settings.smtp_host),
                ("RISKBRIEF_SMTP_FROM", settings.smtp_from),
            )
            if value is None
        ]
        return f"set {' and '.join(unset)} to send briefings by email"
    return EmailSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )


# Addresses RFC 2606 keeps for examples: riskbrief.toml's placeholders, never a reader.
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")


def _check(subscriber: str, address: str, config: Path) -> tuple[str, str] | None:
    """An address at a domain kept for examples reaches no one: the doctor says so."""
    domain = address.rpartition("@")[2].lower()
    if domain not in _PLACEHOLDER_DOMAINS:
        return None
    return (
        f"subscriber {subscriber}'s email {address} is a placeholder ({domain} is "
        "reserved for examples), so no briefing would reach anyone.",
        f"put a real email address or a Slack member id (slack_user_id, e.g. U012AB3CD) "
        f"for {subscriber} in {config}.",
    )


# This channel's entry of the registry (``bot.delivery.registry`` finds it by the module's name).
KIND = ChannelKind(ChannelName.EMAIL, _configure, _check)


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
