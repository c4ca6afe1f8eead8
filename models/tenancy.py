"""Tenant scoping done in one place.

Every tenant-owned class inherits `TenantMixin`. A session declares its scope once in
`session.info["tenant"]`: an organization id, or `UNSCOPED` for platform-level work (partner
provisioning, authentication). Every ORM SELECT is then filtered on `organization_id`, and every
new row is stamped with it; a session that declared nothing may not touch tenant rows at all.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)


class _Unscoped:
    def __repr__(self) -> str:
        return "UNSCOPED"


UNSCOPED: Final = _Unscoped()
TENANT_KEY: Final = "tenant"


class TenancyError(RuntimeError):
    """A tenant row was read or written by a session with no declared scope (a programming bug)."""


class TenantMixin:
    @declared_attr
    def organization_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            ForeignKey("organizations.id", ondelete="CASCADE"), index=True, nullable=False
        )


def session_tenant(session: Session) -> uuid.UUID | _Unscoped | None:
    value: Any = session.info.get(TENANT_KEY)
    if value is None or value is UNSCOPED or isinstance(value, uuid.UUID):
        return value
    raise TenancyError(f"invalid tenant scope {value!r}")


def _touches_tenant_rows(state: ORMExecuteState) -> bool:
    return any(
        isinstance(m.class_, type) and issubclass(m.class_, TenantMixin) for m in state.all_mappers
    )


@event.listens_for(Session, "do_orm_execute")
def _scope_selects(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the parent statement was already scoped
    tenant = session_tenant(state.session)
    if tenant is UNSCOPED:
        return
    if tenant is None:
        if _touches_tenant_rows(state):
            raise TenancyError("session has no tenant scope; set session.info['tenant']")
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantMixin,
            lambda cls: cls.organization_id == tenant,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _ctx: Any, _instances: Any) -> None:
    tenant = session_tenant(session)
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantMixin):
            continue
        if tenant is None:
            raise TenancyError("session has no tenant scope; set session.info['tenant']")
        if isinstance(tenant, uuid.UUID):
            current = obj.organization_id
            if current is None:
                obj.organization_id = tenant
            elif current != tenant:
                raise TenancyError("row belongs to another organization")
