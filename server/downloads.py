"""GET /files/{id}/download: a file's bytes for browsers, streamed from the storage.

Authenticated like /graphql (the session cookie, or a Bearer token with an optional
X-Organization-Id), scoped to the caller's organization, and refused like GraphQL refuses
(401, 403 without files:read, 404 for a file of another organization).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from resolvers.errors import DomainError, NotFound
from resolvers.files import files as cases
from resolvers.files.storage import FileStorage, StoredContentMissing
from resolvers.identity.actor_cache import ActorCache
from resolvers.identity.secrets import AuthConfig
from resolvers.unit_of_work import Database
from schema.context import Context
from schema.credentials import from_headers
from schema.files.downloads import download_headers
from schema.ids import parse_id

_STATUSES = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}


def _error(error: DomainError) -> Response:
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    return JSONResponse(body, status_code=_STATUSES.get(error.code, 400))


async def _stream(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


def download_endpoint(
    db: Database,
    auth: AuthConfig,
    storage: FileStorage,
    cookie_name: str,
    actor_cache: ActorCache | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    async def download(request: Request) -> Response:
        context = Context(
            db=db, auth=auth, request=request, storage=storage, actor_cache=actor_cache
        )
        await context.sign_in(from_headers(request.headers, request.cookies, cookie_name))
        try:
            actor = context.actor
            file_id = parse_id(request.path_params["id"], "file")
            async with context.session() as session:
                stored = await cases.get_file(session, actor, file_id)
            chunks = storage.open(stored.storage_key)
            try:
                first = await anext(chunks, b"")
            except StoredContentMissing as exc:
                raise NotFound("the file's content is missing") from exc
        except DomainError as error:
            return _error(error)
        headers = {
            **download_headers(stored.filename, stored.sha256),
            "Content-Length": str(stored.size),
        }
        return StreamingResponse(
            _stream(first, chunks), media_type=stored.content_type, headers=headers
        )

    return download
