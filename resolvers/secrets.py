"""Secrets at rest: provider API keys, webhook signing secrets, OAuth tokens.

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256, authenticated) under a `MultiFernet`
key ring: the first key encrypts, every key decrypts, so keys rotate by putting a new one first
and re-encrypting (`comptoir rotate-secrets`, `rotate_all`) before the old one is dropped.

Keys come from the settings (`COMPTOIR_ENCRYPTION_KEYS`); any string is accepted and stretched
with HKDF into a Fernet key, so the default ring (derived from the secret key) needs no setup.
Encrypted columns are marked `info={"encrypted": True}` on the models; `rotate_all` finds them
there. Plain values never leave this module except through `SecretBox.open`, and `Revealed`
keeps them out of reprs (hence logs and error messages).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Column, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Base

__all__ = ["ENCRYPTED", "Revealed", "SecretBox", "SecretError", "encrypted_columns", "rotate_all"]

# Marker for `mapped_column(..., info=ENCRYPTED)`.
ENCRYPTED: Final = {"encrypted": True}
_HKDF_INFO: Final = b"comptoir secrets at rest v1"


class SecretError(Exception):
    """A sealed value could not be opened (wrong keys or tampered data); says nothing more."""


@dataclass(frozen=True)
class Revealed:
    """A plain secret; its repr never shows the value."""

    value: str

    def __repr__(self) -> str:
        return "Revealed('***')"

    __str__ = __repr__


def _fernet_key(material: str) -> bytes:
    """A Fernet key as given, or one derived from any other string with HKDF-SHA256."""
    try:
        if len(base64.urlsafe_b64decode(material.encode())) == 32:
            return material.encode()
    except ValueError:
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        material.encode()
    )
    return base64.urlsafe_b64encode(derived)


class SecretBox:
    """Seal and open secrets with a key ring: `keys[0]` encrypts, all of them decrypt."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys or any(not key for key in keys):
            raise ValueError("at least one non-empty encryption key is needed")
        self._fernet = MultiFernet([Fernet(_fernet_key(key)) for key in keys])

    def __repr__(self) -> str:
        return "SecretBox(***)"

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> Revealed:
        try:
            return Revealed(self._fernet.decrypt(sealed.encode()).decode())
        except InvalidToken as exc:
            raise SecretError("a stored secret could not be decrypted") from exc

    def reseal(self, sealed: str) -> str:
        """The same secret under the newest key (opens with any key of the ring)."""
        try:
            return self._fernet.rotate(sealed.encode()).decode()
        except InvalidToken as exc:
            raise SecretError("a stored secret could not be decrypted") from exc


def encrypted_columns(tables: Iterable[Table] | None = None) -> list[Column[str]]:
    """Every column marked `ENCRYPTED`, across the models' tables."""
    found: list[Column[str]] = []
    for table in tables if tables is not None else Base.metadata.sorted_tables:
        found.extend(column for column in table.columns if column.info.get("encrypted"))
    return found


async def rotate_all(session: AsyncSession, box: SecretBox) -> int:
    """Re-encrypt every sealed value under the newest key; returns how many were rewritten.

    Runs in the caller's (platform) transaction: all or nothing. Core statements on the
    session's connection, so the tenancy hook does not apply (this is cross-tenant work).
    """
    connection = await session.connection()
    count = 0
    for column in encrypted_columns():
        table = column.table
        assert isinstance(table, Table)
        (key,) = table.primary_key.columns
        rows = await connection.execute(
            select(key, column).where(column.is_not(None)).with_for_update()
        )
        for row_id, sealed in rows.all():
            await connection.execute(
                update(table).where(key == row_id).values({column.name: box.reseal(sealed)})
            )
            count += 1
    return count
