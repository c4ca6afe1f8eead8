"""GraphQL ids are the UUIDv7 primary keys as strings."""

from __future__ import annotations

import uuid

import strawberry

from resolvers.errors import NotFound


def parse_id(value: str, what: str = "object") -> uuid.UUID:
    """A malformed id cannot name anything: NOT_FOUND, like an unknown one."""
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound(f"{what} not found") from exc


def optional_id(value: uuid.UUID | None) -> strawberry.ID | None:
    """An optional reference as a GraphQL id."""
    return None if value is None else strawberry.ID(str(value))
