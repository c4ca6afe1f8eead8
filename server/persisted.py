"""Automatic persisted queries (Apollo APQ) and trusted documents, stored in PostgreSQL.

A client sends `extensions.persistedQuery = {"version": 1, "sha256Hash": "…"}` without the query
(GET or POST); an unknown hash answers `PersistedQueryNotFound`, and the client sends the hash
with the query once, which registers it for every replica. With `trusted_only`, documents are
never registered by clients: only known hashes (or queries whose hash is known) run.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from strawberry.http import GraphQLRequestData

from resolvers import persisted_documents
from resolvers.unit_of_work import Database

CACHE_SIZE = 2000


class RequestRefused(Exception):
    """A GraphQL request refused before execution, answered as a JSON error."""

    def __init__(self, message: str, code: str, status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class PersistedDocuments:
    def __init__(self, db: Database, *, trusted_only: bool = False) -> None:
        self.db = db
        self.trusted_only = trusted_only
        self._cache: OrderedDict[str, str] = OrderedDict()

    def _remember(self, sha256: str, document: str) -> None:
        self._cache[sha256] = document
        self._cache.move_to_end(sha256)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    async def find(self, sha256: str) -> str | None:
        document = self._cache.get(sha256)
        if document is None:
            async with self.db.platform() as session:
                document = await persisted_documents.find(session, sha256)
            if document is not None:
                self._remember(sha256, document)
        return document

    async def register(self, document: str) -> str:
        async with self.db.platform() as session:
            sha256 = await persisted_documents.register(session, document)
        self._remember(sha256, document)
        return sha256

    async def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """The request with its query filled in from the store (or registered in it)."""
        persisted = (data.extensions or {}).get("persistedQuery")
        sha256 = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if persisted is not None and not isinstance(sha256, str):
            raise RequestRefused("persistedQuery needs a sha256Hash", "BAD_REQUEST", 400)
        if sha256 is None:
            query = data.query
            if (
                self.trusted_only
                and query is not None
                and await self.find(persisted_documents.sha256_of(query)) is None
            ):
                raise RequestRefused(
                    "Only persisted documents are accepted", "PERSISTED_QUERY_REQUIRED", 400
                )
            return data
        if data.query is None:
            document = await self.find(sha256)
            if document is None:
                # Apollo clients recognise the message and retry with the query.
                raise RequestRefused("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            return replace(data, query=document)
        if persisted_documents.sha256_of(data.query) != sha256:
            raise RequestRefused("provided sha does not match query", "BAD_REQUEST", 400)
        if self.trusted_only:
            if await self.find(sha256) is None:
                raise RequestRefused(
                    "Only persisted documents are accepted", "PERSISTED_QUERY_REQUIRED", 400
                )
        elif sha256 not in self._cache:
            await self.register(data.query)
        return data
