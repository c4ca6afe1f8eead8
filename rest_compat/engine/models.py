"""Request models: a route's body and query parameters, declared as pydantic models.

A model's field names are the contract's names (its validation aliases, where a contract uses
names Python cannot spell); each field's serialization alias is the GraphQL input name
(camelCase of the field name unless the field says otherwise). So

    body.graphql()                 # every field, GraphQL names: a create input
    body.graphql(changes=True)     # only the keys the client sent: a PATCH/PUT input

`graphql(changes=True)` gives partial-update semantics for free: an absent key is left out
(the domain keeps the value), an explicit `null` is sent as null (the domain clears it, where
the field is nullable). Nested models follow the same rule part by part.

Refusals are `ValidationError`s; `problems()` turns one into `{contract path: message}` with
every problem at once, which each contract's renderer puts in its own error body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import AliasGenerator, BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from rest_compat.engine.contract import Inputs


class ContractModel(BaseModel):
    """Base of every request model. Unknown keys are ignored, as the contracts document."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(serialization_alias=to_camel),
        extra="ignore",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        hide_input_in_errors=True,
    )

    def graphql(self, *, changes: bool = False, exclude: set[str] | None = None) -> dict[str, Any]:
        """The model as GraphQL input fields; with `changes`, only the keys the client sent."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=changes, exclude=exclude)

    def sent(self, name: str) -> bool:
        """Whether the client sent the key behind field `name` (even as null)."""
        return name in self.model_fields_set


class CamelContractModel(ContractModel):
    """For contracts whose own names are camelCase (yaoka): `unit_price_cents` reads
    `unitPriceCents` from the body and sends `unitPriceCents` to GraphQL."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
    )


# Messages for pydantic's own error types; value types raise their own (values.refuse).
_MESSAGES = {
    "missing": "is required",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be an array",
    "tuple_type": "must be an array",
    "none_required": "must be null",
    "decimal_parsing": "must be a number",
    "decimal_type": "must be a number",
}


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "contract":
        return str(error["msg"])
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "string_too_short":
        minimum = context.get("min_length", 1)
        return "must not be empty" if minimum == 1 else f"must be at least {minimum} characters"
    if kind == "string_too_long":
        return f"must be at most {context.get('max_length')} characters"
    if kind in ("too_short", "too_long"):
        bound = context.get("min_length") if kind == "too_short" else context.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        return f"must have {word} {bound} items"
    if kind == "greater_than_equal":
        bound = context.get("ge")
        return "must be zero or more" if bound == 0 else f"must be at least {bound}"
    if kind == "greater_than":
        bound = context.get("gt")
        return "must be a positive number" if bound == 0 else f"must be more than {bound}"
    if kind == "less_than_equal":
        return f"must be at most {context.get('le')}"
    if kind == "less_than":
        return f"must be less than {context.get('lt')}"
    if kind == "value_error":
        return str(context.get("error") or error["msg"])
    return str(error["msg"])


def dotted(location: tuple[str | int, ...]) -> str:
    """`("lines", 0, "unit_price")` -> `lines.0.unit_price` (the default path style)."""
    return ".".join(str(part) for part in location)


def bracketed(location: tuple[str | int, ...]) -> str:
    """`("addresses", 0, "city")` -> `addresses[0].city`."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def problems(error: ValidationError, path: Any = dotted, root: str = "body") -> dict[str, str]:
    """Every problem of `error` as {contract path: message}; the first message of a path wins.
    Problems of the whole body (not an object) are named `root`."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        location = tuple(part for part in item["loc"] if not _is_tag(part))
        if item["input"] is None and item["type"] != "contract":
            item = {**item, "type": "missing"}  # null where a value is required
        at = (item.get("ctx") or {}).get("at")
        if item["type"] == "contract" and at:  # a model validator naming its field
            location += tuple(int(p) if p.isdigit() else p for p in str(at).split("."))
        found.setdefault(path(location) if location else root, _message(item))
    return found


def _is_tag(part: str | int) -> bool:
    # pydantic adds a union member's tag or a validator's name to locations
    return isinstance(part, str) and part.startswith(("function-", "constrained-"))


__all__ = [
    "CamelContractModel",
    "ContractModel",
    "Inputs",
    "bracketed",
    "dotted",
    "problems",
]


T = TypeVar("T")


class Data(BaseModel, Generic[T]):
    """A response wrapped as `{"data": …}` (skeleton-crm, vorgio, cloud-billing): for OpenAPI."""

    data: T
