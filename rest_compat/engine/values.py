"""Reusable value types for request models: each coercion rule of the REST edge, written once.

Use them as field annotations in a `ContractModel` (see `rest_compat.engine.models`):

    class CustomerBody(ContractModel):
        name: Text
        credit_limit: Integer | None = Field(default=None, ge=0)
        due_date: Day | None = None

Body types take JSON values as JSON gives them (a string field refuses `3`, an integer field
refuses `"3"` and `true`); the `Query*` types read query-string text. Every refusal carries a
short message ("must be a string") that the contract's renderer shows under the field's
contract name; every type also describes itself in the generated JSON schema.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError
from starlette.datastructures import UploadFile

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


def refuse(message: str, at: str | None = None) -> PydanticCustomError:
    """A validation problem whose message is shown to the client as is. Raised by a model
    validator, `at` names the field it is about (`"address"`, or `"addresses.1.type"`)."""
    return PydanticCustomError("contract", message, {"at": at} if at else None)


def has_lone_surrogate(text: str) -> bool:
    """Whether `text` holds a lone UTF-16 surrogate (`"\\ud800"`), which no database stores."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _integer(value: Any) -> int:
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral():
        value = int(value)  # `10.0` in JSON
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse("must be an integer")
    return _int64(value)


def _decimal(value: Any) -> Decimal:
    """A JSON number or a decimal string; floats never appear (bodies are read as Decimal)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str | float):
        raise refuse("must be a number")
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if len(text) > 40:
        raise refuse("must be a number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise refuse("must be a number") from None
    if not number.is_finite():
        raise refuse("must be a number")
    return number


def _day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise refuse("must be a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refuse("must be a date (YYYY-MM-DD)") from None


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        raise refuse("must be a date-time (ISO 8601)")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise refuse("must be a date-time (ISO 8601)") from None


def _uuid(value: Any, message: str = "must be an id") -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None:
        raise refuse("is required")
    if not isinstance(value, str) or len(value) > 36:
        raise refuse(message)
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise refuse(message) from None


_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _query_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    raise refuse("must be true or false")


def _laravel_boolean(value: Any) -> bool:
    """Laravel's `boolean` rule: true, false, 1, 0, "1", "0", "true", "false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    raise refuse("must be true or false")


def _minor_units(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse("must be an integer (minor units)")
    return _int64(value)


def _int64(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise refuse("is out of range")
    return value


def _int32(value: int) -> int:
    if not INT32_MIN <= value <= INT32_MAX:
        raise refuse("is out of range")
    return value


def _laravel_integer(value: Any) -> int:
    """Laravel's `integer` rule: a JSON integer or a string of digits."""
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,19}", value.strip()):
        value = int(value.strip())
    return _integer(value)


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise refuse("must be an object")
    return value


Text = Annotated[str, Strict()]
"""A JSON string (numbers are refused, not turned into text), valid Unicode.
Add lengths with `Field(min_length=…, max_length=…)`."""

Integer = Annotated[int, Strict(), AfterValidator(_int64)]
"""A JSON integer within int64 (`true` and `"3"` are refused). Bounds: `Field(ge=…, le=…)`."""

SmallInteger = Annotated[int, Strict(), AfterValidator(_int32)]
"""A JSON integer within 32 bits, for fields GraphQL carries as `Int` (days, counts)."""


def _query_integer(value: Any) -> Any:
    """Query text: ASCII digits with an optional sign (not `1_0`, `1.5` or other scripts')."""
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?[0-9]{1,40}", value.strip()):
            raise refuse("must be an integer")
        return int(value.strip())
    return value


QueryInteger = Annotated[int, BeforeValidator(_query_integer), AfterValidator(_int64)]
"""An integer read from query-string text (`?limit=20`), within int64."""

MinorUnits = Annotated[int, BeforeValidator(_minor_units)]
"""An amount in minor units (cents): a JSON integer within int64."""

Number = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    PlainSerializer(lambda number: str(number), return_type=str),
]
"""A decimal from a JSON number or a decimal string; never a float. GraphQL gets the string."""

Day = Annotated[
    date,
    BeforeValidator(_day),
    PlainSerializer(lambda day: day.isoformat(), return_type=str),
]
"""An ISO 8601 calendar date, `YYYY-MM-DD` only (`20260507` is refused)."""

Moment = Annotated[
    datetime,
    BeforeValidator(_moment),
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
]
"""An ISO 8601 date-time (`2026-05-07T10:00:00Z`)."""

Id = Annotated[
    str,
    BeforeValidator(_uuid),
    WithJsonSchema({"type": "string", "format": "uuid"}),
]
"""A UUID, given to GraphQL in its canonical text form."""


def _nothing() -> None:
    return None


