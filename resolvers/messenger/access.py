"""Who may use the messenger, and the membership check every conversation access goes through.

A conversation exists, for a caller, only if they are one of its members: anybody else gets
NOT_FOUND, never FORBIDDEN, so ids of other people's conversations reveal nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Conversation, ConversationMember
from resolvers.errors import Forbidden, NotFound
from resolvers.identity.actor import Actor, require_organization, require_permission

READ = "messenger:read"
WRITE = "messenger:write"


@dataclass(frozen=True)
class Caller:
    organization_id: uuid.UUID
    user_id: uuid.UUID


def require_caller(actor: Actor | None, permission: str) -> Caller:
    """The calling user; FORBIDDEN without the permission, or for a key that has no user."""
    checked = require_permission(actor, permission)
    organization_id = require_organization(checked)
    if checked.user_id is None:
        raise Forbidden("the messenger is for users; this credential has none")
    return Caller(organization_id, checked.user_id)


async def membership(
    session: AsyncSession, conversation_id: uuid.UUID, user_id: uuid.UUID, *, lock: bool = False
) -> ConversationMember | None:
    statement = select(ConversationMember).where(
        ConversationMember.conversation_id == conversation_id,
        ConversationMember.user_id == user_id,
    )
    if lock:
        statement = statement.with_for_update()
    found: ConversationMember | None = await session.scalar(statement)
    return found


async def member_conversation(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, *, lock: bool = False
) -> tuple[Conversation, ConversationMember]:
    """The conversation and the caller's membership; NOT_FOUND unless they are a member.

    `lock` takes the conversation's row lock first: every write that publishes on the
    conversation's topic does, so they serialize in one order (row, then topic) and never
    deadlock on each other.
    """
    statement = select(Conversation).where(Conversation.id == conversation_id)
    if lock:
        statement = statement.with_for_update()
    conversation = await session.scalar(statement)
    member = None
    if conversation is not None:
        member = await membership(session, conversation_id, caller.user_id, lock=lock)
    if conversation is None or member is None:
        raise NotFound("conversation not found")
    return conversation, member
