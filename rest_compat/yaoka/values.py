"""yaoka's own value rules on top of the engine's: numbers are JSON numbers (`"30"` is
refused), words are strings first (`1` is "must be a string"), responses are camelCase."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic.alias_generators import to_camel

from rest_compat.engine.values import Number, choice, refuse


def _json_number(value: Any) -> Any:
    if isinstance(value, str | bool):
        raise refuse("must be a number")
    return value


def _string(value: Any) -> Any:
    if not isinstance(value, str):
        raise refuse("must be a string")
    return value


JSONNumber = Annotated[Number, BeforeValidator(_json_number), WithJsonSchema({"type": "number"})]
"""A decimal from a JSON number only (yaoka documents `number`)."""


def word(*words: str, graphql: dict[str, str] | None = None) -> Any:
    """One of `words`; a non-string is "must be a string"."""
    return Annotated[choice(*words, graphql=graphql), BeforeValidator(_string)]


class Response(BaseModel):
    """A yaoka response shape (for OpenAPI): snake_case fields, camelCase on the wire."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
