"""Conversations: create (a direct one once per pair), read, list, rename, archive, members."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Conversation, ConversationKind, ConversationMember, Membership
from models.base import new_id
from resolvers.errors import Conflict, NotFound
from resolvers.geography.lists import SortKey, ordered
from resolvers.identity.actor import Actor
from resolvers.identity.secrets import now
from resolvers.messenger import kinds
from resolvers.messenger.access import READ, WRITE, Caller, member_conversation, require_caller
from resolvers.messenger.inputs import (
    ConversationFilter,
    ConversationSort,
    Created,
    GroupChanges,
    NewConversation,
)
from resolvers.pagination import Page, PageRequest, SortOrder, paginate
from resolvers.validation import FieldErrors

MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_MEMBERS = 500

_SORT_KEYS: dict[ConversationSort, SortKey] = {
    ConversationSort.LAST_ACTIVITY: Conversation.last_activity_at,
    ConversationSort.CREATED_AT: Conversation.created_at,
    ConversationSort.NAME: func.lower(func.coalesce(Conversation.name, "")),
}


def direct_key(first: uuid.UUID, second: uuid.UUID) -> str:
    low, high = sorted((first, second))
    return f"{low}:{high}"


async def _organization_users(session: AsyncSession, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The ids that name users of the session's organization."""
    if not ids:
        return set()
    rows = await session.scalars(select(Membership.user_id).where(Membership.user_id.in_(ids)))
    return set(rows)


async def _member_ids(
    session: AsyncSession, errors: FieldErrors, raw: list[str]
) -> list[uuid.UUID]:
    """Parse and check `member_ids` (order kept, duplicates dropped)."""
    if not raw:
        errors.add("member_ids", "must name at least one user")
        return []
    if len(raw) > MAX_MEMBERS:
        errors.add("member_ids", f"must name at most {MAX_MEMBERS} users")
        return []
    parsed = errors.ids("member_ids", raw)
    known = await _organization_users(session, set(parsed))
    for index, value in enumerate(raw):
        try:
            unknown = uuid.UUID(str(value)) not in known
        except ValueError:
            continue
        if unknown:
            errors.add(f"member_ids.{index}", "is not a user of this organization")
    return parsed


async def _organization_user(session: AsyncSession, raw: str) -> uuid.UUID:
    errors = FieldErrors()
    try:
        user_id = uuid.UUID(str(raw))
    except ValueError:
        errors.add("user_id", "is not a valid id")
    else:
        if not await _organization_users(session, {user_id}):
            errors.add("user_id", "is not a user of this organization")
    errors.raise_if_any()
    return user_id


async def create_conversation(
    session: AsyncSession, actor: Actor | None, data: NewConversation
) -> Created:
    """A group with the caller and `member_ids`, or the direct conversation with one user.

    Creating a direct conversation that exists returns it (`created` is False).
    """
    caller = require_caller(actor, WRITE)
    errors = FieldErrors()
    others = [u for u in await _member_ids(session, errors, data.member_ids) if u != caller.user_id]
    name = errors.optional("name", data.name, MAX_NAME)
    description = errors.optional("description", data.description, MAX_DESCRIPTION)
    if data.kind is ConversationKind.DIRECT:
        if len(others) != 1 and not errors.errors:
            errors.add("member_ids", "a direct conversation has exactly one other member")
        if name is not None:
            errors.add("name", "only group conversations have a name")
        if description is not None:
            errors.add("description", "only group conversations have a description")
    errors.raise_if_any()
    if data.kind is ConversationKind.DIRECT:
        return await _direct(session, caller, others[0])
    conversation = Conversation(
        kind=ConversationKind.GROUP,
        name=name,
        description=description,
        created_by_id=caller.user_id,
        last_seq=0,
        last_activity_at=now(),
    )
    session.add(conversation)
    await session.flush()
    session.add_all(
        ConversationMember(conversation_id=conversation.id, user_id=user_id, last_read_seq=0)
        for user_id in [caller.user_id, *others]
    )
    await session.flush()
    return Created(conversation.id, created=True)


async def _direct(session: AsyncSession, caller: Caller, other: uuid.UUID) -> Created:
    key = direct_key(caller.user_id, other)
    # The unique (organization, direct_key) arbitrates concurrent creations of one pair: the
    # loser waits for the winner's commit, inserts nothing, then reads the winner's row.
    created = await session.scalar(
        insert(Conversation)
        .values(
            id=new_id(),
            organization_id=caller.organization_id,
            kind=ConversationKind.DIRECT,
            created_by_id=caller.user_id,
            direct_key=key,
            last_seq=0,
            last_activity_at=now(),
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "direct_key"])
        .returning(Conversation.id)
    )
    if created is None:
        existing = await session.scalar(
            select(Conversation.id).where(Conversation.direct_key == key)
        )
        if existing is None:
            raise Conflict("the direct conversation is being created; retry")
        return Created(existing, created=False)
    session.add_all(
        ConversationMember(conversation_id=created, user_id=user_id, last_read_seq=0)
        for user_id in (caller.user_id, other)
    )
    await session.flush()
    return Created(created, created=True)


async def get_conversation(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID
) -> Conversation:
    caller = require_caller(actor, READ)
    conversation, _ = await member_conversation(session, caller, conversation_id)
    return conversation


