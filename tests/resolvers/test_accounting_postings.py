"""Postings the other domains call, on a real database: cost of goods, the chart seeded on
demand, and the database's own refusal of an unbalanced transaction."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from models import Account, AccountType, JournalLine, JournalSource, Organization
from resolvers.accounting import chart
from resolvers.accounting.postings import post_cost_of_goods
from resolvers.errors import BadUserInput
from resolvers.identity.actor import Actor, ActorKind
from resolvers.identity.organizations import create_organization
from tests.conftest import App


async def test_cost_of_goods_debits_cogs_against_inventory(app: App) -> None:
    db = app.asgi.state.db
    async with db.platform() as session:
        org = await create_organization(session, name="Shop")
    actor = Actor(kind=ActorKind.ORGANIZATION_KEY, organization_id=org.id)
    shipment = uuid.uuid4()
    async with db.transaction(org.id) as session:
        posted = await post_cost_of_goods(
            session, actor, amount=4200, currency="EUR", source_id=shipment, description="Ship"
        )
        assert posted is not None and posted.source is JournalSource.COST_OF_GOODS
        assert posted.posted_by_id is None  # an API key posts for nobody
        nothing = await post_cost_of_goods(
            session, actor, amount=0, currency="EUR", source_id=shipment, description="Ship"
        )
        assert nothing is None
        with pytest.raises(BadUserInput):
            await post_cost_of_goods(
                session, actor, amount=-1, currency="EUR", source_id=shipment, description="x"
            )
        rows = await session.execute(
            select(Account.code, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.transaction_id == posted.id)
            .order_by(JournalLine.position)
        )
        assert [tuple(r) for r in rows] == [
            (chart.COST_OF_GOODS, 4200, 0),
            (chart.INVENTORY, 0, 4200),
        ]


async def test_an_organization_without_a_chart_gets_the_default_one_when_posting(
    app: App,
) -> None:
    db = app.asgi.state.db
    async with db.platform() as session:
        bare = Organization(name="Bare", slug=f"bare-{uuid.uuid4().hex[:6]}")
        session.add(bare)
        await session.flush()
        # One account of its own already uses a default code: it is kept, not duplicated.
        session.add(
            Account(
                organization_id=bare.id, code=chart.INVENTORY, name="Stock", type=AccountType.ASSET
            )
        )
    async with db.transaction(bare.id) as session:
        await post_cost_of_goods(
            session,
            None,
            amount=100,
            currency="EUR",
            source_id=uuid.uuid4(),
            description="Ship",
            organization_id=bare.id,
        )
        count = await session.scalar(select(func.count()).select_from(Account))
        stock = await session.scalar(select(Account.name).where(Account.code == chart.INVENTORY))
    assert count == len(chart.DEFAULT_CHART) and stock == "Stock"


async def test_the_database_refuses_an_unbalanced_transaction_at_commit(app: App) -> None:
    db = app.asgi.state.db
    async with db.platform() as session:
        org = await create_organization(session, name="Direct")
    account_id = await _account(app, org.id)
    transaction_id = uuid.uuid4()
    with pytest.raises(DBAPIError, match="not balanced"):
        async with db.platform() as session:
            await session.execute(
                text(
                    "INSERT INTO journal_transactions (id, organization_id, description, currency,"
                    " entry_date, source) VALUES (:t, :o, 'raw', 'EUR', current_date, 'manual')"
                ),
                {"t": transaction_id, "o": org.id},
            )
            await session.execute(
                text(
                    "INSERT INTO journal_lines (id, organization_id, transaction_id, position,"
                    " account_id, debit, credit) VALUES (:i, :o, :t, 1, :a, 100, 0)"
                ),
                {"i": uuid.uuid4(), "o": org.id, "t": transaction_id, "a": account_id},
            )


async def _account(app: App, organization_id: uuid.UUID) -> uuid.UUID:
    async with app.asgi.state.db.platform() as session:
        found = await session.scalar(
            select(Account.id).where(
                Account.organization_id == organization_id, Account.code == chart.CASH
            )
        )
    assert found is not None
    return found
