"""The REST-compatibility engine: route table -> GraphQL execution -> contract response."""

from rest_compat.engine.app import RestCompat
from rest_compat.engine.contract import (
    Contract,
    ErrorReply,
    Inputs,
    RestInputError,
    RestRequest,
    Route,
    path_variables,
)
from rest_compat.engine.idempotency import IdempotencyStore

__all__ = [
    "Contract",
    "ErrorReply",
    "IdempotencyStore",
    "Inputs",
    "RestCompat",
    "RestInputError",
    "RestRequest",
    "Route",
    "path_variables",
]
