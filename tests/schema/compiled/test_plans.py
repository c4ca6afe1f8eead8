"""Plans without a database: what compiles, the declared forms, the plan cache."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType, parse

from schema.compiled.plans import compile_plan
from schema.compiled.registry import FORMS
from schema.compiled.runner import CompiledPlans
from schema.compiled.selection import NotCompilable
from schema.root import schema


def test_every_form_names_a_field_of_its_type() -> None:
    graphql_schema = schema._schema
    for type_name, fields in FORMS.types.items():
        found = graphql_schema.get_type(type_name)
        assert isinstance(found, GraphQLObjectType), type_name
        assert set(fields) <= set(found.fields), type_name
    query = graphql_schema.query_type
    assert query is not None
    assert set(FORMS.roots) <= set(query.fields)


@pytest.mark.parametrize(
    "document",
    [
        "mutation { deleteInvoice(id: 1) { id } }",
        "{ __typename }",
        "{ invoices { nodes { id pdf { etag } } } }",  # a field with arguments and no form
        "{ invoices { nodes { ... on Invoice @include(if: true) { id } } } }",
        "{ customers { nodes { billingAddress { countryName } } } }",
        "{ me { roles } invoices { totalCount } }",  # a root without a form
        "query A { invoices { totalCount } } query B { customers { totalCount } }",
    ],
)
def test_what_does_not_compile(document: str) -> None:
    with pytest.raises(NotCompilable):
        compile_plan(schema, FORMS, parse(document), None)


def test_plans_are_cached_per_document_and_operation_and_bounded() -> None:
    plans = CompiledPlans(FORMS, size=2)

    def plan(query: str, name: str | None = None) -> object:
        return plans.plan(schema, query, parse(query), name)

    first = "query A { invoices { totalCount } } query B { customers { totalCount } }"
    a = plan(first, "A")
    assert a is not None and plan(first, "A") is a
    assert plan(first, "B") not in (None, a)
    assert plan(first) is None  # two operations and no name: not compilable, cached too
    assert plan(first, "A") is not a  # the least recently used was dropped
