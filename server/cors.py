"""Browsers on other origins: CORS for HTTP, the same list of origins for websockets.

`COMPTOIR_CORS_ORIGINS` lists the origins (scheme, host and port, e.g. `http://localhost:5173`)
whose pages may call /graphql, the REST routes and file downloads with the session cookie, and
open the subscription websocket. An empty list keeps the API to its own origin: no CORS header
is ever sent, and a websocket from a page on another origin is refused.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

# Response headers a front end reads: caching, idempotent replays, rate limits, created
# resources, request ids and pagination links.
EXPOSED_HEADERS = (
    "ETag",
    "Last-Modified",
    "Idempotent-Replayed",
    "Retry-After",
    "Location",
    "Link",
    "Content-Disposition",
    "X-Request-Id",
    "X-Total-Count",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# Preflight answers are cached by the browser this long (seconds).
PREFLIGHT_MAX_AGE = 600


def normalize(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def cors_middleware(origins: list[str]) -> list[Middleware]:
    """CORS for the listed origins (none: no CORS headers, same-origin only).

    The websocket handshake is checked against the same list by the GraphQL view
    (Strawberry's `allowed_origins`): a page on an unlisted origin gets 403."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=[normalize(origin) for origin in origins],
            allow_credentials=True,
            allow_methods=METHODS,
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
