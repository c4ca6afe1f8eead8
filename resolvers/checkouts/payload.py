"""A checkout as JSON, to store an intent until it is confirmed.

Patches are frozen dataclasses whose fields may be KEEP (not sent): those are left out and come
back as KEEP. Values are written as JSON can hold them (decimals and dates as text) and read
back by the field's declared type, so a confirmed intent runs exactly the checkout it stored.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from resolvers.customers.inputs import Keep

T = TypeVar("T")


def encode(value: Any) -> Any:
    """JSON of a dataclass tree; KEEP fields are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: encode(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not isinstance(getattr(value, f.name), Keep)
        }
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal | date | uuid.UUID):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def decode(cls: type[T], data: dict[str, Any]) -> T:
    """The dataclass `cls` back from `encode`'s JSON; absent fields take their default."""
    hints = get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{name: _read(hints[name], value) for name, value in data.items() if name in names})


def _read(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(hint) if arg not in (Keep, type(None))]
        return _read(options[0], value) if len(options) == 1 else value
    if origin in (list, tuple, Sequence):
        (item,) = get_args(hint)[:1]
        items = [_read(item, each) for each in value]
        return items if origin is list else tuple(items)
    if isinstance(hint, type):
        if dataclasses.is_dataclass(hint):
            return decode(hint, value)
        if issubclass(hint, enum.Enum | Decimal | uuid.UUID):
            return hint(value)
        if issubclass(hint, date):
            return date.fromisoformat(value)
    return value
