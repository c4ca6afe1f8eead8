"""skeleton-crm /notifications routes over HTTP: the caller's list, one, preferences."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from models import Event
from resolvers.notifications import notify
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_users import (
    Org,
    add_user,
    bearer,
    error,
    login,
    register_org,
)
from tests.schema import execute

API = "/rest/skeleton-crm/api/v1"
NOTIFICATIONS = f"{API}/notifications"
PREFERENCES = f"{NOTIFICATIONS}/preferences"
ITEM_KEYS = {"id", "type", "title", "message", "data", "read", "read_at", "created_at"}
DEFAULTS = {
    "email_enabled": True,
    "sms_enabled": False,
    "push_enabled": True,
    "quiet_hours_start": None,
    "quiet_hours_end": None,
    "time_zone": "UTC",
}
MARK_READ = "mutation Read($id: ID!) { markNotificationRead(id: $id) { id read } }"


async def raise_notifications(
    app: App, org: Org, user_ids: Sequence[str], count: int = 1, kind: str = "invoice.paid"
) -> list[str]:
    """Notifications through the interface other domains use; ids oldest first."""
    created: list[str] = []
    async with app.asgi.state.db.transaction(uuid.UUID(org.id)) as session:
        for n in range(count):
            rows = await notify(
                session,
                user_ids=[uuid.UUID(u) for u in user_ids],
                kind=kind,
                title=f"Invoice {n} paid",
                body=f"Body {n}" if n % 2 == 0 else None,
                data={"invoice": n},
            )
            created += [str(r.id) for r in rows]
    return created


async def page(app: App, token: str, query: str = "") -> dict[str, Any]:
    response = await app.client.get(f"{NOTIFICATIONS}{query}", headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_list_newest_first_and_unread_only(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    ids = await raise_notifications(app, org, [org.owner_id], count=3)
    body = await page(app, org.token)
    assert set(body) == {"items", "total", "page", "limit", "has_more"}
    assert (body["total"], body["page"], body["limit"], body["has_more"]) == (3, 1, 20, False)
    assert [i["id"] for i in body["items"]] == ids[::-1]
    newest = body["items"][0]
    assert set(newest) == ITEM_KEYS
    assert newest["type"] == "invoice.paid"
    assert newest["title"] == "Invoice 2 paid"
    assert newest["message"] == "Body 2"
    assert newest["data"] == {"invoice": 2}
    assert (newest["read"], newest["read_at"]) == (False, None)
    assert body["items"][1]["message"] is None

    await execute(app, MARK_READ, {"id": ids[0]}, token=org.token)
    unread = await page(app, org.token, "?unread_only=true")
    assert [i["id"] for i in unread["items"]] == [ids[2], ids[1]]
    assert unread["total"] == 2
    everything = await page(app, org.token, "?unread_only=false")
    assert everything["total"] == 3
    read = next(i for i in everything["items"] if i["id"] == ids[0])
    assert read["read"] is True
    assert read["read_at"]
    second = await page(app, org.token, "?page=2&limit=2")
    assert ([i["id"] for i in second["items"]], second["has_more"]) == ([ids[0]], False)
    bad = await app.client.get(f"{NOTIFICATIONS}?unread_only=maybe", headers=bearer(org.token))
    assert error(bad, 400, "validation_error")["details"] == {
        "unread_only": "must be true or false"
    }


async def test_get_one_of_mine_and_not_someone_elses(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    ada_id = await add_user(app, org, "ada@acme.io", "admin")
    ada = await login(app, "ada@acme.io")
    (mine,) = await raise_notifications(app, org, [org.owner_id])
    (hers,) = await raise_notifications(app, org, [ada_id])
    got = await app.client.get(f"{NOTIFICATIONS}/{mine}", headers=bearer(org.token))
    assert got.status_code == 200
    assert set(got.json()) == ITEM_KEYS
    assert got.json()["id"] == mine
    # Someone else's notification does not exist for me, even in my organization.
    error(
        await app.client.get(f"{NOTIFICATIONS}/{hers}", headers=bearer(org.token)), 404, "not_found"
    )
    assert [i["id"] for i in (await page(app, ada))["items"]] == [hers]
    assert [i["id"] for i in (await page(app, org.token))["items"]] == [mine]
    for missing in ("nope", str(uuid.uuid4())):
        response = await app.client.get(f"{NOTIFICATIONS}/{missing}", headers=bearer(org.token))
        error(response, 404, "not_found")


async def test_another_organization_sees_nothing(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    globex = await register_org(app, "owner@globex.io")
    (ours,) = await raise_notifications(app, acme, [acme.owner_id])
    assert (await page(app, globex.token))["total"] == 0
    response = await app.client.get(f"{NOTIFICATIONS}/{ours}", headers=bearer(globex.token))
    error(response, 404, "not_found")


async def test_notify_publishes_an_event_per_user(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    ada_id = await add_user(app, org, "ada@acme.io", "admin")
    ids = await raise_notifications(app, org, [ada_id, org.owner_id, ada_id])
    assert len(ids) == 2  # one per user, duplicates ignored
    async with app.asgi.state.db.platform() as session:
        events = (await session.scalars(select(Event).order_by(Event.id))).all()
    published = [(e.topic, e.kind, e.payload["id"]) for e in events]
    assert sorted(published) == sorted(
        (f"user:{user}", "notification.created", notification)
        for user, notification in zip(sorted([ada_id, org.owner_id]), ids, strict=True)
    )


async def test_preferences_default_then_partial_updates(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    got = await app.client.get(PREFERENCES, headers=bearer(org.token))
    assert got.status_code == 200  # not captured by /notifications/{id}
    assert got.json() == DEFAULTS
    documented = {
        "email_enabled": True,
        "sms_enabled": False,
        "push_enabled": True,
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "08:00",
    }
    patched = await app.client.patch(PREFERENCES, json=documented, headers=bearer(org.token))
    assert patched.status_code == 200, patched.text
    assert patched.json() == {**documented, "time_zone": "UTC"}
    # Absent keys keep their value.
    only_sms = await app.client.patch(
        PREFERENCES,
        json={"sms_enabled": True, "time_zone": "Europe/Paris"},
        headers=bearer(org.token),
    )
    expected = {**documented, "sms_enabled": True, "time_zone": "Europe/Paris"}
    assert only_sms.json() == expected
    assert (await app.client.get(PREFERENCES, headers=bearer(org.token))).json() == expected
    # null clears the quiet hours (both together).
    cleared = await app.client.patch(
        PREFERENCES,
        json={"quiet_hours_start": None, "quiet_hours_end": None},
        headers=bearer(org.token),
    )
    assert cleared.json() == {**expected, "quiet_hours_start": None, "quiet_hours_end": None}
    empty = await app.client.patch(PREFERENCES, json={}, headers=bearer(org.token))
    assert empty.json() == cleared.json()


async def test_bad_preferences_are_refused_and_change_nothing(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    start = {"quiet_hours_start": "22:00", "quiet_hours_end": "07:30"}
    assert (await app.client.patch(PREFERENCES, json=start, headers=bearer(org.token))).is_success
    before = (await app.client.get(PREFERENCES, headers=bearer(org.token))).json()
    for body, details in (
        (
            {"quiet_hours_start": "25:00", "email_enabled": None, "time_zone": "Mars/Olympus"},
            {
                "quiet_hours_start": "must be a time as HH:MM (00:00 to 23:59)",
                "email_enabled": "must be true or false",
                "time_zone": "must be an IANA time zone name, e.g. Europe/Paris",
            },
        ),
        (
            {"quiet_hours_end": None},
            {"quiet_hours_end": "quiet hours need both a start and an end"},
        ),
        (
            {"quiet_hours_end": "22:00"},
            {"quiet_hours_end": "must differ from the start of the quiet hours"},
        ),
        (
            {"push_enabled": "yes", "sms_enabled": 1},
            {"push_enabled": "must be true or false", "sms_enabled": "must be true or false"},
        ),
        ({"quiet_hours_start": 2200}, {"quiet_hours_start": "must be a string"}),
        ({"time_zone": None}, {"time_zone": "must be an IANA time zone name"}),
    ):
        response = await app.client.patch(PREFERENCES, json=body, headers=bearer(org.token))
        assert error(response, 400, "validation_error")["details"] == details, body
    not_json = await app.client.patch(
        PREFERENCES,
        content=b"[1]",
        headers={**bearer(org.token), "content-type": "application/json"},
    )
    error(not_json, 400, "validation_error")
    assert (await app.client.get(PREFERENCES, headers=bearer(org.token))).json() == before


async def test_preferences_are_personal(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    await add_user(app, org, "ada@acme.io", "admin")
    ada = await login(app, "ada@acme.io")
    await app.client.patch(PREFERENCES, json={"push_enabled": False}, headers=bearer(ada))
    assert (await app.client.get(PREFERENCES, headers=bearer(org.token))).json() == DEFAULTS
    assert (await app.client.get(PREFERENCES, headers=bearer(ada))).json()["push_enabled"] is False


async def test_a_viewer_reads_their_notifications_and_sets_their_preferences(app: App) -> None:
    """notifications:read covers the caller's own inbox and preferences (only theirs)."""
    org = await register_org(app, "owner@acme.io")
    vic_id = await add_user(app, org, "vic@acme.io", "viewer")
    viewer = await login(app, "vic@acme.io")
    (mine,) = await raise_notifications(app, org, [vic_id])
    assert [i["id"] for i in (await page(app, viewer))["items"]] == [mine]
    assert (await app.client.get(f"{NOTIFICATIONS}/{mine}", headers=bearer(viewer))).is_success
    patched = await app.client.patch(
        PREFERENCES, json={"sms_enabled": True}, headers=bearer(viewer)
    )
    assert patched.json()["sms_enabled"] is True