async def list_conversations(
    session: AsyncSession,
    actor: Actor | None,
    filters: ConversationFilter,
    page: PageRequest,
    sort: ConversationSort = ConversationSort.LAST_ACTIVITY,
    order: SortOrder = SortOrder.DESC,
) -> Page[Conversation]:
    """The caller's conversations (those they are a member of)."""
    caller = require_caller(actor, READ)
    mine = and_(
        ConversationMember.conversation_id == Conversation.id,
        ConversationMember.user_id == caller.user_id,
    )
    statement = select(Conversation).join(ConversationMember, mine)
    if filters.kind is not None:
        statement = statement.where(Conversation.kind == filters.kind)
    if filters.archived is True:
        statement = statement.where(ConversationMember.archived_at.is_not(None))
    elif filters.archived is False:
        statement = statement.where(ConversationMember.archived_at.is_(None))
    statement = statement.order_by(*ordered(order, _SORT_KEYS[sort], Conversation.id))
    return await paginate(session, statement, page)


async def update_group(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID, changes: GroupChanges
) -> Conversation:
    """Rename or describe a group (any member with messenger:write)."""
    caller = require_caller(actor, WRITE)
    conversation, _ = await member_conversation(session, caller, conversation_id, lock=True)
    errors = FieldErrors()
    values: dict[str, Any] = {}
    if "name" in changes:
        if changes["name"] is None:
            errors.add("name", "cannot be cleared")
        else:
            values["name"] = errors.required("name", changes["name"], MAX_NAME)
    if "description" in changes:
        values["description"] = errors.optional(
            "description", changes["description"], MAX_DESCRIPTION
        )
    errors.raise_if_any()
    if conversation.kind is not ConversationKind.GROUP:
        raise Conflict("only group conversations have a name and a description")
    changed = {k: v for k, v in values.items() if getattr(conversation, k) != v}
    if changed:
        for name, value in changed.items():
            setattr(conversation, name, value)
        await session.flush()
        await kinds.conversation_event(
            session,
            conversation.id,
            kinds.CONVERSATION_UPDATED,
            name=conversation.name,
            description=conversation.description,
        )
    return conversation


async def set_archived(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID, archived: bool
) -> Conversation:
    """Archive (or restore) the conversation in the caller's own inbox; others keep theirs.

    Personal state like read marks, so messenger:read is enough. Idempotent.
    """
    caller = require_caller(actor, READ)
    conversation, member = await member_conversation(session, caller, conversation_id, lock=True)
    if (member.archived_at is not None) != archived:
        member.archived_at = now() if archived else None
        await session.flush()
        await kinds.conversation_event(
            session,
            conversation.id,
            kinds.ARCHIVED if archived else kinds.UNARCHIVED,
            user_id=str(caller.user_id),
        )
    return conversation


async def add_member(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID, user_id: str
) -> Conversation:
    """Add a user of the organization to a group; CONFLICT if already in or for a direct one."""
    caller = require_caller(actor, WRITE)
    conversation, _ = await member_conversation(session, caller, conversation_id, lock=True)
    new = await _organization_user(session, user_id)
    if conversation.kind is not ConversationKind.GROUP:
        raise Conflict("a direct conversation keeps its two members")
    if await session.get(ConversationMember, (conversation.id, new)) is not None:
        raise Conflict("already a member of this conversation")
    # A newcomer has nothing unread from before they joined.
    session.add(
        ConversationMember(
            conversation_id=conversation.id, user_id=new, last_read_seq=conversation.last_seq
        )
    )
    await session.flush()
    await kinds.conversation_event(
        session, conversation.id, kinds.MEMBER_ADDED, user_id=str(new), by=str(caller.user_id)
    )
    return conversation


async def remove_member(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID, user_id: str
) -> Conversation:
    """Remove a member of a group (oneself too: leaving); NOT_FOUND if not a member."""
    caller = require_caller(actor, WRITE)
    conversation, _ = await member_conversation(session, caller, conversation_id, lock=True)
    try:
        target = uuid.UUID(str(user_id))
    except ValueError:
        raise NotFound("member not found") from None
    if conversation.kind is not ConversationKind.GROUP:
        raise Conflict("a direct conversation keeps its two members")
    member = await session.get(ConversationMember, (conversation.id, target))
    if member is None:
        raise NotFound("member not found")
    await session.delete(member)
    await session.flush()
    await kinds.conversation_event(
        session, conversation.id, kinds.MEMBER_REMOVED, user_id=str(target), by=str(caller.user_id)
    )
    return conversation


async def mark_read(
    session: AsyncSession,
    actor: Actor | None,
    conversation_id: uuid.UUID,
    up_to_seq: int | None = None,
) -> Conversation:
    """Move the caller's read mark forward (to the last message when `up_to_seq` is None)."""
    caller = require_caller(actor, READ)
    conversation, _ = await member_conversation(session, caller, conversation_id)
    target = conversation.last_seq if up_to_seq is None else min(up_to_seq, conversation.last_seq)
    # GREATEST: concurrent marks (two devices) never move it backwards.
    await session.execute(
        update(ConversationMember)
        .where(
            ConversationMember.conversation_id == conversation.id,
            ConversationMember.user_id == caller.user_id,
        )
        .values(last_read_seq=func.greatest(ConversationMember.last_read_seq, target))
        .execution_options(synchronize_session=False)
    )
    return conversation
