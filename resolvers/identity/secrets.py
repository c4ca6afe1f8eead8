"""Password hashing (argon2), API-key generation and hashing, JWT access/refresh tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models import ApiKeyKind, Mode
from resolvers.errors import Unauthenticated

_hasher = PasswordHasher()
_JWT_ALGORITHM = "HS256"


@cache
def _dummy_hash() -> str:
    """Verifying against this keeps unknown-email logins as slow as wrong-password ones.
    Made on first use, not at import: every `comptoir` process (migrate, worker…) imports this."""
    return _hasher.hash("comptoir-timing-equalizer")


@dataclass(frozen=True)
class AuthConfig:
    secret_key: str
    access_token_ttl: timedelta = timedelta(minutes=15)
    refresh_token_ttl: timedelta = timedelta(days=30)
    session_ttl: timedelta = timedelta(days=14)
    # A rotated refresh token presented again within this delay (a client retrying a refresh
    # whose answer it lost) gets the same new pair back instead of ending the session.
    refresh_reuse_grace: timedelta = timedelta(seconds=10)
    # Failed sign-ins: this many per account, or per client address, lock it for the lockout.
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_lockout: timedelta = timedelta(minutes=5)
    invitation_ttl: timedelta = timedelta(days=7)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def hash_secret(raw: str) -> str:
    """API keys are long random strings: a fast digest is enough and allows an indexed lookup."""
    return hashlib.sha256(raw.encode()).hexdigest()


def secrets_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class NewKey:
    raw: str
    preview: str
    secret_hash: str


_PREFIXES = {ApiKeyKind.PARTNER: "sk_qbx", ApiKeyKind.ORGANIZATION: "sk_org"}


def new_prefixed_key(kind: ApiKeyKind, mode: Mode) -> NewKey:
    raw = f"{_PREFIXES[kind]}_{mode.value}_{secrets.token_urlsafe(32)}"
    return NewKey(raw=raw, preview=f"{raw[:14]}…{raw[-4:]}", secret_hash=hash_secret(raw))


def new_personal_token(key_id: uuid.UUID) -> NewKey:
    secret = secrets.token_urlsafe(40)
    raw = f"{key_id}|{secret}"
    return NewKey(
        raw=raw, preview=f"{str(key_id)[:8]}…|…{secret[-4:]}", secret_hash=hash_secret(secret)
    )


def parse_prefixed_key(raw: str) -> tuple[ApiKeyKind, Mode] | None:
    for kind, prefix in _PREFIXES.items():
        for mode in Mode:
            if raw.startswith(f"{prefix}_{mode.value}_"):
                return kind, mode
    return None


def new_opaque_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hash_secret(raw)


def now() -> datetime:
    return datetime.now(UTC)


def encode_token(
    config: AuthConfig, claims: dict[str, Any], ttl: timedelta, issued: datetime | None = None
) -> str:
    """A signed JWT; the same claims and `issued` time give the same token, byte for byte."""
    issued = issued or now()
    payload = {**claims, "iat": issued, "exp": issued + ttl, "iss": "comptoir"}
    return jwt.encode(payload, config.secret_key, algorithm=_JWT_ALGORITHM)


def decode_token(config: AuthConfig, token: str, expected_type: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            config.secret_key,
            algorithms=[_JWT_ALGORITHM],
            issuer="comptoir",
            options={"require": ["exp", "iat", "sub", "typ"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("token expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid token") from exc
    if claims.get("typ") != expected_type:
        raise Unauthenticated("invalid token")
    return claims
