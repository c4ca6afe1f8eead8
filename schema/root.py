"""The one schema: per-domain query and mutation types merged, limits as extension factories."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from schema.accounting.mutations import AccountingMutation
from schema.accounting.queries import AccountingQuery
from schema.audit.queries import AuditQuery
from schema.catalog.mutations import CatalogMutation
from schema.catalog.queries import CatalogQuery
from schema.connections.operations import ConnectionsMutation, ConnectionsQuery
from schema.cost import QueryCostLimiter
from schema.customers.mutations import CustomerMutation
from schema.customers.queries import CustomerQuery
from schema.errors import ErrorCodes
from schema.files.mutations import FilesMutation
from schema.files.queries import FilesQuery
from schema.geography.mutations import GeographyMutation
from schema.geography.queries import GeographyQuery
from schema.identity.mutations import IdentityMutation
from schema.identity.queries import IdentityQuery
from schema.identity.teams import TeamsMutation, TeamsQuery
from schema.identity.users import UsersMutation, UsersQuery
from schema.inventory.mutations import InventoryMutation
from schema.inventory.queries import InventoryQuery
from schema.invoicing.mutations import InvoicingMutation
from schema.invoicing.queries import InvoicingQuery
from schema.loaders import OperationLoaders
from schema.mail.mutations import MailMutation
from schema.mail.queries import MailQuery
from schema.messenger.mutations import MessengerMutation
from schema.messenger.queries import MessengerQuery
from schema.messenger.subscriptions import MessengerSubscription
from schema.notifications.mutations import NotificationsMutation
from schema.notifications.queries import NotificationsQuery
from schema.oauth.operations import OAuthMutation, OAuthQuery
from schema.parties.mutations import PartiesMutation
from schema.parties.queries import PartiesQuery
from schema.purchasing.expenses import ExpensesMutation, ExpensesQuery
from schema.purchasing.operations import PurchasingMutation, PurchasingQuery
from schema.sales.mutations import SalesMutation
from schema.sales.queries import SalesQuery
from schema.scalars import SCALAR_MAP
from schema.webhooks.mutations import WebhooksMutation
from schema.webhooks.queries import WebhooksQuery

Query = merge_types(
    "Query",
    (
        IdentityQuery,
        UsersQuery,
        TeamsQuery,
        CustomerQuery,
        GeographyQuery,
        PartiesQuery,
        FilesQuery,
        NotificationsQuery,
        InvoicingQuery,
        MessengerQuery,
        CatalogQuery,
        InventoryQuery,
        SalesQuery,
        AccountingQuery,
        AuditQuery,
        WebhooksQuery,
        MailQuery,
        OAuthQuery,
        ConnectionsQuery,
        PurchasingQuery,
        ExpensesQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        IdentityMutation,
        UsersMutation,
        TeamsMutation,
        CustomerMutation,
        GeographyMutation,
        PartiesMutation,
        FilesMutation,
        NotificationsMutation,
        InvoicingMutation,
        MessengerMutation,
        CatalogMutation,
        InventoryMutation,
        SalesMutation,
        AccountingMutation,
        WebhooksMutation,
        MailMutation,
        OAuthMutation,
        ConnectionsMutation,
        PurchasingMutation,
        ExpensesMutation,
    ),
)
Subscription = merge_types("Subscription", (MessengerSubscription,))

SDL_PATH = Path(__file__).with_name("schema.graphql")


class Schema(strawberry.Schema):
    """Strawberry logs every error with a traceback; expected ones (bad input, 404…) are not
    incidents. `schema.errors.ErrorCodes` already logged the unexpected ones, with their cause."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(
    max_depth: int = 12,
    max_tokens: int = 2000,
    max_aliases: int = 30,
    *,
    max_cost: int = 50_000,
    introspection: bool = True,
    tracing: bool = False,
) -> strawberry.Schema:
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        partial(QueryDepthLimiter, max_depth=max_depth),
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(MaxAliasesLimiter, max_alias_count=max_aliases),
        partial(QueryCostLimiter, max_cost=max_cost),
        OperationLoaders,
        ErrorCodes,
    ]
    if not introspection:
        extensions.insert(0, DisableIntrospection)
    if tracing:
        from strawberry.extensions.tracing import OpenTelemetryExtension

        extensions.insert(0, OpenTelemetryExtension)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=extensions,
    )


schema = build_schema()
