"""Tenant scoping in one place: reads, bulk writes and new rows of a session stay in its tenant."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import (
    CursorResult,
    Executable,
    Text,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import aliased

from models import Membership, Organization, Role, User
from models.tenancy import UNSCOPED, TenancyError
from resolvers.identity.organizations import create_organization
from resolvers.unit_of_work import Database

DEFAULT_ROLE_COUNT = 3


async def rowcount(session: AsyncSession, statement: Executable) -> int:
    """Rows an ORM UPDATE/DELETE matched."""
    result = await session.execute(statement)
    assert isinstance(result, CursorResult)
    return result.rowcount


@dataclass
class Tenants:
    db: Database
    a: uuid.UUID
    b: uuid.UUID
    roles_of_a: set[uuid.UUID]
    roles_of_b: set[uuid.UUID]


@pytest.fixture
async def tenants(database_url: str) -> AsyncIterator[Tenants]:
    db = Database(create_async_engine(database_url))
    try:
        async with db.platform() as session:
            org_a = await create_organization(session, name="Alpha")
            org_b = await create_organization(session, name="Beta")
        async with db.platform() as session:
            rows = (await session.execute(select(Role.id, Role.organization_id))).all()
        roles_of_a = {role_id for role_id, org in rows if org == org_a.id}
        roles_of_b = {role_id for role_id, org in rows if org == org_b.id}
        assert len(roles_of_a) == len(roles_of_b) == DEFAULT_ROLE_COUNT
        yield Tenants(db, org_a.id, org_b.id, roles_of_a, roles_of_b)
    finally:
        await db.dispose()


async def test_a_scoped_session_sees_only_its_tenant(tenants: Tenants) -> None:
    async with tenants.db.transaction(tenants.a) as session:
        roles = (await session.scalars(select(Role))).all()
        assert {role.id for role in roles} == tenants.roles_of_a
        assert {role.organization_id for role in roles} == {tenants.a}
        assert await session.get(Role, next(iter(tenants.roles_of_b))) is None
        assert await session.get(Role, next(iter(tenants.roles_of_a))) is not None
        # Filters, columns, aggregates and aliases are scoped too.
        names = (await session.scalars(select(Role.name).where(Role.name == "admin"))).all()
        assert names == ["admin"]
        assert await session.scalar(select(func.count(Role.id))) == DEFAULT_ROLE_COUNT
        other = aliased(Role)
        pairs = await session.execute(select(Role.id, other.id).join(other, other.id == Role.id))
        assert {row[0] for row in pairs} == tenants.roles_of_a
        by_id = select(Role).where(Role.id.in_(tenants.roles_of_b))
        assert (await session.scalars(by_id)).all() == []
        # Tenant-less tables (organizations) are not filtered.
        orgs = set((await session.scalars(select(Organization.id))).all())
        assert {tenants.a, tenants.b} <= orgs


async def test_select_from_joins_and_subqueries_are_scoped(tenants: Tenants) -> None:
    async with tenants.db.transaction(tenants.a) as session:
        assert await session.scalar(select(func.count()).select_from(Role)) == DEFAULT_ROLE_COUNT
        owners = select(Organization.id).where(Organization.id.in_(select(Role.organization_id)))
        assert set((await session.scalars(owners)).all()) == {tenants.a}
        with_roles = select(Organization.id).where(
            exists().where(Role.organization_id == Organization.id)
        )
        assert set((await session.scalars(with_roles)).all()) == {tenants.a}
        joined = select(Organization.id, Role.id).join(
            Role, Role.organization_id == Organization.id
        )
        assert {row[1] for row in await session.execute(joined)} == tenants.roles_of_a
        counted = select(func.count()).select_from(select(Role.id).subquery())
        assert await session.scalar(counted) == DEFAULT_ROLE_COUNT


async def test_an_unscoped_platform_session_sees_every_tenant(tenants: Tenants) -> None:
    async with tenants.db.transaction(UNSCOPED) as session:
        ids = set((await session.scalars(select(Role.id))).all())
    assert ids == tenants.roles_of_a | tenants.roles_of_b


async def test_a_session_without_scope_may_not_read_tenant_rows(tenants: Tenants) -> None:
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            await session.scalars(select(Role))
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            await session.get(Role, next(iter(tenants.roles_of_a)))
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            await session.execute(select(Role.name))
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            await session.execute(update(Role).values(description="x"))
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            await session.execute(delete(Role))
    # Hidden in select_from() or a subquery, tenant rows are still tenant rows.
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            await session.scalar(select(func.count()).select_from(Role))
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            owners = select(Organization.id).where(
                Organization.id.in_(select(Role.organization_id))
            )
            await session.scalars(owners)
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            await session.execute(
                insert(Role).values(organization_id=tenants.a, name="x", permissions=[])
            )
    # Tables that belong to no tenant stay readable.
    async with tenants.db.transaction(None) as session:
        assert await session.scalar(select(func.count(Organization.id))) == 2


async def test_a_session_without_scope_may_not_write_tenant_rows(tenants: Tenants) -> None:
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(None) as session:
            session.add(Role(organization_id=tenants.a, name="x", description="", permissions=[]))
            await session.flush()
    async with tenants.db.platform() as session:
        assert await session.scalar(select(func.count(Role.id))) == 2 * DEFAULT_ROLE_COUNT


async def test_a_scope_that_is_not_an_id_is_refused(tenants: Tenants) -> None:
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(str(tenants.a)) as session:
            await session.scalars(select(Role))


async def test_writing_a_row_of_another_tenant_fails_at_flush(tenants: Tenants) -> None:
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(tenants.a) as session:
            session.add(Role(organization_id=tenants.b, name="spy", permissions=[]))
            await session.flush()
    async with tenants.db.platform() as session:
        spies = (await session.scalars(select(Role).where(Role.name == "spy"))).all()
    assert spies == []


async def test_moving_a_row_to_another_tenant_fails_at_flush(tenants: Tenants) -> None:
    role_id = next(iter(tenants.roles_of_a))
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(tenants.a) as session:
            role = await session.get(Role, role_id)
            assert role is not None
            role.organization_id = tenants.b
            await session.flush()
    async with tenants.db.platform() as session:
        assert await session.scalar(select(Role.organization_id).where(Role.id == role_id)) == (
            tenants.a
        )


async def test_new_rows_get_the_tenant_of_the_session(tenants: Tenants) -> None:
    async with tenants.db.transaction(tenants.a) as session:
        role = Role(name="accountant", description="books", permissions=["invoices:*"])
        session.add(role)
        await session.flush()
        assert role.organization_id == tenants.a
        # Autoflush before a query stamps rows too.
        user = User(email="u@example.com", name="U", active=True)
        session.add(user)
        await session.flush()
        session.add(Membership(user_id=user.id))
        memberships = (await session.scalars(select(Membership))).all()
        assert [m.organization_id for m in memberships] == [tenants.a]
    async with tenants.db.platform() as session:
        stored = await session.scalar(select(Role).where(Role.name == "accountant"))
    assert stored is not None and stored.organization_id == tenants.a


async def test_bulk_update_and_delete_touch_only_the_tenant(tenants: Tenants) -> None:
    async with tenants.db.transaction(tenants.a) as session:
        changed = update(Role).values(description="changed")
        assert await rowcount(session, changed) == DEFAULT_ROLE_COUNT
        hijack = (
            update(Role)
            .where(Role.id.in_(tenants.roles_of_b))
            .values(description="hijacked")
            .execution_options(synchronize_session=False)
        )
        assert await rowcount(session, hijack) == 0
    async with tenants.db.platform() as session:
        rows = (await session.execute(select(Role.organization_id, Role.description))).all()
    assert {d for org, d in rows if org == tenants.a} == {"changed"}
    assert "changed" not in {d for org, d in rows if org == tenants.b}
    assert "hijacked" not in {d for _, d in rows}
    async with tenants.db.transaction(tenants.b) as session:
        assert await rowcount(session, delete(Role).where(Role.name == "viewer")) == 1
    async with tenants.db.platform() as session:
        viewers = (
            await session.scalars(select(Role.organization_id).where(Role.name == "viewer"))
        ).all()
    assert viewers == [tenants.a]


async def test_bulk_inserts_may_not_name_another_tenant(tenants: Tenants) -> None:
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(tenants.a) as session:
            await session.execute(
                insert(Role).values(organization_id=tenants.b, name="spy", permissions=[])
            )
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(tenants.a) as session:
            mixed = [
                {"organization_id": tenants.a, "name": "ok", "permissions": []},
                {"organization_id": tenants.b, "name": "spy", "permissions": []},
            ]
            await session.execute(insert(Role).values(mixed))
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(tenants.a) as session:
            await session.execute(
                insert(Role), [{"organization_id": tenants.b, "name": "spy", "permissions": []}]
            )
    # Into its own tenant, a bulk insert works (ids given as UUIDs or strings).
    async with tenants.db.transaction(tenants.a) as session:
        await session.execute(
            insert(Role).values(organization_id=tenants.a, name="own-1", permissions=[])
        )
        await session.execute(
            insert(Role), [{"organization_id": str(tenants.a), "name": "own-2", "permissions": []}]
        )
    async with tenants.db.platform() as session:
        rows = (await session.execute(select(Role.name, Role.organization_id))).all()
    assert {name for name, _ in rows} >= {"own-1", "own-2"}
    assert not any(name in ("spy", "ok") for name, _ in rows)
    assert {org for name, org in rows if name.startswith("own-")} == {tenants.a}


async def test_a_bulk_update_may_not_move_rows_to_another_tenant(tenants: Tenants) -> None:
    with pytest.raises(TenancyError):
        async with tenants.db.transaction(tenants.a) as session:
            await session.execute(
                update(Role).where(Role.name == "viewer").values(organization_id=tenants.b)
            )
    # Filtering on the tenant column is not writing it.
    async with tenants.db.transaction(tenants.a) as session:
        mine = update(Role).where(Role.organization_id == tenants.a).values(description="mine")
        assert await rowcount(session, mine) == DEFAULT_ROLE_COUNT
    async with tenants.db.platform() as session:
        owners = (
            await session.scalars(select(Role.organization_id).where(Role.name == "viewer"))
        ).all()
    assert sorted(owners) == sorted([tenants.a, tenants.b])


async def xids(session: AsyncSession) -> set[int]:
    """The transaction ids of two statements: one id inside a transaction, two in autocommit."""
    statement = select(func.pg_current_xact_id().cast(Text))
    return {int(str(await session.scalar(statement))) for _ in range(2)}


async def test_a_read_session_is_scoped_and_runs_no_transaction(tenants: Tenants) -> None:
    """`Database.read`: each statement its own transaction (no BEGIN, no COMMIT), scoped like
    a transaction, alone or on the shared connection, which runs transactions again after."""
    async with tenants.db.read(tenants.a) as session:
        assert set(await session.scalars(select(Role.id))) == tenants.roles_of_a
        assert len(await xids(session)) == 2
    async with tenants.db.one_connection():
        async with tenants.db.read(tenants.b) as session:
            assert set(await session.scalars(select(Role.id))) == tenants.roles_of_b
            assert len(await xids(session)) == 2
        async with tenants.db.transaction(tenants.b) as session:
            assert len(await xids(session)) == 1
    async with tenants.db.read(None) as session:
        with pytest.raises(TenancyError):
            await session.scalars(select(Role))
