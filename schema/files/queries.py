"""File queries: the organization's files (filters, pages) and one by id (files:read)."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from resolvers.errors import BadUserInput
from resolvers.files import files as cases
from resolvers.files.files import FileFilter
from resolvers.files.files import FileSortField as FileSortFieldModel
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, PageRequest, paginate
from resolvers.pagination import SortOrder as SortOrderModel
from schema.files.enums import FileSortField
from schema.files.types import File
from schema.ids import parse_id
from schema.pagination import Connection, SortOrder, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def _user_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise BadUserInput("Invalid input", fields={"uploadedBy": "must be a user id"}) from exc


def files_listing(
    actor: Actor | None,
    *,
    search: str | None,
    content_type: str | None,
    uploaded_by: strawberry.ID | None,
    first: int | None,
    after: str | None,
    offset: int | None,
    sort_by: FileSortFieldModel,
    sort_order: SortOrderModel,
) -> tuple[Listing, PageRequest]:
    """The `files` field's arguments as its rows and page (shared with compiled plans)."""
    filters = FileFilter(
        search=search,
        content_type=content_type,
        uploaded_by=_user_id(uploaded_by) if uploaded_by else None,
    )
    listing = cases.files_listing(actor, filters, sort_by, sort_order)
    return listing, page_request(first, after, offset)


@strawberry.type
class FilesQuery:
    @strawberry.field(description="The organization's files, newest first unless sorted.")
    async def files(
        self,
        info: strawberry.Info,
        search: Annotated[
            str | None, strawberry.argument(description="Part of the file name.")
        ] = None,
        content_type: str | None = None,
        uploaded_by: Annotated[
            strawberry.ID | None, strawberry.argument(description="A user id.")
        ] = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
        sort_by: FileSortField = FileSortFieldModel.CREATED_AT,  # type: ignore[valid-type]
        sort_order: SortOrder = SortOrderModel.DESC,  # type: ignore[valid-type]
    ) -> Connection[File]:
        ctx = info.context
        listing, request = files_listing(
            ctx.actor,
            search=search,
            content_type=content_type,
            uploaded_by=uploaded_by,
            first=first,
            after=after,
            offset=offset,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[File].from_page(page, File.from_model)

    @strawberry.field(description="A file of the organization.")
    async def file(self, info: strawberry.Info, id: strawberry.ID) -> File:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_file(session, ctx.actor, parse_id(id, "file"))
        return File.from_model(found)
