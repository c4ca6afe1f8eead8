"""The `x-tenant-slug` header: which organization (tenant) a request acts in.

Authentication resolves it (404 for an unknown tenant, 403 for a non-member; an organization
id is accepted too). The routes refuse a request that names no tenant (400) rather than
falling back to the organization the token was issued for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_compat.engine import Inputs, RestInputError, RestRequest

TENANT_HEADER = "x-tenant-slug"
ToVariables = Callable[[Inputs[Any, Any]], dict[str, Any]]


def tenant_slug(request: RestRequest) -> str | None:
    return (request.headers.get(TENANT_HEADER) or "").strip() or None


def tenant_scoped(to_variables: ToVariables) -> ToVariables:
    """`to_variables`, once the request has named its tenant (400 otherwise)."""

    def scoped(inputs: Inputs[Any, Any]) -> dict[str, Any]:
        if tenant_slug(inputs.request) is None:
            raise RestInputError(
                f"The {TENANT_HEADER} header is required", {TENANT_HEADER: "is required"}
            )
        return to_variables(inputs)

    return scoped


def path_id(inputs: Inputs[Any, Any]) -> dict[str, Any]:
    return {"id": inputs.id}
