"""Personal access tokens may carry every known ability, the new domains' too (accounting,
inventory, catalog, orders), and `comptoir bootstrap`'s token carries them all, so it reaches
every domain its admin does."""

from __future__ import annotations

from pathlib import Path

from resolvers.identity.permissions import TOKEN_ABILITIES
from tests.conftest import App
from tests.schema import codes, errors_of, execute, register
from tests.server.test_cli import bootstrap, libpq

EVERY_DOMAIN = """{
  me { kind abilities }
  warehouses { totalCount }
  stockLevels { totalCount }
  catalogItems { totalCount }
  accounts(first: 100) { totalCount nodes { code } }
}"""
CREATE_TOKEN = """mutation P($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) { rawKey }
}"""
ACCOUNTS = "{ accounts(first: 100) { totalCount } }"
# The rest of the accounting area: purchasing and the accounting connections.
PURCHASING = "{ supplierInvoices { id } expenseReports { id } providerConnections { id } }"


async def test_the_bootstrap_token_reads_stock_catalog_and_the_chart_of_accounts(
    tmp_path: Path, database_url: str, app: App
) -> None:
    token = (await bootstrap(tmp_path, libpq(database_url)))["keys"]["personal_access_token"]
    data = await execute(app, EVERY_DOMAIN, token=token)
    assert data["me"] == {"kind": "PERSONAL_TOKEN", "abilities": sorted(TOKEN_ABILITIES)}
    assert {"accounting:read", "inventory:write", "catalog:read", "orders:write"} <= set(
        data["me"]["abilities"]
    )
    assert data["warehouses"]["totalCount"] == 0 and data["stockLevels"]["totalCount"] == 0
    assert data["catalogItems"]["totalCount"] == 0
    assert data["accounts"]["totalCount"] > 0  # the default chart
    assert "1200" in {node["code"] for node in data["accounts"]["nodes"]}


async def test_a_token_can_be_granted_the_accounting_abilities(app: App) -> None:
    jwt = (await register(app, "books@abilities.example"))["accessToken"]

    async def token(*abilities: str) -> str:
        created = await execute(
            app, CREATE_TOKEN, {"input": {"name": "t", "abilities": list(abilities)}}, token=jwt
        )
        raw: str = created["createPersonalAccessToken"]["rawKey"]
        return raw

    books = await token("accounting:read", "accounting:write")
    assert (await execute(app, ACCOUNTS, token=books))["accounts"]["totalCount"] > 0
    assert await execute(app, PURCHASING, token=books) == {
        "supplierInvoices": [],
        "expenseReports": [],
        "providerConnections": [],
    }
    catalog_only = await token("catalog:read", "inventory:read")
    assert codes(await errors_of(app, ACCOUNTS, token=catalog_only)) == ["FORBIDDEN"]
    for field in ("supplierInvoices", "expenseReports", "providerConnections"):
        refused = await errors_of(app, f"{{ {field} {{ id }} }}", token=catalog_only)
        assert codes(refused) == ["FORBIDDEN"], field
        assert refused[0]["message"] == "this token lacks the accounting:read ability"
    refused = await errors_of(
        app, CREATE_TOKEN, {"input": {"name": "t", "abilities": ["accounting:own"]}}, token=jwt
    )
    assert codes(refused) == ["BAD_USER_INPUT"]
