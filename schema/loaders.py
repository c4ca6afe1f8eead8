"""Dataloaders, created afresh for every operation (never shared across operations).

Each batch opens its own short session: sibling fields resolve concurrently and one
AsyncSession cannot serve them all.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from functools import cached_property
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from models import (
    Account,
    AgreementRenewal,
    AgreementTerms,
    CatalogCategory,
    CatalogItem,
    Conversation,
    ConversationMember,
    Country,
    Customer,
    Invoice,
    InvoiceLine,
    JournalLine,
    Message,
    Party,
    Payment,
    Role,
    SalesOrderLine,
    StoredFile,
    User,
    Warehouse,
)
from resolvers.accounting import batches as accounting_batches
from resolvers.agreements import batches as agreement_batches
from resolvers.catalog import batches as catalog_batches
from resolvers.customers import batches as customer_batches
from resolvers.geography import batches as geography_batches
from resolvers.identity import batches as identity_batches
from resolvers.inventory import batches as inventory_batches
from resolvers.invoicing import batches as invoicing_batches
from resolvers.messenger import batches as messenger_batches
from resolvers.sales import batches as sales_batches
from resolvers.unit_of_work import Database

K = TypeVar("K")
V = TypeVar("V")


class Loaders:
    """One DataLoader per batch function, each created on first use (an operation that
    touches two of them builds two)."""

    def __init__(self, db: Database, tenant: uuid.UUID | None, *, shared: bool = False) -> None:
        self._db = db
        self._tenant = tenant
        self._shared = shared

    @cached_property
    def users(self) -> DataLoader[uuid.UUID, User | None]:
        return self._loader(identity_batches.users_by_id)

    @cached_property
    def membership_roles(self) -> DataLoader[uuid.UUID, list[str]]:
        return self._loader(identity_batches.role_names_by_membership)

    @cached_property
    def user_roles(self) -> DataLoader[uuid.UUID, list[Role]]:
        return self._loader(identity_batches.roles_by_user)

    @cached_property
    def countries(self) -> DataLoader[uuid.UUID, Country | None]:
        return self._loader(geography_batches.countries_by_id)

    @cached_property
    def customers(self) -> DataLoader[uuid.UUID, Customer | None]:
        return self._loader(customer_batches.customers_by_id)

    @cached_property
    def customer_totals(self) -> DataLoader[uuid.UUID, customer_batches.CustomerTotals]:
        return self._loader(customer_batches.totals_by_customer)

    @cached_property
    def documents(self) -> DataLoader[uuid.UUID, Invoice | None]:
        return self._loader(invoicing_batches.documents_by_id)

    @cached_property
    def document_lines(self) -> DataLoader[uuid.UUID, list[InvoiceLine]]:
        return self._loader(invoicing_batches.lines_by_document)

    @cached_property
    def payments(self) -> DataLoader[uuid.UUID, list[Payment]]:
        return self._loader(invoicing_batches.payments_by_invoice)

    @cached_property
    def credit_notes(self) -> DataLoader[uuid.UUID, list[Invoice]]:
        return self._loader(invoicing_batches.credit_notes_by_invoice)

    @cached_property
    def parties(self) -> DataLoader[uuid.UUID, Party | None]:
        return self._loader(agreement_batches.parties_by_id)

    @cached_property
    def agreement_terms(self) -> DataLoader[agreement_batches.TermsKey, list[AgreementTerms]]:
        return self._loader(agreement_batches.terms_history)

    @cached_property
    def agreement_renewals(self) -> DataLoader[uuid.UUID, list[AgreementRenewal]]:
        return self._loader(agreement_batches.renewals_by_agreement)

    @cached_property
    def conversations(self) -> DataLoader[uuid.UUID, Conversation | None]:
        return self._loader(messenger_batches.conversations_by_id)

    @cached_property
    def conversation_members(self) -> DataLoader[uuid.UUID, list[ConversationMember]]:
        return self._loader(messenger_batches.members_by_conversation)

    # Keyed by (conversation id, user id): the viewer's own membership and unread count.
    @cached_property
    def conversation_memberships(
        self,
    ) -> DataLoader[messenger_batches.MemberKey, ConversationMember | None]:
        return self._loader(messenger_batches.memberships)

    @cached_property
    def unread_counts(self) -> DataLoader[messenger_batches.MemberKey, int]:
        return self._loader(messenger_batches.unread_counts)

    @cached_property
    def last_messages(self) -> DataLoader[uuid.UUID, Message | None]:
        return self._loader(messenger_batches.last_messages)

    @cached_property
    def message_attachments(self) -> DataLoader[uuid.UUID, list[StoredFile]]:
        return self._loader(messenger_batches.attachments_by_message)

    @cached_property
    def catalog_items(self) -> DataLoader[uuid.UUID, CatalogItem | None]:
        return self._loader(catalog_batches.items_by_id)

    @cached_property
    def catalog_categories(self) -> DataLoader[uuid.UUID, CatalogCategory | None]:
        return self._loader(catalog_batches.categories_by_id)

    @cached_property
    def warehouses(self) -> DataLoader[uuid.UUID, Warehouse | None]:
        return self._loader(inventory_batches.warehouses_by_id)

    @cached_property
    def order_lines(self) -> DataLoader[uuid.UUID, list[SalesOrderLine]]:
        return self._loader(sales_batches.lines_by_order)

    @cached_property
    def accounts(self) -> DataLoader[uuid.UUID, Account | None]:
        return self._loader(accounting_batches.accounts_by_id)

    @cached_property
    def account_balances(self) -> DataLoader[uuid.UUID, list[accounting_batches.Balance]]:
        return self._loader(accounting_batches.balances_by_account)

    @cached_property
    def journal_lines(self) -> DataLoader[uuid.UUID, list[JournalLine]]:
        return self._loader(accounting_batches.lines_by_transaction)

    def _loader(
        self, batch: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]]
    ) -> DataLoader[K, V]:
        async def load(keys: list[K]) -> list[V]:
            async with self._db.transaction(self._tenant) as session:
                return await batch(session, keys)

        return _SharedDataLoader(load_fn=load) if self._shared else DataLoader(load_fn=load)


class _SharedDataLoader(DataLoader[K, V]):
    """Loads awaited by several operations (subscribers of one event): a subscriber that
    goes away while waiting cancels its own wait, never the load the others wait for."""

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


_current: ContextVar[Loaders | None] = ContextVar("comptoir_loaders", default=None)


def loaders(db: Database, tenant: uuid.UUID | None) -> Loaders:
    """This operation's loaders (created on first use if the extension did not run)."""
    current = _current.get()
    if current is None:
        current = Loaders(db, tenant)
        _current.set(current)
    return current


