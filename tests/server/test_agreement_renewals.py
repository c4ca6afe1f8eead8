"""The agreement renewal run, by a real procrastinate worker: renewals by period up to the
maximum (catching up after downtime), expiry of the others, a warning to the creator before an
agreement ends without renewal; idempotent; one broken agreement never stops the others."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from server.jobs import RENEW_AGREEMENTS_CRON, RENEW_AGREEMENTS_TASK
from tests.conftest import App
from tests.schema import execute
from tests.schema.test_agreements_graphql import ACTIVATE, AGREEMENT, AUDIT, create, supplier
from tests.schema.test_parties_graphql import owner
from tests.server.job_runs import run_task_once

TODAY = date.today()
NOTIFICATIONS = "query { notifications { nodes { kind title data } } }"
BROKEN = (
    "CREATE FUNCTION refuse_agreement_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'this agreement is broken'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER broken_agreement BEFORE UPDATE ON agreements FOR EACH ROW "
    "WHEN (OLD.id = '{id}') EXECUTE FUNCTION refuse_agreement_change()",
)


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


async def run_job(app: App, database_url: str) -> None:
    jobs = await run_task_once(app, database_url, RENEW_AGREEMENTS_TASK)
    periodic = jobs.periodic_registry.periodic_tasks[(RENEW_AGREEMENTS_TASK, "")]
    assert periodic.cron == RENEW_AGREEMENTS_CRON


async def test_the_worker_renews_expires_and_warns(app: App, database_url: str) -> None:
    token, _ = await owner(app)
    party = await supplier(app, token)

    async def active(end: str, *, draft: bool = False, **changes: Any) -> str:
        """An agreement signed today, then moved to end on `end` (as time would)."""
        created = await create(app, token, party, endDate=day(30), **changes)
        if not draft:
            await execute(app, ACTIVATE, {"id": created["id"]}, token=token)
        async with app.asgi.state.db.platform() as session:
            await session.execute(
                text(
                    "UPDATE agreements SET validity = daterange(CAST(:end AS date) - 365, "
                    "CAST(:end AS date), '[]') WHERE id = :id"
                ),
                {"end": date.fromisoformat(end), "id": uuid.UUID(created["id"])},
            )
        return str(created["id"])

    auto: dict[str, Any] = {"autoRenewal": True, "renewalPeriodDays": 30}
    ended_yesterday = await active(day(-1), maxRenewals=3, **auto)
    down_100_days = await active(day(-100), maxRenewals=10, **auto)
    ends_today = await active(day(0), **auto)  # no maximum
    at_maximum = await active(day(-1), maxRenewals=0, **auto)
    not_renewing = await active(day(-1))
    ends_soon = await active(day(5))
    renews_soon = await active(day(5), **auto)  # will renew: nobody is warned
    draft = await active(day(-1), draft=True, **auto)
    broken = await active(day(-1), maxRenewals=3, **auto)
    async with app.asgi.state.db.platform() as session:
        for statement in BROKEN:
            await session.execute(text(statement.format(id=broken)))

    async def state(agreement_id: str) -> dict[str, Any]:
        found: dict[str, Any] = (await execute(app, AGREEMENT, {"id": agreement_id}, token=token))[
            "agreement"
        ]
        return found

    before = {i: await state(i) for i in (ended_yesterday, broken, draft, ends_soon)}
    await run_job(app, database_url)

    renewed = await state(ended_yesterday)
    assert (renewed["status"], renewed["renewalCount"]) == ("ACTIVE", 1)
    assert renewed["validityPeriod"]["endDate"] == day(29)
    assert renewed["version"] == before[ended_yesterday]["version"] + 1
    assert renewed["renewals"] == [
        {
            "previousEndDate": day(-1),
            "newEndDate": day(29),
            "automatic": True,
            "version": renewed["version"],
        }
    ]
    trail = await execute(app, AUDIT, {"id": ended_yesterday}, token=token)
    assert trail["auditEntries"]["nodes"][0] == {
        "action": "agreement.renewed",
        "actorKind": None,  # the system
        "details": {"version": renewed["version"], "end_date": day(29), "times": 1},
    }
    # Down for 100 days: renewed period after period until today is covered.
    caught_up = await state(down_100_days)
    assert (caught_up["status"], caught_up["renewalCount"]) == ("ACTIVE", 4)
    assert caught_up["validityPeriod"]["endDate"] == day(20)
    assert [r["newEndDate"] for r in caught_up["renewals"]] == [
        day(-70),
        day(-40),
        day(-10),
        day(20),
    ]
    on_its_day = await state(ends_today)
    assert (on_its_day["status"], on_its_day["validityPeriod"]["endDate"]) == ("ACTIVE", day(30))
    for agreement_id in (at_maximum, not_renewing):
        expired = await state(agreement_id)
        assert (expired["status"], expired["renewalCount"]) == ("EXPIRED", 0)
        assert expired["validityPeriod"]["endDate"] == day(-1)
    # The broken one was left as it was; the draft is no business of the job.
    assert await state(broken) == before[broken]
    assert await state(draft) == before[draft]
    # Ending in 5 days without renewal: the creator is told once, and it stays active.
    assert (await state(ends_soon))["status"] == "ACTIVE"
    soon = await state(renews_soon)
    assert (soon["status"], soon["renewalCount"]) == ("ACTIVE", 0)
    notes = (await execute(app, NOTIFICATIONS, token=token))["notifications"]["nodes"]
    assert notes == [
        {
            "kind": "contract.ending",
            "title": f"A supply contract ends on {day(5)}",
            "data": {"contract_id": ends_soon, "end_date": day(5)},
        }
    ]

    # A second run (or a second worker) changes nothing.
    after = {
        i: await state(i)
        for i in (
            ended_yesterday,
            down_100_days,
            ends_today,
            at_maximum,
            not_renewing,
            ends_soon,
            broken,
        )
    }
    await run_job(app, database_url)
    for agreement_id, seen in after.items():
        assert await state(agreement_id) == seen
    assert len((await execute(app, NOTIFICATIONS, token=token))["notifications"]["nodes"]) == 1

    # Repaired, the broken one is renewed on the next run.
    async with app.asgi.state.db.platform() as session:
        await session.execute(text("DROP TRIGGER broken_agreement ON agreements"))
    await run_job(app, database_url)
    repaired = await state(broken)
    assert (repaired["renewalCount"], repaired["validityPeriod"]["endDate"]) == (1, day(29))
