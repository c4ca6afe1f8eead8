"""The one schema: per-domain query and mutation types merged, limits as extension factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from graphql.execution import Executor
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types import ExecutionResult as StrawberryResult

from schema.accounting.mutations import AccountingMutation
from schema.accounting.queries import AccountingQuery
from schema.agreements.mutations import AgreementsMutation
from schema.agreements.queries import AgreementsQuery
from schema.audit.queries import AuditQuery
from schema.catalog.mutations import CatalogMutation
from schema.catalog.queries import CatalogQuery
from schema.checkouts.mutations import CheckoutsMutation
from schema.compiled.extension import CompiledExecution
from schema.compiled.registry import FORMS
from schema.compiled.runner import CompiledPlans
from schema.connections.operations import ConnectionsMutation, ConnectionsQuery
from schema.cost import CostCache, QueryCostLimiter
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
from schema.shared_events import SharedData, SharedEventExecution, SharedEventsRunner
from schema.validation import CachedValidation, ValidationResults
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
        AgreementsQuery,
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
        AgreementsMutation,
        CatalogMutation,
        InventoryMutation,
        SalesMutation,
        AccountingMutation,
        WebhooksMutation,
        CheckoutsMutation,
        MailMutation,
        OAuthMutation,
        ConnectionsMutation,
        PurchasingMutation,
        ExpensesMutation,
    ),
)
Subscription = merge_types("Subscription", (MessengerSubscription,))

SDL_PATH = Path(__file__).with_name("schema.graphql")


class CachedParse(ParserCache):
    """ParserCache, except that a document that fails to parse is left to Strawberry's own
    parse step, which reports it as a GraphQL error (the stock extension lets it escape)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield


class Schema(strawberry.Schema):
    """Strawberry logs every error with a traceback; expected ones (bad input, 404…) are not
    incidents. `schema.errors.ErrorCodes` already logged the unexpected ones, with their cause."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SharedEventsRunner:
        return SharedEventsRunner(execution_context=execution_context, extensions=extensions)

    async def _handle_execution_result(
        self,
        context: ExecutionContext,
        result: Any,
        extensions_runner: Any,
        *,
        skip_process_errors: bool = False,
    ) -> StrawberryResult:
        """A subscription event's shared result (`schema.shared_events`) is the same for all
        its subscribers: unless the client asked for extension results (`extensions` in its
        request, e.g. the cost), it skips asking every extension for them (none of ours has
        any otherwise), so the payload stays the shared one."""
        shared_data = isinstance(getattr(result, "data", None), SharedData)
        if shared_data and not result.errors and not context.operation_extensions:
            shared = StrawberryResult(data=result.data, errors=None)
            context.result = shared
            return shared
        handled: StrawberryResult = await super()._handle_execution_result(
            context, result, extensions_runner, skip_process_errors=skip_process_errors
        )
        return handled


# Distinct documents whose parse tree and validation result are kept (known documents and
# front-end queries are few; an attacker's unique texts only evict each other).
DOCUMENT_CACHE_SIZE = 512


def build_schema(
    max_depth: int = 12,
    max_tokens: int = 2000,
    max_aliases: int = 30,
    *,
    max_cost: int = 50_000,
    introspection: bool = True,
    tracing: bool = False,
    compiled: bool = True,
) -> strawberry.Schema:
    # The limiter rules are classes built once: graphql-core's validation cache is keyed by
    # the rule classes, so building them per request (as the stock extensions do) never hits.
    limits = (depth_rule(max_depth, None), alias_rule(max_aliases))
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(AddValidationRules, list(limits)),
        partial(CachedParse, maxsize=DOCUMENT_CACHE_SIZE),
        partial(CachedValidation, results=ValidationResults(DOCUMENT_CACHE_SIZE)),
        # After the validation cache: it prices valid documents only (cached per document and
        # the page sizes given as variables).
        partial(QueryCostLimiter, max_cost=max_cost, cache=CostCache(DOCUMENT_CACHE_SIZE)),
        OperationLoaders,
        ErrorCodes,
    ]
    if compiled:
        # After the limits, the cost limiter and OperationLoaders (its one connection).
        plans = CompiledPlans(FORMS, DOCUMENT_CACHE_SIZE)
        extensions.insert(extensions.index(ErrorCodes), partial(CompiledExecution, plans=plans))
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
        execution_context_class=cast("type[Executor[Any]]", SharedEventExecution),
        extensions=extensions,
    )


schema = build_schema()
