"""yaoka's list paging: `limit` (1-100, default 100) and `cursor` (the previous page's
`nextCursor`, null on the last page), answered as `{data, nextCursor}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_compat.engine import RestRequest
from rest_compat.engine.query import int_parameter

DEFAULT_LIMIT = 100
MAX_LIMIT = 100


def page_variables(request: RestRequest) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "first": int_parameter(
            request, "limit", default=DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT
        )
    }
    cursor = request.query.get("cursor")
    if cursor:
        variables["after"] = cursor
    return variables


def page_of(
    connection: dict[str, Any], item: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    info = connection["pageInfo"]
    return {
        "data": [item(node) for node in connection["nodes"]],
        "nextCursor": info["endCursor"] if info["hasNextPage"] else None,
    }
