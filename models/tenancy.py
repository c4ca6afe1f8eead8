"""Tenant scoping done in one place.

Every tenant-owned class inherits `TenantMixin`. A session declares its scope once in
`session.info["tenant"]`: an organization id, or `UNSCOPED` for platform-level work (partner
provisioning, authentication). Every ORM SELECT is then filtered on `organization_id`, and every
new row is stamped with it; a session that declared nothing may not touch tenant rows at all.
"""

from __future__ import annotations

import re
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
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import ClauseElement, ColumnClause, TableClause


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


def _tenant_tables() -> set[Any]:
    tables: set[Any] = set()
    pending: list[type] = [TenantMixin]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        table = cls.__dict__.get("__table__")
        if table is not None:
            tables.add(table)
    return tables


def _touches_tenant_rows(state: ORMExecuteState) -> bool:
    if any(
        isinstance(m.class_, type) and issubclass(m.class_, TenantMixin) for m in state.all_mappers
    ):
        return True
    # all_mappers only lists top-level entities: also look into select_from(), joins,
    # subqueries and plain columns.
    statement = state.statement
    if not isinstance(statement, ClauseElement):
        return False
    tables = _tenant_tables()
    for element in visitors.iterate(statement):
        table = element.table if isinstance(element, ColumnClause) else element
        if isinstance(table, TableClause) and table in tables:
            return True
    return False


# `.values(organization_id=…)` binds as organization_id, multi-row values as organization_id_m<n>
# (a WHERE comparison binds as organization_id_<n>: not a written value).
_WRITTEN_TENANT_PARAM = re.compile(r"organization_id(_m\d+)?")


def _check_written_tenant(state: ORMExecuteState, tenant: uuid.UUID) -> None:
    """ORM bulk INSERT/UPDATE bypass before_flush: refuse values naming another tenant."""
    params: Any = state.parameters
    rows: list[Any] = params if isinstance(params, list) else [params] if params else []
    written: list[Any] = [row["organization_id"] for row in rows if "organization_id" in row]
    statement = state.statement
    # With a list of rows the ORM runs a bulk INSERT/UPDATE: the rows carry the values (and
    # such a statement only compiles inside that bulk operation).
    if not isinstance(params, list) and isinstance(statement, ClauseElement):
        compiled = statement.compile(dialect=state.session.get_bind().dialect)
        written += [v for k, v in compiled.params.items() if _WRITTEN_TENANT_PARAM.fullmatch(k)]
    for value in written:
        try:
            same = uuid.UUID(str(value)) == tenant
        except ValueError:
            same = False
        if not same:
            raise TenancyError("row belongs to another organization")


@event.listens_for(Session, "do_orm_execute")
def _scope_selects(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete or state.is_insert):
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
    assert isinstance(tenant, uuid.UUID)
    if (state.is_insert or state.is_update) and _touches_tenant_rows(state):
        _check_written_tenant(state, tenant)
    if state.is_insert:
        return  # nothing to filter; written tenant ids were checked above
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
