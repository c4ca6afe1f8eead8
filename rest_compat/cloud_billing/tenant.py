"""The `x-tenant-slug` header: which organization (tenant) a request acts in.

Authentication resolves it (404 for an unknown tenant, 403 for a non-member; an organization
id is accepted too). The routes refuse a request that names no tenant (400) rather than
falling back to the organization the token was issued for.
"""

from __future__ import annotations

from typing import Any

from rest_compat.engine import RestInputError, RestRequest
from rest_compat.engine.contract import VariablesFn

TENANT_HEADER = "x-tenant-slug"


def tenant_slug(request: RestRequest) -> str | None:
    return (request.headers.get(TENANT_HEADER) or "").strip() or None


def tenant_scoped(variables: VariablesFn) -> VariablesFn:
    """`variables`, once the request has named its tenant (400 otherwise)."""

    def scoped(request: RestRequest) -> dict[str, Any]:
        if tenant_slug(request) is None:
            raise RestInputError(
                f"The {TENANT_HEADER} header is required", {TENANT_HEADER: "is required"}
            )
        return variables(request)

    return scoped
