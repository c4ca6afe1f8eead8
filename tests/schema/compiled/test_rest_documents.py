"""Every query the REST contracts run: those that compile give, on random data and random
variables, exactly the bytes of normal execution."""

from __future__ import annotations

import random
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    TypeNode,
    parse,
)

from resolvers.pagination import encode_cursor
from rest_compat.engine.documents import load_operations
from rest_compat.registry import CONTRACTS
from schema.compiled.plans import compile_plan
from schema.compiled.registry import FORMS
from schema.compiled.selection import NotCompilable
from schema.root import schema
from tests.schema.compiled.conftest import World
from tests.schema.compiled.data import Organization

# What compiles today; a document that stops compiling (or starts) shows up here.
COMPILED = {
    "CloudBillingGetCustomer",
    "CloudBillingGetInvoice",
    "CloudBillingGetOrder",
    "CloudBillingListCustomers",
    "CloudBillingListInvoices",
    "CloudBillingListOrders",
    "SkeletonGetCustomer",
    "SkeletonGetEmployee",
    "SkeletonGetInvoice",
    "SkeletonGetNotification",
    "SkeletonGetPartner",
    "SkeletonGetSupplier",
    "SkeletonListAccounts",
    "SkeletonListCatalogItems",
    "SkeletonListCustomers",
    "SkeletonListEmployees",
    "SkeletonListFiles",
    "SkeletonListInvoices",
    "SkeletonListNotifications",
    "SkeletonListOrders",
    "SkeletonListPartners",
    "SkeletonListRoles",
    "SkeletonListStock",
    "SkeletonListSuppliers",
    "SkeletonListWarehouses",
    "VorgioGetClient",
    "VorgioGetInvoice",
    "VorgioListClients",
    "VorgioListInvoices",
    "VorgioRecurringForecast",
    "YaokaGetInvoice",
    "YaokaListCustomers",
    "YaokaListExpenseReports",
    "YaokaListInvoices",
    "YaokaListQuotes",
}
VARIABLE_SETS = 2
# ID variables naming rows of another table than the root's.
_IDS = {"warehouseId": "warehouses", "itemId": "items", "categoryId": "categories"}
OMITTED = object()  # an optional variable the request leaves out


def rest_queries() -> dict[str, str]:
    """Operation name -> document, for every query operation of every contract."""
    found: dict[str, str] = {}
    for contract in CONTRACTS:
        for name, source in load_operations(contract.documents_dir).items():
            if _operation(source).operation is OperationType.QUERY:
                found[name] = source
    return found


def _operation(source: str) -> OperationDefinitionNode:
    (operation,) = (d for d in parse(source).definitions if isinstance(d, OperationDefinitionNode))
    return operation


def compiles(source: str, name: str) -> bool:
    try:
        compile_plan(schema, FORMS, parse(source), name)
    except NotCompilable:
        return False
    return True


def _unwrap(node: TypeNode) -> tuple[str, bool, bool]:
    """(named type, required, list)."""
    required = isinstance(node, NonNullTypeNode)
    inner = node.type if isinstance(node, NonNullTypeNode) else node
    many = isinstance(inner, ListTypeNode)
    while not isinstance(inner, NamedTypeNode):
        inner = inner.type  # type: ignore[attr-defined]
    return inner.name.value, required, many


def candidates(
    rng: random.Random, organization: Organization, root: str, name: str, node: TypeNode
) -> list[Any]:
    type_name, required, many = _unwrap(node)
    values: list[Any]
    enum = schema._schema.get_type(type_name)
    if isinstance(enum, GraphQLEnumType):
        names = list(enum.values)
        values = [rng.choice(names)] if not many else [rng.sample(names, k) for k in (1, 2)]
    elif type_name == "ID":
        if name in _IDS:
            ids = getattr(organization, _IDS[name])
        elif name == "customerId" or root == "customer":
            ids = organization.customers
        elif root == "party":
            ids = organization.parties
        elif root == "salesOrder":
            ids = organization.orders
        elif root == "notification":
            ids = organization.notifications
        else:
            ids = organization.documents
        values = [str(i) for i in rng.sample(ids, min(3, len(ids)))]
    elif name == "after":
        values = [encode_cursor(n) for n in (0, 4, 22)]
    elif type_name == "Int":
        values = {"first": [0, 1, 5, 30], "offset": [0, 3, 23]}.get(name, [1])
    elif type_name == "String":
        values = {"search": ["acme", "Ω", "%_"], "externalId": ["ext-1-1", "ext-2-3", "x"]}[name]
    elif type_name == "Boolean":
        values = [True, False]
    elif type_name == "Date":
        values = ["2026-03-01", "2026-09-30"]
    else:
        raise AssertionError(f"no candidates for ${name}: {type_name}")
    return values if required else [*values, OMITTED]


async def test_rest_queries_that_compile_equal_normal_execution(world: World) -> None:
    queries = rest_queries()
    compiled = {name for name, source in queries.items() if compiles(source, name)}
    assert compiled == COMPILED, sorted(queries.keys() - compiled)
    for index, name in enumerate(sorted(compiled)):
        source = queries[name]
        operation = _operation(source)
        (root_field,) = operation.selection_set.selections
        assert isinstance(root_field, FieldNode)
        root = root_field.name.value
        ran = 0
        for organization in world.organizations:
            rng = random.Random(index)
            for _ in range(VARIABLE_SETS):
                chosen = {
                    d.variable.name.value: rng.choice(
                        candidates(rng, organization, root, d.variable.name.value, d.type)
                    )
                    for d in operation.variable_definitions or ()
                }
                variables = {k: v for k, v in chosen.items() if v is not OMITTED}
                _, compiled_run = await world.both(source, variables, organization.token)
                ran += compiled_run
        assert ran, f"{name} never ran compiled"