def fresh_loaders(db: Database, tenant: uuid.UUID | None) -> Loaders:
    """Replace this operation's loaders: a subscription calls it before each event it yields,
    so a long-lived subscription never serves cached rows from an earlier event."""
    current = Loaders(db, tenant)
    _current.set(current)
    return current


# Loaders of recent events, shared by every subscriber of this process that receives the
# event: the sender of a message is read once per process, not once per subscriber.
_by_event: OrderedDict[tuple[Database, uuid.UUID | None, str, int], Loaders] = OrderedDict()
EVENTS_KEPT = 64


def event_loaders(
    db: Database, tenant: uuid.UUID | None, topic: str, event_id: int | None
) -> Loaders:
    """This subscriber's loaders for one event of a topic: shared with the other subscribers
    of the event (rows of one event are the same for all; per-viewer loaders are keyed by
    viewer); an event with no id (ephemeral) gets loaders of its own."""
    if event_id is None:
        return fresh_loaders(db, tenant)
    key = (db, tenant, topic, event_id)
    current = _by_event.get(key)
    if current is None:
        current = _by_event[key] = Loaders(db, tenant, shared=True)
        while len(_by_event) > EVENTS_KEPT:
            _by_event.popitem(last=False)
    _current.set(current)
    return current


class OperationLoaders(SchemaExtension):
    """Installs fresh loaders at the start of each operation; queries and mutations run
    every unit of work (root fields, dataloader batches) on one database connection.
    Subscriptions do not: they would hold a connection for as long as they live."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        token = _current.set(Loaders(context.db, context.tenant))
        try:
            yield
        finally:
            _current.reset(token)

    async def on_execute(self) -> AsyncIterator[None]:
        if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        async with self.execution_context.context.db.one_connection():
            yield
