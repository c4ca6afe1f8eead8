"""SQL forms of the organization's roles (compiled plans, `schema.compiled`).

Users are not compiled: their roles depend on the organization the request acts in."""

from __future__ import annotations

from models import Role as RoleModel
from resolvers.identity.roles import roles_listing
from schema.compiled.forms import Forms, ListRoot, columns
from schema.customers.sql import text_array

IDENTITY_FORMS = Forms(
    types={
        "Role": {
            **columns("id", "name", "description", "created_at", "updated_at"),
            "permissions": text_array("permissions"),
        },
    },
    roots={"roles": ListRoot(RoleModel, roles_listing)},
)
