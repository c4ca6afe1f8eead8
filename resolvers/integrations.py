"""What use cases that talk to the outside world need from the process: keys and policies.

The server builds one `Integrations` from its settings and hands it to GraphQL (the context)
and to jobs; use cases take it explicitly, so tests pass their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from resolvers.files.storage import FileStorage
from resolvers.mail.transport import MailTransport
from resolvers.oauth.provider import OAuthProvider
from resolvers.secrets import SecretBox

__all__ = ["Integrations"]


@dataclass(frozen=True)
class Integrations:
    box: SecretBox
    # Outbound webhooks: private/loopback endpoints allowed (tests, local development).
    webhooks_allow_private: bool = False
    webhook_retry_base: timedelta = timedelta(seconds=30)
    webhook_max_attempts: int = 8
    webhook_timeout_seconds: float = 10.0
    # Mail: where it goes (SMTP or an outbox folder), the sender, retries with backoff.
    mail: MailTransport | None = None
    mail_from: str = "Comptoir <noreply@localhost>"
    mail_retry_base: timedelta = timedelta(seconds=60)
    mail_max_attempts: int = 5
    # Files attached to mails (the server's file storage).
    storage: FileStorage | None = None
    # Pennylane's OAuth client (None: not configured).
    pennylane: OAuthProvider | None = None
