"""The REST-compatibility engine: route table -> GraphQL execution -> contract response."""

from rest_compat.engine.contract import Contract, ErrorReply, RestInputError, RestRequest, Route
from rest_compat.engine.idempotency import IdempotencyStore
from rest_compat.engine.app import RestCompat

__all__ = [
    "Contract",
    "ErrorReply",
    "IdempotencyStore",
    "RestCompat",
    "RestInputError",
    "RestRequest",
    "Route",
]
