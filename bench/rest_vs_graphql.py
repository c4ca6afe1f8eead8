"""REST routes vs. the same GraphQL operations, measured in one run: the engine's overhead.

Two pairs: the current user (`/auth/me` vs `{ me }`), and a page of 100 customers
(`GET /customers?limit=100` vs the very operation that route runs, posted to /graphql).

Run: .venv/bin/python -m bench.rest_vs_graphql [runs]
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

import httpx

from bench.harness import bench_app, report, timed
from rest_compat.engine.documents import load_operations
from rest_compat.skeleton_crm.contract import contract as skeleton_crm

ME_QUERY = "{ me { roles permissions user { id email name active createdAt } } }"
CUSTOMERS = 100


async def compare(
    name: str,
    rest: Callable[[], Awaitable[httpx.Response]],
    graphql: Callable[[], Awaitable[httpx.Response]],
    runs: int,
) -> None:
    rest_median = report(f"REST    {name}", await timed(rest, runs))
    graphql_median = report(f"GraphQL {name}", await timed(graphql, runs))
    print(f"ratio REST / GraphQL ({name}): {rest_median / graphql_median:.2f}\n")


async def main(runs: int) -> None:
    async with bench_app() as client:
        registered = await client.post(
            "/rest/skeleton-crm/api/v1/auth/register",
            json={"email": "bench@example.com", "password": "benchmark-pass", "name": "Bench"},
        )
        registered.raise_for_status()
        headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
        for i in range(CUSTOMERS):
            created = await client.post(
                "/rest/skeleton-crm/api/v1/customers",
                headers=headers,
                json={
                    "name": f"Customer {i:03}",
                    "email": f"c{i}@example.com",
                    "credit_limit": 50000,
                    "currency": "EUR",
                    "addresses": [
                        {
                            "type": "billing",
                            "street": "1 rue de la Paix",
                            "city": "Paris",
                            "postal_code": "75002",
                            "country": "FR",
                        },
                    ],
                },
            )
            created.raise_for_status()

        await compare(
            "me",
            lambda: client.get("/rest/skeleton-crm/api/v1/auth/me", headers=headers),
            lambda: client.post("/graphql", json={"query": ME_QUERY}, headers=headers),
            runs,
        )
        list_document = load_operations(skeleton_crm.documents_dir)["SkeletonListCustomers"]
        await compare(
            f"{CUSTOMERS} customers",
            lambda: client.get(
                "/rest/skeleton-crm/api/v1/customers", params={"limit": CUSTOMERS}, headers=headers
            ),
            lambda: client.post(
                "/graphql",
                json={"query": list_document, "variables": {"first": CUSTOMERS, "offset": 0}},
                headers=headers,
            ),
            runs,
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
