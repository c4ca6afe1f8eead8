"""Every body field a contract sends to GraphQL as a 32-bit `Int` (days, counts) is bounded by
its request model, so 2**31 is the contract's own refusal on that field, never a GraphQL
variable error. Fields are matched to the schema's `Int` input fields by their GraphQL name."""

from __future__ import annotations

import typing
from typing import Any

from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLScalarType
from pydantic import BaseModel, ValidationError

from rest_compat.registry import CONTRACTS
from schema.root import build_schema


def _int_input_fields() -> set[str]:
    """Names of the schema's input fields typed `Int` (or `Int!`)."""
    names = set()
    for named in build_schema()._schema.type_map.values():
        if not isinstance(named, GraphQLInputObjectType):
            continue
        for name, field in named.fields.items():
            kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if isinstance(kind, GraphQLScalarType) and kind.name == "Int":
                names.add(name)
    return names


def _models(model: Any, found: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """`model` and every model nested in its fields."""
    if isinstance(model, type) and issubclass(model, BaseModel) and model not in found:
        found.add(model)
        for info in model.model_fields.values():
            for part in _parts(info.annotation):
                _models(part, found)
    return found


def _parts(annotation: Any) -> list[Any]:
    parts = [annotation]
    for argument in typing.get_args(annotation):
        parts += _parts(argument)
    return parts


def _takes_int(annotation: Any) -> bool:
    return int in _parts(annotation) and bool not in _parts(annotation)


def test_every_body_field_sent_as_a_graphql_int_is_bounded() -> None:
    graphql_ints = _int_input_fields()
    assert {"dueOffsetDays", "creditDays", "capacity"} <= graphql_ints
    models: set[type[BaseModel]] = set()
    for contract in CONTRACTS:
        for route in contract.routes:
            _models(route.body, models)
    checked, unbounded = [], []
    for model in sorted(models, key=lambda m: m.__qualname__):
        for name, info in model.model_fields.items():
            graphql_name = info.serialization_alias or name
            camel = name.split("_")[0] + "".join(w.title() for w in name.split("_")[1:])
            if not _takes_int(info.annotation) or not {graphql_name, camel} & graphql_ints:
                continue
            checked.append(f"{model.__qualname__}.{name}")
            sent = info.validation_alias if isinstance(info.validation_alias, str) else name
            try:
                model.model_validate({sent: 2**31})
            except ValidationError as exc:
                if any(name in error["loc"] or sent in error["loc"] for error in exc.errors()):
                    continue
            unbounded.append(f"{model.__qualname__}.{name}")
    assert len(checked) >= 6, checked
    assert unbounded == []
