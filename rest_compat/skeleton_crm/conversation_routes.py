"""skeleton-crm `/conversations`: the messenger (create, list, get, group info, archive,
members, send a message).

The contract documents requests only; responses follow its conventions (snake_case, pages as
`{items,total,page,limit,has_more}`). A message sent here reaches GraphQL subscribers like any
other, since the mutation publishes it.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from rest_compat.engine import RestInputError, RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.countries_routes import check, strings
from rest_compat.skeleton_crm.paging import LIST_PARAMETERS, page_of, page_variables

TYPES = ("direct", "group")
SORTS = {"last_activity_at": "LAST_ACTIVITY", "created_at": "CREATED_AT", "name": "NAME"}
ITEM = "/api/v1/conversations/{id}"


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


def _id_list(value: Any, name: str, problems: dict[str, str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems[name] = "must be a list of ids"
        return []
    return value


def _create_variables(request: RestRequest) -> dict[str, Any]:
    body = request.json_object()
    problems: dict[str, str] = {}
    kind = body.get("type")
    if kind is None:
        problems["type"] = "is required"
    elif kind not in TYPES:
        problems["type"] = "must be direct or group"
    if body.get("member_ids") is None:
        problems["member_ids"] = "is required"
        member_ids: list[str] = []
    else:
        member_ids = _id_list(body["member_ids"], "member_ids", problems)
    texts = strings(body, {"name": "name", "description": "description"}, problems)
    check(problems)
    return {"input": {"kind": str(kind).upper(), "memberIds": member_ids, **texts}}


def _present_created(data: dict[str, Any], _: RestRequest) -> Any:
    """201 for a new conversation; 200 with the existing direct conversation of that pair."""
    payload = data["createConversation"]
    body = conversation(payload["conversation"])
    return body if payload["created"] else JSONResponse(body, status_code=200)


def _list_variables(request: RestRequest) -> dict[str, Any]:
    variables = page_variables(request)
    problems: dict[str, str] = {}
    kind = request.query.get("type")
    if kind:
        if kind not in TYPES:
            problems["type"] = "must be direct or group"
        variables["kind"] = kind.upper()
    archived = request.query.get("archived")
    if archived:
        if archived.lower() not in ("true", "false"):
            problems["archived"] = "must be true or false"
        variables["archived"] = archived.lower() == "true"
    sort_by = request.query.get("sort_by")
    if sort_by:
        if sort_by not in SORTS:
            problems["sort_by"] = f"must be one of {', '.join(sorted(SORTS))}"
        variables["sortBy"] = SORTS.get(sort_by)
    order = (request.query.get("sort_order") or "desc").lower()
    if order not in ("asc", "desc"):
        problems["sort_order"] = "must be asc or desc"
    variables["sortOrder"] = order.upper()
    check(problems)
    return variables


def _group_variables(request: RestRequest) -> dict[str, Any]:
    """Absent keeps a field; null clears the description (a name cannot be cleared)."""
    problems: dict[str, str] = {}
    changes = strings(
        request.json_object(), {"name": "name", "description": "description"}, problems
    )
    check(problems)
    return {"id": request.path_params["id"], "input": changes}


def _archive_variables(request: RestRequest) -> dict[str, Any]:
    """No body archives; `{"archived": false}` restores."""
    archived = True
    if request.body is not None:
        body = request.json_object()
        if "archived" in body:
            if not isinstance(body["archived"], bool):
                raise RestInputError("Invalid input", {"archived": "must be true or false"})
            archived = body["archived"]
    return {"id": request.path_params["id"], "archived": archived}


def _member_variables(request: RestRequest) -> dict[str, Any]:
    body = request.require("user_id")
    if not isinstance(body["user_id"], str):
        raise RestInputError("Invalid input", {"user_id": "must be a string"})
    return {"id": request.path_params["id"], "userId": body["user_id"]}


def _message_variables(request: RestRequest) -> dict[str, Any]:
    body = request.json_object()
    problems: dict[str, str] = {}
    content = strings(body, {"content": "content"}, problems).get("content")
    attachments = body.get("attachments")
    ids = [] if attachments is None else _id_list(attachments, "attachments", problems)
    check(problems)
    return {"id": request.path_params["id"], "input": {"content": content, "attachmentIds": ids}}


def _present(field: str) -> Any:
    return lambda data, _: conversation(data[field])


def _present_message(data: dict[str, Any], _: RestRequest) -> Response | dict[str, Any]:
    return message(data["sendMessage"])


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        "/api/v1/conversations",
        "SkeletonCreateConversation",
        variables=_create_variables,
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
        variables=_list_variables,
        present=lambda data, request: page_of(data["conversations"], request, conversation),
        summary="The caller's conversations (messenger:read), most recently active first",
        query_parameters=(*LIST_PARAMETERS, "type", "archived"),
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        ITEM,
        "SkeletonGetConversation",
        variables=id_from_path,
        present=_present("conversation"),
        summary="Get a conversation (messenger:read; members only, 404 otherwise)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PUT",
        f"{ITEM}/group",
        "SkeletonUpdateConversationGroup",
        variables=_group_variables,
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
        variables=_archive_variables,
        present=_present("archiveConversation"),
        summary="Archive the conversation in the caller's own inbox (messenger:read); "
        'body {"archived": false} restores it',
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "POST",
        f"{ITEM}/members",
        "SkeletonAddConversationMember",
        variables=_member_variables,
        present=_present("addConversationMember"),
        summary="Add a user to a group (messenger:write); 409 if already a member or direct",
        request_example={"user_id": "<user id>"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "DELETE",
        f"{ITEM}/members",
        "SkeletonRemoveConversationMember",
        variables=_member_variables,
        present=_present("removeConversationMember"),
        summary="Remove a member from a group (messenger:write); oneself: leave it",
        request_example={"user_id": "<user id>"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "POST",
        f"{ITEM}/messages",
        "SkeletonSendMessage",
        variables=_message_variables,
        present=_present_message,
        status=201,
        summary="Send a message (messenger:write); members receive it live",
        request_example={"content": "Hello!", "attachments": []},
        error_statuses=(400, 401, 403, 404),
    ),
)
