"""GraphQL for the users of the caller's organization and their roles."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.identity import roles as role_cases
from resolvers.identity import users as user_cases
from resolvers.pagination import SortOrder as SortOrderModel
from schema.identity.types import PageSize, Role, User
from schema.ids import parse_id
from schema.pagination import Connection, SortOrder, page_request

UserSortField = strawberry.enum(user_cases.UserSort, name="UserSortField")


@strawberry.input(description="Partial update: an omitted field keeps its value.")
class UpdateUserInput:
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="Unique across all users; null is refused."
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="null clears it (empty name)."
    )


def _kept(value: str | None) -> str | user_cases.Keep | None:
    return user_cases.KEEP if value is strawberry.UNSET else value


@strawberry.type
class UsersQuery:
    @strawberry.field(description="Users who are members of the caller's organization.")
    async def users(
        self,
        info: strawberry.Info,
        search: Annotated[
            str | None,
            strawberry.argument(description="A part of the email or the name (any case)."),
        ] = None,
        active: bool | None = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
        sort_by: UserSortField = user_cases.UserSort.CREATED_AT,  # type: ignore[valid-type]
        sort_order: SortOrder = SortOrderModel.ASC,  # type: ignore[valid-type]
    ) -> Connection[User]:
        ctx = info.context
        async with ctx.session() as session:
            page = await user_cases.list_users(
                session,
                ctx.actor,
                user_cases.UserFilter(search=search, active=active),
                page_request(first, after, offset),
                sort_by,
                sort_order,
            )
        return Connection[User].from_page(page, User.from_model)

    @strawberry.field(description="A member of the caller's organization.")
    async def user(self, info: strawberry.Info, id: strawberry.ID) -> User:
        ctx = info.context
        async with ctx.session() as session:
            found = await user_cases.get_user(session, ctx.actor, parse_id(id, "user"))
        return User.from_model(found)

    @strawberry.field(description="The roles of the caller's organization.")
    async def roles(self, info: strawberry.Info) -> list[Role]:
        ctx = info.context
        async with ctx.session() as session:
            found = await role_cases.list_roles(session, ctx.actor)
        return [Role.from_model(role) for role in found]


@strawberry.type
class UsersMutation:
    @strawberry.mutation(description="Change a member's email or name (users:write).")
    async def update_user(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateUserInput
    ) -> User:
        ctx = info.context
        changes = user_cases.UserChanges(email=_kept(input.email), name=_kept(input.name))
        # A platform session: the account is shared across organizations (see the use case).
        async with ctx.platform_session() as session:
            user = await user_cases.update_user(session, ctx.actor, parse_id(id, "user"), changes)
        return User.from_model(user)

    @strawberry.mutation(description="Let a deactivated member log in again (users:write).")
    async def activate_user(self, info: strawberry.Info, id: strawberry.ID) -> User:
        ctx = info.context
        async with ctx.platform_session() as session:
            user = await user_cases.activate_user(session, ctx.actor, parse_id(id, "user"))
        return User.from_model(user)

    @strawberry.mutation(
        description="Lock a member out: no login, tokens stop working (users:write)."
    )
    async def deactivate_user(self, info: strawberry.Info, id: strawberry.ID) -> User:
        ctx = info.context
        async with ctx.platform_session() as session:
            user = await user_cases.deactivate_user(session, ctx.actor, parse_id(id, "user"))
        return User.from_model(user)

    @strawberry.mutation(description="Give a member a role of this organization (roles:manage).")
    async def assign_role(
        self, info: strawberry.Info, user_id: strawberry.ID, role_id: strawberry.ID
    ) -> User:
        ctx = info.context
        async with ctx.session() as session:
            user = await role_cases.assign_role(
                session, ctx.actor, parse_id(user_id, "user"), parse_id(role_id, "role")
            )
        return User.from_model(user)
