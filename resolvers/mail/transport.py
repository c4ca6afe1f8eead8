"""How mails leave: over SMTP (aiosmtplib), or as `.eml` files in an outbox folder.

`smtp://user:password@host:port` uses STARTTLS when the server offers it; `smtps://` speaks
TLS from the first byte. The URL (and its password) is never logged nor stored in errors.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

__all__ = ["MailTransport", "OutboxFolder", "SmtpTransport", "TransportError", "transport_for"]


class TransportError(Exception):
    """The mail could not be handed over; the message is safe to store and show."""


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    url: str = field(repr=False)
    timeout: float = 30.0

    async def send(self, message: EmailMessage) -> None:
        parts = urlsplit(self.url)
        implicit_tls = parts.scheme == "smtps"
        try:
            await aiosmtplib.send(
                message,
                hostname=parts.hostname or "localhost",
                port=parts.port or (465 if implicit_tls else 25),
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None,
                use_tls=implicit_tls,
                start_tls=None if not implicit_tls else False,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise TransportError(f"SMTP: {type(exc).__name__}: {_safe(exc)}") from exc


def _safe(exc: Exception) -> str:
    text = str(exc)
    return text[:300]


@dataclass(frozen=True)
class OutboxFolder:
    """Writes each mail to `<folder>/<message id>.eml` (no SMTP server configured)."""

    folder: Path

    async def send(self, message: EmailMessage) -> None:
        name = (message["Message-ID"] or "mail").strip("<>").replace("/", "_") + ".eml"
        await asyncio.to_thread(self._write, name, message.as_bytes())

    def _write(self, name: str, content: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / (name + ".tmp")
        temporary.write_bytes(content)
        temporary.replace(self.folder / name)


def transport_for(smtp_url: str | None, outbox: Path) -> MailTransport:
    if smtp_url:
        if urlsplit(smtp_url).scheme not in ("smtp", "smtps"):
            raise ValueError("COMPTOIR_SMTP_URL must start with smtp:// or smtps://")
        return SmtpTransport(smtp_url)
    return OutboxFolder(outbox)