def absent(**kwargs: Any) -> Any:
    """`Field(default=None)` for an update field that may be left out but not sent as null:
    the None default is never validated (absent keeps), an explicit null is refused ("is
    required"), and the JSON schema shows no `null` default for a non-nullable type."""
    return Field(default_factory=_nothing, **kwargs)  # a factory: no default in the schema


def id_of(what: str, message: str | None = None) -> Any:
    """An `Id` whose refusal names what it identifies: `id_of("role")` -> "must be a role id"
    (or says `message`)."""
    message = message or f"must be a {what} id"
    return Annotated[
        str,
        BeforeValidator(lambda value: _uuid(value, message)),
        WithJsonSchema({"type": "string", "format": "uuid"}),
    ]


Boolean = Annotated[bool, Strict()]
"""A JSON boolean (`"true"` and `1` are refused)."""

QueryBoolean = Annotated[bool, BeforeValidator(_query_boolean)]
"""A query-string boolean: `true`, `false`, `1` or `0` (any case)."""

LaravelBoolean = Annotated[
    bool,
    BeforeValidator(_laravel_boolean),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "integer", "enum": [0, 1]},
                {"type": "string", "enum": ["1", "0", "true", "false"]},
            ]
        }
    ),
]
"""Laravel's `boolean` rule (vorgio): true/false, 1/0, "1"/"0", "true"/"false"."""

LaravelInteger = Annotated[
    int,
    BeforeValidator(_laravel_integer),
    WithJsonSchema({"type": ["integer", "string"], "format": "int64"}),
]
"""Laravel's `integer` rule (vorgio): a JSON integer or a string of digits, within int64."""

JSONObject = Annotated[
    dict[str, Any],
    BeforeValidator(_object),
    WithJsonSchema({"type": "object"}),
]
"""Any JSON object, passed through as is (e.g. free-form `social_media`)."""


def choice(*words: str, graphql: dict[str, str] | None = None, message: str | None = None) -> Any:
    """One of `words` (exact match), optionally turned into a GraphQL enum value:
    `choice("asc", "desc", graphql={"asc": "ASC", "desc": "DESC"})`. The refusal says
    "must be one of asc, desc" unless `message` says otherwise."""
    refusal = message or f"must be one of {', '.join(words)}"

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in words:
            raise refuse(refusal)
        return value

    serializer = PlainSerializer(
        (lambda word: graphql[word]) if graphql else (lambda word: word), return_type=str
    )
    return Annotated[
        str,
        BeforeValidator(check),
        serializer,
        WithJsonSchema({"type": "string", "enum": list(words)}),
    ]


def lowered_choice(
    *words: str, graphql: dict[str, str] | None = None, message: str | None = None
) -> Any:
    """Like `choice`, case-insensitively (`?sort_order=DESC`)."""

    inner = choice(*words, graphql=graphql, message=message)

    def lower(value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    return Annotated[inner, BeforeValidator(lower)]


def list_of_ids(message: str = "must be a list of ids") -> Any:
    """A JSON array of strings (ids, checked by the domain); anything else is refused with
    one message on the whole field."""

    def check(value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise refuse(message)
        return value

    return Annotated[list[str], BeforeValidator(check)]


def json_number(value: str | int) -> int | float:
    """For presenters: a GraphQL Decimal (`"10.5000"`) as a JSON number (`10.5`), an integer
    when it is whole. Exact for the at most 4 decimals quantities have (the double's shortest
    repr is the decimal written)."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _upload(value: Any) -> Any:
    if isinstance(value, list):
        raise refuse("send one file per request")
    if not isinstance(value, UploadFile):
        raise refuse("is required (a multipart/form-data file part)")
    return value


Upload = Annotated[
    Any,
    BeforeValidator(_upload),
    WithJsonSchema({"type": "string", "format": "binary"}),
]
"""One uploaded file (a multipart part); GraphQL receives it as an `Upload`."""


def _non_blank(text: str) -> str:
    if not text.strip():
        raise refuse("must not be empty")
    return text


NonBlankText = Annotated[str, Strict(), Field(min_length=1), AfterValidator(_non_blank)]
"""A string with something in it besides spaces (`""` and `" "` are refused)."""


__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "Boolean",
    "Day",
    "Field",
    "Id",
    "Integer",
    "JSONObject",
    "LaravelBoolean",
    "LaravelInteger",
    "MinorUnits",
    "Moment",
    "NonBlankText",
    "Number",
    "QueryBoolean",
    "QueryInteger",
    "SmallInteger",
    "Text",
    "Upload",
    "absent",
    "choice",
    "has_lone_surrogate",
    "id_of",
    "json_number",
    "list_of_ids",
    "lowered_choice",
    "refuse",
]
