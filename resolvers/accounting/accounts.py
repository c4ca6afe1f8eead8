"""The chart of accounts: creating accounts, finding them by id or code, listing them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, AccountType
from resolvers.accounting.access import READ, WRITE, require_accounting
from resolvers.accounting.inputs import AccountInput
from resolvers.audit.trail import record
from resolvers.errors import Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing
from resolvers.validation import FieldErrors

CODE_MAX = 20


def _as_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref.strip())
    except ValueError:
        return None


async def accounts_by_ref(
    session: AsyncSession, organization_id: uuid.UUID, refs: Iterable[str]
) -> dict[str, Account]:
    """ref (an id or a code) -> account, for the refs that name one (one statement)."""
    wanted = {ref.strip() for ref in refs if ref and ref.strip()}
    if not wanted:
        return {}
    ids = [i for i in (_as_uuid(ref) for ref in wanted) if i is not None]
    found = await session.scalars(
        select(Account).where(
            Account.organization_id == organization_id,
            or_(Account.code.in_(wanted), Account.id.in_(ids)),
        )
    )
    accounts = list(found)
    by_code = {account.code: account for account in accounts}
    by_id = {account.id: account for account in accounts}
    resolved: dict[str, Account] = {}
    for ref in wanted:
        account = by_code.get(ref) or by_id.get(_as_uuid(ref))  # type: ignore[arg-type]
        if account is not None:
            resolved[ref] = account
    return resolved


async def create_account(session: AsyncSession, actor: Actor | None, data: AccountInput) -> Account:
    organization_id = require_accounting(actor, WRITE)
    errors = FieldErrors()
    code = errors.required("code", data.code, CODE_MAX)
    name = errors.required("name", data.name, 200)
    description = errors.optional("description", data.description, 2000)
    parent: Account | None = None
    if data.parent is not None and data.parent.strip():
        parent = (await accounts_by_ref(session, organization_id, [data.parent])).get(
            data.parent.strip()
        )
        if parent is None:
            errors.add("parentId", "no such account")
        elif parent.type is not data.type:
            errors.add("parentId", f"a {data.type.value} account needs a {data.type.value} parent")
    errors.raise_if_any("Invalid account")
    account = Account(
        organization_id=organization_id,
        code=code,
        name=name,
        type=data.type,
        parent_id=parent.id if parent else None,
        description=description,
    )
    session.add(account)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"an account with code {code} already exists", fields={"code": "is already used"}
        ) from exc
    await record(session, actor, "account.created", "account", account.id, details={"code": code})
    return account


async def get_account(session: AsyncSession, actor: Actor | None, ref: str) -> Account:
    organization_id = require_accounting(actor, READ)
    account = (await accounts_by_ref(session, organization_id, [ref])).get(ref.strip())
    if account is None:
        raise NotFound("account not found")
    return account


def accounts_listing(actor: Actor | None, types: list[AccountType] | None) -> Listing:
    """The chart by code, optionally of some types (FORBIDDEN without accounting:read);
    shared by the resolver and compiled plans."""
    organization_id = require_accounting(actor, READ)
    conditions: list[ColumnElement[bool]] = [Account.organization_id == organization_id]
    if types:
        conditions.append(Account.type.in_(types))
    return Listing(
        select(Account).where(*conditions), (Account.code.expression, Account.id.expression)
    )
