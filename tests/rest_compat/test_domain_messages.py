"""A GraphQL variable error never reaches a contract's client (it names `$amount` and schema
types), but a domain message is shown as the domain wrote it, dollar signs included.

Served by the real engine, through HTTP, over a small schema whose resolver raises the domain's
own error (the real schema has no message with a dollar sign to show)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry

from resolvers.errors import BadUserInput
from rest_compat.engine import Inputs, Route
from rest_compat.engine.app import ContractApp
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import JSONObject
from rest_compat.registry import CONTRACTS
from schema.context import Context
from schema.errors import ErrorCodes
from server.app import auth_config
from tests.conftest import App

LIMIT_MESSAGE = "amount exceeds $100 limit"


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> bool:
        return True


@strawberry.type
class Mutation:
    @strawberry.mutation
    def spend(self, amount: int) -> int:
        if amount > 100:
            raise BadUserInput(LIMIT_MESSAGE, fields={"amount": "is over $100"})
        return amount


class SpendBody(ContractModel):
    amount: JSONObject | int  # lets through what the schema refuses (an object for an Int)


def _spend(inputs: Inputs[SpendBody, None]) -> dict[str, Any]:
    return {"amount": inputs.body.amount}


@pytest.fixture
async def client(app: App, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "spend.graphql").write_text(
        "mutation Spend($amount: Int!) { spend(amount: $amount) }"
    )
    skeleton = next(c for c in CONTRACTS if c.name == "skeleton-crm")
    contract = dataclasses.replace(
        skeleton,
        name="dollars",
        documents_dir=tmp_path,
        routes=(
            Route(
                "POST",
                "/spend",
                "Spend",
                body=SpendBody,
                to_variables=_spend,
                authenticated=False,
            ),
        ),
    )
    schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[ErrorCodes])
    auth = auth_config(app.settings)
    served = ContractApp(
        contract,
        schema,
        lambda request: Context(db=app.asgi.state.db, auth=auth, request=request),
        idempotency=None,
    )
    transport = httpx.ASGITransport(app=served)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_a_domain_message_with_a_dollar_sign_reaches_the_client(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/spend", json={"amount": 250})
    assert response.status_code == 400, response.text
    assert response.json() == {
        "error": "validation_error",
        "message": LIMIT_MESSAGE,
        "details": {"amount": "is over $100"},
    }
    assert (await client.post("/spend", json={"amount": 20})).status_code == 200


async def test_a_graphql_variable_error_is_the_contracts_invalid_input(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/spend", json={"amount": {"not": "a number"}})
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "validation_error", "message": "Invalid input"}
    assert "$" not in response.text and "Int" not in response.text