async def test_without_the_permission_or_a_token(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    await add_user(app, org, "nobody@acme.io", None)
    nobody = await login(app, "nobody@acme.io")
    (some,) = await raise_notifications(app, org, [org.owner_id])
    for path in (NOTIFICATIONS, f"{NOTIFICATIONS}/{some}", PREFERENCES):
        error(await app.client.get(path, headers=bearer(nobody)), 403, "forbidden")
        error(await app.client.get(path), 401, "unauthorized")
        error(await app.client.get(path, headers=bearer("garbage")), 401, "unauthorized")
    for headers in (bearer(nobody), {}):
        response = await app.client.patch(PREFERENCES, json={"sms_enabled": True}, headers=headers)
        assert response.status_code in (401, 403)
    assert (await app.client.get(PREFERENCES, headers=bearer(org.token))).json() == DEFAULTS


async def test_listing_runs_a_fixed_number_of_queries(app: App) -> None:
    async def count_for(domain: str, notifications: int) -> int:
        org = await register_org(app, f"owner@{domain}")
        await raise_notifications(app, org, [org.owner_id], count=notifications)
        app.queries.reset()
        body = await page(app, org.token, "?limit=100")
        assert len(body["items"]) == notifications
        return app.queries.count

    assert await count_for("small.io", 3) == await count_for("large.io", 30)


async def test_openapi_lists_the_documented_routes_only(app: App) -> None:
    paths = (await app.client.get("/rest/skeleton-crm/openapi.json")).json()["paths"]
    assert set(paths["/api/v1/notifications"]) == {"get"}
    assert set(paths["/api/v1/notifications/{id}"]) == {"get"}
    assert set(paths["/api/v1/notifications/preferences"]) == {"get", "patch"}
