"""Process configuration, read from the environment (and a `.env` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from resolvers.files.content_types import DEFAULT_CONTENT_TYPES, DEFAULT_MAX_UPLOAD_BYTES
from resolvers.secrets import SecretBox

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Every knob of the server; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="COMPTOIR_", env_file=".env", extra="ignore")

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    # production refuses the embedded PostgreSQL (and wants DATABASE_URL).
    env: Literal["development", "production"] = "development"
    data_dir: Path = Path(".comptoir")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: str | None = None
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    session_cookie_name: str = "comptoir_session"
    session_days: int = 14
    # A rotated refresh token retried within this many seconds gets the same new pair.
    refresh_reuse_grace_seconds: int = 10
    # Failed sign-ins: per account and per client address, then locked for the lockout.
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_lockout_seconds: int = 300
    invitation_days: int = 7
    # How often a websocket re-checks the credential that opened it (logout, removal…).
    credential_recheck_seconds: float = 15.0
    # Actors cached per credential for this long (0: off); revocations reach every process at
    # once through NOTIFY, and the cache is off while its process cannot hear them.
    auth_cache_seconds: float = Field(default=5.0, ge=0)
    auth_cache_size: int = Field(default=10_000, ge=1)
    # Messages a websocket may have waiting to be sent; past it the client is too slow and is
    # closed with 1013 (server.ws_outbox).
    ws_outbox_limit: int = 500
    # GraphiQL at GET /graphql; unset means on, except with COMPTOIR_ENV=production.
    graphiql: bool | None = None
    run_worker: bool = True
    max_query_depth: int = 12
    max_query_tokens: int = 2000
    max_aliases: int = 30
    # Query cost: every field costs 1, times the page size asked of the lists above it.
    max_query_cost: int = 50_000
    # Known query documents whose every field has a SQL form run as one SQL statement that
    # builds the JSON (byte-identical to field-by-field execution).
    compiled_execution: bool = True
    # Introspection (__schema, __type) for tools; switch off to hide the schema.
    introspection: bool = True
    # Only documents already known (persisted by a hash) are executed.
    trusted_documents_only: bool = False
    # Origins (e.g. ["http://localhost:5173"]) that may call the API from a browser, with the
    # session cookie, and open the subscription websocket. Empty: same origin only.
    cors_origins: list[str] = Field(default_factory=list)
    # Request bodies beyond this are refused (413) before being read, except file uploads.
    max_body_bytes: int = 1_000_000
    # A client has this long to send its request headers, and then each body chunk.
    client_timeout_seconds: float = 15.0
    # The largest request head (request line and headers) accepted.
    max_header_bytes: int = 16_384
    # /metrics in the Prometheus format.
    metrics: bool = True
    # When set, /metrics answers only `Authorization: Bearer <this token>` (401 otherwise).
    metrics_token: str | None = None
    # JSON object mapping a host name to a contract, e.g. {"app.yaoka.fr": "yaoka"}.
    rest_hosts: dict[str, str] = Field(default_factory=dict)
    log_level: str = "INFO"
    log_json: bool = False
    db_pool_size: int = 10
    # Pooled connections older than this are replaced at checkout (no pre-ping per checkout).
    db_pool_recycle_seconds: int = 1800
    idempotency_hours: int = 24
    # Uploads: the size limit in bytes and the accepted content types (a JSON list).
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    upload_content_types: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTENT_TYPES))
    # Secrets at rest (a JSON list, newest first: it encrypts, all decrypt); empty derives one
    # key from the secret key. Rotate with `comptoir rotate-secrets` after adding a key.
    encryption_keys: list[str] = Field(default_factory=list)
    # Outbound webhooks: endpoints on private/loopback addresses are refused unless true.
    webhooks_allow_private: bool = False
    # Seconds before the first webhook retry; doubles on each further attempt.
    webhooks_retry_base_seconds: float = 30.0
    webhooks_max_attempts: int = 8
    # Mail: smtp://user:password@host:port (STARTTLS when offered) or smtps://; unset, mails
    # are written as .eml files into <data dir>/outbox.
    smtp_url: str | None = None
    mail_from: str = "Comptoir <noreply@localhost>"
    mail_retry_base_seconds: float = 60.0
    mail_max_attempts: int = 5
    # Pennylane OAuth (authorization code + PKCE); unset client id: not offered.
    pennylane_client_id: str | None = None
    pennylane_client_secret: str | None = None
    pennylane_redirect_url: str | None = None
    # The provider's base URL: /oauth/authorize and /oauth/token below it (tests point it at
    # a local server).
    pennylane_oauth_base_url: str = "https://app.pennylane.com"
    pennylane_scopes: list[str] = Field(
        default_factory=lambda: ["customer_invoices:all", "supplier_invoices:all"]
    )

    def secret_box(self) -> SecretBox:
        """The key ring that seals secrets at rest."""
        return SecretBox(self.encryption_keys or [self.resolved_secret_key()])

    # Where file bytes live: file:///path (default: <data dir>/files) or s3://bucket/prefix.
    files_url: str | None = None

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level (one of {', '.join(LOG_LEVELS)})")
        return level

    @field_validator("metrics_token")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("rest_hosts")
    @classmethod
    def _known_contracts(cls, value: dict[str, str]) -> dict[str, str]:
        from rest_compat.registry import CONTRACTS

        names = sorted(contract.name for contract in CONTRACTS)
        for host, contract in value.items():
            if contract not in names:
                raise ValueError(
                    f"host {host!r} names no contract {contract!r} (one of {', '.join(names)})"
                )
        return value

    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.env != "production"

    def resolved_secret_key(self) -> str:
        """The signing/encryption secret; generated once into the data directory if unset."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
