"""Dataloaders, created afresh for every operation (never shared across operations).

Each batch opens its own short session: sibling fields resolve concurrently and one
AsyncSession cannot serve them all.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension

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
    def __init__(self, db: Database, tenant: uuid.UUID | None) -> None:
        self._db = db
        self._tenant = tenant
        self.users: DataLoader[uuid.UUID, User | None] = self._loader(identity_batches.users_by_id)
        self.membership_roles: DataLoader[uuid.UUID, list[str]] = self._loader(
            identity_batches.role_names_by_membership
        )
        self.user_roles: DataLoader[uuid.UUID, list[Role]] = self._loader(
            identity_batches.roles_by_user
        )
        self.countries: DataLoader[uuid.UUID, Country | None] = self._loader(
            geography_batches.countries_by_id
        )
        self.customers: DataLoader[uuid.UUID, Customer | None] = self._loader(
            customer_batches.customers_by_id
        )
        self.customer_totals: DataLoader[uuid.UUID, customer_batches.CustomerTotals] = self._loader(
            customer_batches.totals_by_customer
        )
        self.documents: DataLoader[uuid.UUID, Invoice | None] = self._loader(
            invoicing_batches.documents_by_id
        )
        self.document_lines: DataLoader[uuid.UUID, list[InvoiceLine]] = self._loader(
            invoicing_batches.lines_by_document
        )
        self.payments: DataLoader[uuid.UUID, list[Payment]] = self._loader(
            invoicing_batches.payments_by_invoice
        )
        self.credit_notes: DataLoader[uuid.UUID, list[Invoice]] = self._loader(
            invoicing_batches.credit_notes_by_invoice
        )
        self.parties: DataLoader[uuid.UUID, Party | None] = self._loader(
            agreement_batches.parties_by_id
        )
        self.agreement_terms: DataLoader[agreement_batches.TermsKey, list[AgreementTerms]] = (
            self._loader(agreement_batches.terms_history)
        )
        self.agreement_renewals: DataLoader[uuid.UUID, list[AgreementRenewal]] = self._loader(
            agreement_batches.renewals_by_agreement
        )
        self.catalog_items: DataLoader[uuid.UUID, CatalogItem | None] = self._loader(
            catalog_batches.items_by_id
        )
        self.catalog_categories: DataLoader[uuid.UUID, CatalogCategory | None] = self._loader(
            catalog_batches.categories_by_id
        )
        self.warehouses: DataLoader[uuid.UUID, Warehouse | None] = self._loader(
            inventory_batches.warehouses_by_id
        )
        self.order_lines: DataLoader[uuid.UUID, list[SalesOrderLine]] = self._loader(
            sales_batches.lines_by_order
        )
        self.accounts: DataLoader[uuid.UUID, Account | None] = self._loader(
            accounting_batches.accounts_by_id
        )
        self.account_balances: DataLoader[uuid.UUID, list[accounting_batches.Balance]] = (
            self._loader(accounting_batches.balances_by_account)
        )
        self.journal_lines: DataLoader[uuid.UUID, list[JournalLine]] = self._loader(
            accounting_batches.lines_by_transaction
        )

        self.conversations: DataLoader[uuid.UUID, Conversation | None] = self._loader(
            messenger_batches.conversations_by_id
        )
        self.conversation_members: DataLoader[uuid.UUID, list[ConversationMember]] = self._loader(
            messenger_batches.members_by_conversation
        )
        # Keyed by (conversation id, user id): the viewer's own membership and unread count.
        self.conversation_memberships: DataLoader[
            messenger_batches.MemberKey, ConversationMember | None
        ] = self._loader(messenger_batches.memberships)
        self.unread_counts: DataLoader[messenger_batches.MemberKey, int] = self._loader(
            messenger_batches.unread_counts
        )
        self.last_messages: DataLoader[uuid.UUID, Message | None] = self._loader(
            messenger_batches.last_messages
        )
        self.message_attachments: DataLoader[uuid.UUID, list[StoredFile]] = self._loader(
            messenger_batches.attachments_by_message
        )

    def _loader(
        self, batch: Callable[[AsyncSession, Sequence[K]], Awaitable[list[V]]]
    ) -> DataLoader[K, V]:
        async def load(keys: list[K]) -> list[V]:
            async with self._db.transaction(self._tenant) as session:
                return await batch(session, keys)

        return DataLoader(load_fn=load)


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


class OperationLoaders(SchemaExtension):
    """Installs fresh loaders at the start of each operation."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        token = _current.set(Loaders(context.db, context.tenant))
        try:
            yield
        finally:
            _current.reset(token)
