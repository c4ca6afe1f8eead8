"""What callers send to the messenger use cases."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from typing import TypedDict

from models import ConversationKind


@dataclass(frozen=True)
class NewConversation:
    kind: ConversationKind
    member_ids: list[str]  # raw ids: bad ones are reported per field, not as NOT_FOUND
    name: str | None = None
    description: str | None = None


class GroupChanges(TypedDict, total=False):
    """Absent keys are kept; None clears the description (a name cannot be cleared)."""

    name: str | None
    description: str | None


@dataclass(frozen=True)
class NewMessage:
    content: str | None = None
    attachment_ids: list[str] = field(default_factory=list)


class ConversationSort(enum.StrEnum):
    LAST_ACTIVITY = "last_activity"
    CREATED_AT = "created_at"
    NAME = "name"


@dataclass(frozen=True)
class ConversationFilter:
    kind: ConversationKind | None = None
    archived: bool | None = False  # the inbox by default; True: archived ones; None: both


@dataclass(frozen=True)
class Created:
    """A create that may return an existing row (a direct conversation exists once per pair)."""

    conversation_id: uuid.UUID
    created: bool
