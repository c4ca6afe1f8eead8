"""The REST-compatibility engine: route table -> GraphQL execution -> contract response."""

from rest_compat.engine.app import RestCompat
from rest_compat.engine.contract import Contract, ErrorReply, RestInputError, RestRequest, Route
from rest_compat.engine.idempotency import IdempotencyStore

__all__ = [
    "Contract",
    "ErrorReply",
    "IdempotencyStore",
    "RestCompat",
    "RestInputError",
    "RestRequest",
    "Route",
]
