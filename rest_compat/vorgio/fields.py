"""vorgio's value types: the engine's, with the messages and loose rules of a Laravel API.

- a required field may be left out of a PATCH but never be `null` (nor blank, for text): those
  fields are declared with their type and `Field(default=None)`, so only a value the client
  sent is validated, and `refuse_null` names the field "is required";
- dates are `YYYY-MM-DD` or an ISO 8601 date-time (the contract shows both), as a day;
- choices are refused as "must be one of: a, b" (Laravel's `in` rule).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from rest_compat.engine.values import Day, Id, LaravelInteger, Moment, Text, choice, id_of, refuse

_DAY: TypeAdapter[date] = TypeAdapter(Day)
_MOMENT: TypeAdapter[Any] = TypeAdapter(Moment)


def _day(value: Any) -> date:
    for adapter in (_DAY, _MOMENT):
        try:
            parsed = adapter.validate_python(value)
        except ValidationError:
            continue
        return parsed.date() if isinstance(parsed, datetime) else parsed
    raise refuse("is not a valid date")


Date = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
"""A day: `YYYY-MM-DD`, or the day of an ISO 8601 date-time. GraphQL gets `YYYY-MM-DD`."""


def _filled(text: str) -> str:
    if not text.strip():
        raise refuse("is required")
    return text


Filled = Annotated[Text, AfterValidator(_filled)]
"""A required string: blank is the same as missing."""


def _two_letters(text: str) -> str:
    if len(text.strip()) != 2:
        raise refuse("must be 2 characters")
    return text


Country = Annotated[Filled, AfterValidator(_two_letters)]
"""An ISO 3166-1 alpha-2 code (any case; the domain checks it exists)."""

Uuid = id_of("row", "must be a valid UUID")
"""A UUID the caller chose or refers to ("must be a valid UUID")."""


TeamId = Annotated[
    LaravelInteger | None,
    Field(description="Accepted and ignored: the token's team is the only one it reaches"),
]
"""`team_id`, which the contract's bodies carry (the token already names the team)."""


def one_of(*words: str, graphql: dict[str, str] | None = None) -> Any:
    """`choice` with Laravel's message."""
    return choice(*words, graphql=graphql, message=f"must be one of: {', '.join(words)}")


def upper(*words: str) -> dict[str, str]:
    """Contract words -> GraphQL enum values (`hourly` -> `HOURLY`)."""
    return {word: word.upper() for word in words}


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def not_null(**options: Any) -> Any:
    """`Field(default=None)` for a field that may be left out (a PATCH keeps it) but is never
    null: the default is not validated, and not documented."""
    options.setdefault("json_schema_extra", _no_default)
    return Field(default=None, **options)


def refuse_null(value: Any) -> Any:
    """For a `field_validator(..., mode="before")`: `null` on a required field."""
    if value is None:
        raise refuse("is required")
    return value


__all__ = [
    "Country",
    "Date",
    "Filled",
    "Id",
    "TeamId",
    "Uuid",
    "not_null",
    "one_of",
    "refuse_null",
    "upper",
]
