"""REST route vs. the same GraphQL operation, measured in one run: the engine's overhead.

Run: .venv/bin/python -m bench.rest_vs_graphql [runs]
"""

from __future__ import annotations

import asyncio
import sys

import httpx

from bench.harness import bench_app, report, timed

ME_QUERY = "{ me { roles permissions user { id email name active createdAt } } }"


async def main(runs: int) -> None:
    async with bench_app() as client:
        registered = await client.post(
            "/rest/skeleton-crm/api/v1/auth/register",
            json={"email": "bench@example.com", "password": "benchmark-pass", "name": "Bench"},
        )
        registered.raise_for_status()
        headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}

        def rest() -> asyncio.Future[httpx.Response]:
            return asyncio.ensure_future(
                client.get("/rest/skeleton-crm/api/v1/auth/me", headers=headers)
            )

        def graphql() -> asyncio.Future[httpx.Response]:
            return asyncio.ensure_future(
                client.post("/graphql", json={"query": ME_QUERY}, headers=headers)
            )

        rest_median = report("REST GET /auth/me", await timed(rest, runs))
        graphql_median = report("GraphQL { me }", await timed(graphql, runs))
        print(f"ratio REST / GraphQL: {rest_median / graphql_median:.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
