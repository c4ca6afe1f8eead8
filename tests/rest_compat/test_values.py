"""Value types, request models and the validation renderer, without a database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import Field, ValidationError

from rest_compat.engine import Route, path_variables
from rest_compat.engine.models import ContractModel, problems
from rest_compat.engine.values import (
    Day,
    Id,
    Integer,
    LaravelBoolean,
    LaravelInteger,
    Moment,
    NonBlankText,
    Number,
    QueryBoolean,
    QueryInteger,
    Text,
    choice,
)
from rest_compat.skeleton_crm.customer_routes import CustomerBody, NewCustomerBody


class Everything(ContractModel):
    text: Text | None = None
    name: NonBlankText | None = None
    count: Integer | None = Field(default=None, ge=0)
    amount: Number | None = Field(default=None, gt=0)
    day: Day | None = None
    moment: Moment | None = None
    ident: Id | None = None
    flag: LaravelBoolean | None = None
    whole: LaravelInteger | None = None
    page: QueryInteger | None = None
    on: QueryBoolean | None = None
    order: choice("asc", "desc", graphql={"asc": "ASC", "desc": "DESC"}) | None = None  # type: ignore[valid-type]


def refused(**values: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Everything.model_validate(values)
    return problems(caught.value)


def test_each_rule_refuses_in_words_and_reports_every_problem() -> None:
    assert refused(
        text=3,
        name=" ",
        count="3",
        amount=Decimal("-1"),
        day="20260507",
        moment="yesterday",
        ident="cust-1",
        flag="yes",
        whole="1.5",
        page="x",
        on="maybe",
        order="up",
    ) == {
        "text": "must be a string",
        "name": "must not be empty",
        "count": "must be an integer",
        "amount": "must be a positive number",
        "day": "must be a date (YYYY-MM-DD)",
        "moment": "must be a date-time (ISO 8601)",
        "ident": "must be an id",
        "flag": "must be true or false",
        "whole": "must be an integer",
        "page": "must be an integer",
        "on": "must be true or false",
        "order": "must be one of asc, desc",
    }
    assert refused(count=True, amount="NaN", day="2026-02-30") == {
        "count": "must be an integer",
        "amount": "must be a number",
        "day": "must be a date (YYYY-MM-DD)",
    }
    assert refused(count=2**63, page=str(2**64)) == {
        "count": "is out of range",
        "page": "is out of range",
    }
    assert refused(count=-1) == {"count": "must be zero or more"}


def test_accepted_values_become_graphql_values() -> None:
    model = Everything.model_validate(
        {
            "amount": "10.50",
            "day": "2026-05-07",
            "ident": "01972B15-8000-7000-8000-000000000001",
            "flag": "1",
            "whole": "42",
            "page": "3",
            "on": "TRUE",
            "order": "desc",
        }
    )
    assert model.graphql(changes=True) == {
        "amount": "10.50",
        "day": "2026-05-07",
        "ident": "01972b15-8000-7000-8000-000000000001",
        "flag": True,
        "whole": 42,
        "page": 3,
        "on": True,
        "order": "DESC",
    }
    assert Everything.model_validate({"amount": Decimal("0.1")}).amount == Decimal("0.1")


def test_partial_updates_keep_what_is_absent_and_clear_what_is_null() -> None:
    body = CustomerBody.model_validate({"phone": None, "address": {"city": "Boston"}})
    assert body.graphql(changes=True) == {"phone": None, "address": {"city": "Boston"}}
    assert NewCustomerBody.model_json_schema()["required"] == ["name", "email"]


def test_cross_field_problems_are_named_on_their_field() -> None:
    with pytest.raises(ValidationError) as caught:
        CustomerBody.model_validate(
            {"address": {}, "addresses": [{"type": "billing"}, {"type": "billing"}]}
        )
    assert problems(caught.value) == {"address": "give address or addresses, not both"}
    with pytest.raises(ValidationError) as caught:
        CustomerBody.model_validate({"addresses": [{"type": "billing"}, {"type": "billing"}]})
    assert problems(caught.value) == {"addresses.1.type": "the billing address is given twice"}
    with pytest.raises(ValidationError) as caught:
        CustomerBody.model_validate([])
    assert problems(caught.value) == {"body": "must be an object"}


def test_graphql_paths_are_renamed_whatever_the_index() -> None:
    route = Route(
        "POST",
        "/x",
        "X",
        to_variables=path_variables,
        error_fields={"lines.{n}.unitPrice": "positions.{n}.amount_cents", "first": "limit"},
    )
    assert route.rename_field("lines.0.unitPrice") == "positions.0.amount_cents"
    assert route.rename_field("lines.4557.unitPrice") == "positions.4557.amount_cents"
    assert route.rename_field("first") == "limit"
    assert route.rename_field("lines.0.vatRate") is None
