"""skeleton-crm `/conversations`: the messenger (create, list, get, group info, archive,
members, send a message).

The contract documents requests only; responses follow its conventions (snake_case, pages as
`{items,total,page,limit,has_more}`). A message sent here reaches GraphQL subscribers like any
other, since the mutation publishes it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from rest_compat.engine import Inputs, RestRequest, Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import Boolean, QueryBoolean, Text, choice, list_of_ids
from rest_compat.skeleton_crm.paging import Page, PageQuery, SortOrder, page_of

TYPES = ("direct", "group")
SORTS = {"last_activity_at": "LAST_ACTIVITY", "created_at": "CREATED_AT", "name": "NAME"}
ITEM = "/api/v1/conversations/{id}"
Kind = choice(*TYPES, graphql={t: t.upper() for t in TYPES}, message="must be direct or group")


class ConversationBody(ContractModel):
    type: Kind = Field(serialization_alias="kind")  # type: ignore[valid-type]
    member_ids: list_of_ids()  # type: ignore[valid-type]
    name: Text | None = None
    description: Text | None = None


class GroupBody(ContractModel):
    """Absent keeps a field; null clears the description (a name cannot be cleared)."""

    name: Text | None = None
    description: Text | None = None


class ArchiveBody(ContractModel):
    archived: Boolean = Field(default=True, description="false restores the conversation")


class MemberBody(ContractModel):
    user_id: Text


class MessageBody(ContractModel):
    content: Text | None = None
    attachments: list_of_ids() | None = Field(default=None, description="File ids")  # type: ignore[valid-type]


class ConversationQuery(PageQuery):
    type: Kind | None = Field(default=None, serialization_alias="kind")  # type: ignore[valid-type]
    archived: QueryBoolean | None = None
    sort_by: choice(*SORTS, graphql=SORTS) | None = None  # type: ignore[valid-type]
    sort_order: SortOrder = "desc"


class Message(BaseModel):
    id: str
    conversation_id: str
    seq: int
    sender_id: str | None
    content: str | None
    attachments: list[str]
    created_at: str
    edited_at: str | None
    deleted_at: str | None


class Member(BaseModel):
    user_id: str
    name: str | None
    email: str | None
    joined_at: str
    last_read_seq: int | None


class Conversation(BaseModel):
    id: str
    type: str
    name: str | None
    description: str | None
    created_by: str | None
    member_ids: list[str]
    members: list[Member]
    archived: bool
    archived_at: str | None
    unread_count: int
    last_read_seq: int | None
    last_message: Message | None
    last_activity_at: str | None
    created_at: str
    updated_at: str


def message(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "conversation_id": node["conversationId"],
        "seq": node["seq"],
        "sender_id": node["authorId"],
        "content": node["content"],
        "attachments": node["attachmentIds"],
        "created_at": node["createdAt"],
        "edited_at": node["editedAt"],
        "deleted_at": node["deletedAt"],
    }


def conversation(node: dict[str, Any]) -> dict[str, Any]:
    members = [
        {
            "user_id": member["userId"],
            "name": (member["user"] or {}).get("name"),
            "email": (member["user"] or {}).get("email"),
            "joined_at": member["joinedAt"],
            "last_read_seq": member["lastReadSeq"],
        }
        for member in node["members"]
    ]
    last = node["lastMessage"]
    return {
        "id": node["id"],
        "type": node["kind"].lower(),
        "name": node["name"],
        "description": node["description"],
        "created_by": node["createdById"],
        "member_ids": [member["user_id"] for member in members],
        "members": members,
        "archived": node["archived"],
        "archived_at": node["archivedAt"],
        "unread_count": node["unreadCount"],
        "last_read_seq": node["lastReadSeq"],
        "last_message": message(last) if last else None,
        "last_activity_at": node["lastActivityAt"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def _create_variables(inputs: Inputs[ConversationBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.graphql(changes=True)}


def _present_created(data: dict[str, Any], _: RestRequest) -> Any:
    """201 for a new conversation; 200 with the existing direct conversation of that pair."""
    payload = data["createConversation"]
    body = conversation(payload["conversation"])
    return body if payload["created"] else JSONResponse(body, status_code=200)


def _group_variables(inputs: Inputs[GroupBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "input": inputs.body.graphql(changes=True)}


def _archive_variables(inputs: Inputs[ArchiveBody, None]) -> dict[str, Any]:
    """No body archives; `{"archived": false}` restores."""
    return {"id": inputs.id, "archived": inputs.body.archived}


def _member_variables(inputs: Inputs[MemberBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "userId": inputs.body.user_id}


def _message_variables(inputs: Inputs[MessageBody, None]) -> dict[str, Any]:
    body = inputs.body
    return {
        "id": inputs.id,
        "input": {"content": body.content, "attachmentIds": body.attachments or []},
    }


def _present(field: str) -> Any:
    return lambda data, _: conversation(data[field])


def _present_message(data: dict[str, Any], _: RestRequest) -> Response | dict[str, Any]:
    return message(data["sendMessage"])


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        "/api/v1/conversations",
        "SkeletonCreateConversation",
        body=ConversationBody,
        to_variables=_create_variables,
        response=Conversation,
        present=_present_created,
        status=201,
        summary="Create a conversation (messenger:write); a direct one that exists is "
        "returned with 200",
        request_example={"type": "group", "name": "Project Team", "member_ids": ["<user id>"]},
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/conversations",
        "SkeletonListConversations",
        query=ConversationQuery,
        to_variables=lambda inputs: inputs.query.variables(),
        response=Page[Conversation],
        present=lambda data, request: page_of(data["conversations"], request, conversation),
        summary="The caller's conversations (messenger:read), most recently active first",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        ITEM,
        "SkeletonGetConversation",
        variables=id_from_path,
        response=Conversation,
        present=_present("conversation"),
        summary="Get a conversation (messenger:read; members only, 404 otherwise)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PUT",
        f"{ITEM}/group",
        "SkeletonUpdateConversationGroup",
        body=GroupBody,
        to_variables=_group_variables,
        response=Conversation,
        present=_present("updateConversation"),
        summary="Update a group's name and description (messenger:write): absent keeps, "
        "null clears the description; 409 for a direct conversation",
        request_example={"name": "Updated Group Name", "description": "Updated description"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        f"{ITEM}/archive",
        "SkeletonArchiveConversation",
        body=ArchiveBody,
        to_variables=_archive_variables,
        response=Conversation,
        present=_present("archiveConversation"),
        summary="Archive the conversation in the caller's own inbox (messenger:read); "
        'body {"archived": false} restores it',
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "POST",
        f"{ITEM}/members",
        "SkeletonAddConversationMember",
        body=MemberBody,
        to_variables=_member_variables,
        response=Conversation,
        present=_present("addConversationMember"),
        summary="Add a user to a group (messenger:write); 409 if already a member or direct",
        request_example={"user_id": "<user id>"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "DELETE",
        f"{ITEM}/members",
        "SkeletonRemoveConversationMember",
        body=MemberBody,
        to_variables=_member_variables,
        response=Conversation,
        present=_present("removeConversationMember"),
        summary="Remove a member from a group (messenger:write); oneself: leave it",
        request_example={"user_id": "<user id>"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "POST",
        f"{ITEM}/messages",
        "SkeletonSendMessage",
        body=MessageBody,
        to_variables=_message_variables,
        response=Message,
        present=_present_message,
        status=201,
        summary="Send a message (messenger:write); members receive it live",
        request_example={"content": "Hello!", "attachments": []},
        error_statuses=(400, 401, 403, 404),
    ),
)
