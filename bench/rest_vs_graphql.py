"""REST routes vs. the GraphQL operations they run, per contract, measured in one run: what
the REST edge (request models, variables, presenters, the contract's JSON) adds.

For each of the five contracts, a list route answering 100 rows and a create route. Each
route is called once while recording the operation the engine runs and the variables it
builds; then the route and that same operation posted to /graphql (same document, same
variables, same credentials) are measured alternately. Ratios are REST over GraphQL by time
and by CPU (this process holds client and server; PostgreSQL's CPU is added); the aim is
at most 1.05.

Run: .venv/bin/python -m bench.rest_vs_graphql [requests] [per-field|compiled]
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.harness import (
    SKELETON_CRM,
    Bench,
    bench_app_and_database,
    compare_pair,
    execution_modes,
    expect,
    graphql_request,
    load,
    registered_user,
    route_operation,
)
from models import Mode
from resolvers.identity.api_keys import ensure_partner, issue_partner_key

ROWS = 100
ADDRESS = {"street": "1 rue de la Paix", "city": "Paris", "postal_code": "75002", "country": "FR"}


@dataclass
class Contract:
    """One contract's list and create routes, as an organization of its own calls them."""

    name: str
    headers: dict[str, str]
    list_path: str
    list_params: dict[str, Any]
    create_path: str
    create_body: dict[str, Any]


async def skeleton_crm(bench: Bench) -> Contract:
    headers, _ = await registered_user(bench.client, "skeleton@example.com")
    body = {
        "name": "Customer",
        "email": "c@example.com",
        "credit_limit": 50000,
        "currency": "EUR",
        "addresses": [{"type": "billing", **ADDRESS}],
    }
    customers = f"{SKELETON_CRM}/customers"
    return Contract("skeleton-crm", headers, customers, {"limit": ROWS}, customers, body)


async def cloud_billing(bench: Bench) -> Contract:
    headers, _ = await registered_user(bench.client, "cloud@example.com")
    me = expect(await bench.client.get(f"{SKELETON_CRM}/auth/me", headers=headers))
    headers["x-tenant-slug"] = me.json()["organization"]["slug"]
    body = {
        "name": "Acme Ltd",
        "email": "billing@acme.example",
        "billing_address_line1": "1 Rue de la Paix",
        "billing_city": "Paris",
        "billing_postal_code": "75002",
        "billing_country": "FR",
        "default_discount_percent": 12.5,
        "metadata": {"crm_id": "42"},
    }
    customers = "/rest/cloud-billing/api/v1/customers"
    return Contract("cloud-billing", headers, customers, {"limit": ROWS}, customers, body)


async def yaoka(bench: Bench) -> Contract:
    async with bench.app.state.db.platform() as session:
        partner = await ensure_partner(session, "Qualibox")
        master = (await issue_partner_key(session, partner, Mode.TEST)).raw.raw
    provisioned = expect(
        await bench.client.post(
            "/rest/yaoka/api/v1/orgs",
            json={"name": "OF bench", "ownerEmail": "bench@of.fr", "externalRef": "bench"},
            headers={"Authorization": f"Bearer {master}"},
        )
    ).json()
    headers = {"Authorization": f"Bearer {provisioned['apiKey']['raw']}"}
    customers = f"/rest/yaoka/api/v1/orgs/{provisioned['org']['id']}/customers"
    body = {"name": "Entreprise Martin", "email": "compta@martin.fr", "siret": "73282932000074"}
    return Contract("yaoka", headers, customers, {"limit": ROWS}, customers, body)


async def vorgio(bench: Bench) -> Contract:
    _, graphql = await registered_user(bench.client, "vorgio@example.com")
    token = await graphql(
        "mutation T($input: CreatePersonalAccessTokenInput!) {"
        " createPersonalAccessToken(input: $input) { rawKey } }",
        {"input": {"name": "bench", "abilities": ["clients:read", "clients:write"]}},
    )
    headers = {"Authorization": f"Bearer {token['createPersonalAccessToken']['rawKey']}"}
    body = {
        "name": "Minimal KG",
        "address": "Hauptstraße 2",
        "zip": "20095",
        "city": "Hamburg",
        "country": "de",
        "language": "en",
        "rate": 9000,
        "vat": 7.5,
        "default_position_mode": "fixed",
    }
    clients = "/rest/vorgio/api/v1/clients"
    return Contract("vorgio", headers, clients, {"limit": ROWS}, clients, body)


async def invoice_connections(bench: Bench) -> Contract:
    headers, _ = await registered_user(bench.client, "connections@example.com")
    body = {"provider": "yooz", "apiKey": "yz_live_sk_bench", "active": False}
    connections = "/rest/invoice-connections/invoice-connections"
    return Contract("invoice-connections", headers, connections, {}, connections, body)


CONTRACTS: list[Callable[[Bench], Awaitable[Contract]]] = [
    skeleton_crm,
    cloud_billing,
    yaoka,
    vorgio,
    invoice_connections,
]


async def compare_contract(bench: Bench, contract: Contract, requests: int) -> list[float]:
    """The list and the create route against their operations; the CPU ratios."""
    client = bench.client

    async def create() -> httpx.Response:
        return expect(
            await client.post(
                contract.create_path, json=contract.create_body, headers=contract.headers
            )
        )

    for _ in range(ROWS):  # the rows the list answers, made by the create route itself
        await create()

    async def listing() -> httpx.Response:
        response = await client.get(
            contract.list_path, params=contract.list_params, headers=contract.headers
        )
        return expect(response, 10_000)

    found: list[float] = []
    for name, route, min_bytes in (("list", listing, 10_000), ("create", create, 0)):
        operation = await route_operation(bench.app, contract.name, route)
        replay = graphql_request(client, operation, contract.headers, min_bytes)
        rest, graphql = await compare_pair(
            f"{contract.name} {name} ({operation.name})", route, replay, requests, bench
        )
        found.append(rest.total_ms / graphql.total_ms)
    return found


async def main(requests: int, mode: str | None = None) -> None:
    print(load())
    modes = dict(execution_modes())
    # By default compiled when there is such a thing (what REST routes run); or as asked.
    label = mode if mode is not None else list(modes)[-1]
    if label not in modes:
        raise SystemExit(f"execution {label!r} is not available here: {list(modes)}")
    settings = modes[label]
    if label:
        print(f"execution: {label}")
    async with bench_app_and_database(**settings) as bench:
        ratios: dict[str, list[float]] = {}
        for make in CONTRACTS:
            contract = await make(bench)
            print(f"\n{contract.name}: {load()}")
            ratios[contract.name] = await compare_contract(bench, contract, requests)
        print(f"\nREST / GraphQL CPU per request (aim <= 1.05); {load()}")
        for name, (listed, created) in ratios.items():
            print(f"  {name:<20} list {listed:5.2f}   create {created:5.2f}")


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 60,
            sys.argv[2] if len(sys.argv) > 2 else None,
        )
    )
