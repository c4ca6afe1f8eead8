"""Reading query-string parameters, with errors every contract renders in its own format."""

from __future__ import annotations

from rest_compat.engine.contract import RestInputError, RestRequest


def int_parameter(
    request: RestRequest, name: str, *, default: int, minimum: int, maximum: int | None = None
) -> int:
    """An integer parameter; absent or empty gives `default`, anything else must be in range."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise RestInputError("Invalid input", {name: "must be an integer"}) from exc
    if maximum is None and value < minimum:
        raise RestInputError("Invalid input", {name: f"must be at least {minimum}"})
    if maximum is not None and not minimum <= value <= maximum:
        raise RestInputError("Invalid input", {name: f"must be between {minimum} and {maximum}"})
    return value
