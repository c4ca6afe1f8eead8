"""Notifications over GraphQL: the inbox, marking read, preferences (UNSET keeps, null clears)."""

from __future__ import annotations

from typing import Any

from tests.conftest import App
from tests.factories import partner_key
from tests.rest_compat.skeleton_crm.test_notifications import raise_notifications
from tests.rest_compat.skeleton_crm.test_users import add_user, login, register_org
from tests.rest_compat.yaoka.test_orgs import provision
from tests.schema import codes, errors_of, execute

LIST = """
query List($unreadOnly: Boolean, $kind: String, $first: Int, $after: String) {
  notifications(unreadOnly: $unreadOnly, kind: $kind, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id kind title body data read readAt createdAt }
  }
  unreadNotificationCount
}
"""
GET = "query Get($id: ID!) { notification(id: $id) { id title read } }"
READ = "mutation Read($id: ID!) { markNotificationRead(id: $id) { id read readAt } }"
READ_ALL = "mutation { markAllNotificationsRead }"
PREFERENCES_FIELDS = """
  emailEnabled smsEnabled pushEnabled quietHoursStart quietHoursEnd timeZone
  inQuietHours channelsNow
"""
PREFERENCES = f"query {{ notificationPreferences {{ {PREFERENCES_FIELDS} }} }}"
UPDATE = f"""
mutation Update($input: UpdateNotificationPreferencesInput!) {{
  updateNotificationPreferences(input: $input) {{ {PREFERENCES_FIELDS} }}
}}
"""


async def inbox(app: App, token: str, **variables: Any) -> dict[str, Any]:
    return await execute(app, LIST, variables, token=token)


async def test_mark_read_one_and_all(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    ids = await raise_notifications(app, org, [org.owner_id], count=3)
    await raise_notifications(app, org, [org.owner_id], kind="message.created")
    first = await inbox(app, org.token)
    assert (first["notifications"]["totalCount"], first["unreadNotificationCount"]) == (4, 4)
    messages = await inbox(app, org.token, kind="message.created")
    assert [n["kind"] for n in messages["notifications"]["nodes"]] == ["message.created"]

    read = (await execute(app, READ, {"id": ids[1]}, token=org.token))["markNotificationRead"]
    assert read["read"] is True
    again = (await execute(app, READ, {"id": ids[1]}, token=org.token))["markNotificationRead"]
    assert again["readAt"] == read["readAt"]  # marking twice keeps the first time
    unread = await inbox(app, org.token, unreadOnly=True)
    assert unread["unreadNotificationCount"] == 3
    assert ids[1] not in [n["id"] for n in unread["notifications"]["nodes"]]

    assert (await execute(app, READ_ALL, token=org.token))["markAllNotificationsRead"] == 3
    assert (await execute(app, READ_ALL, token=org.token))["markAllNotificationsRead"] == 0
    done = await inbox(app, org.token, unreadOnly=True)
    assert (done["notifications"]["totalCount"], done["unreadNotificationCount"]) == (0, 0)


async def test_cursor_pages(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    ids = await raise_notifications(app, org, [org.owner_id], count=3)
    first = (await inbox(app, org.token, first=2))["notifications"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await inbox(app, org.token, first=2, after=first["pageInfo"]["endCursor"]))[
        "notifications"
    ]
    seen = [n["id"] for n in first["nodes"] + rest["nodes"]]
    assert seen == ids[::-1]


async def test_others_notifications_are_not_found(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    ada_id = await add_user(app, org, "ada@acme.io", "admin")
    ada = await login(app, "ada@acme.io")
    (hers,) = await raise_notifications(app, org, [ada_id])
    for document in (GET, READ):
        errors = await errors_of(app, document, {"id": hers}, token=org.token)
        assert codes(errors) == ["NOT_FOUND"]
    assert (await execute(app, READ_ALL, token=org.token))["markAllNotificationsRead"] == 0
    still = await execute(app, GET, {"id": hers}, token=ada)
    assert still["notification"]["read"] is False
    globex = await register_org(app, "owner@globex.io")
    errors = await errors_of(app, READ, {"id": hers}, token=globex.token)
    assert codes(errors) == ["NOT_FOUND"]


async def test_preferences_unset_keeps_and_null_clears(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    defaults = (await execute(app, PREFERENCES, token=org.token))["notificationPreferences"]
    assert defaults == {
        "emailEnabled": True,
        "smsEnabled": False,
        "pushEnabled": True,
        "quietHoursStart": None,
        "quietHoursEnd": None,
        "timeZone": "UTC",
        "inQuietHours": False,
        "channelsNow": ["EMAIL", "PUSH"],
    }
    # Quiet all day but one minute: whatever the time now, the two checks below agree.
    always = {
        "quietHoursStart": "00:00",
        "quietHoursEnd": "23:59",
        "timeZone": "Pacific/Kiritimati",
    }
    updated = (await execute(app, UPDATE, {"input": always}, token=org.token))[
        "updateNotificationPreferences"
    ]
    assert {k: updated[k] for k in always} == always
    assert updated["channelsNow"] == ([] if updated["inQuietHours"] else ["EMAIL", "PUSH"])
    kept = (await execute(app, UPDATE, {"input": {"pushEnabled": False}}, token=org.token))[
        "updateNotificationPreferences"
    ]
    assert (kept["pushEnabled"], kept["quietHoursStart"], kept["timeZone"]) == (
        False,
        "00:00",
        "Pacific/Kiritimati",
    )
    cleared = await execute(
        app, UPDATE, {"input": {"quietHoursStart": None, "quietHoursEnd": None}}, token=org.token
    )
    assert cleared["updateNotificationPreferences"]["quietHoursStart"] is None
    assert cleared["updateNotificationPreferences"]["channelsNow"] == ["EMAIL"]
    errors = await errors_of(
        app, UPDATE, {"input": {"quietHoursStart": "7pm", "smsEnabled": None}}, token=org.token
    )
    assert errors[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "fields": {
            "smsEnabled": "must be true or false",
            "quietHoursStart": "must be a time as HH:MM (00:00 to 23:59)",
        },
    }


async def test_keys_without_a_user_have_no_notifications(app: App) -> None:
    key = (await provision(app, await partner_key(app)))["apiKey"]["raw"]
    for document in (LIST, PREFERENCES):
        errors = await errors_of(app, document, token=key)
        assert "FORBIDDEN" in codes(errors)
