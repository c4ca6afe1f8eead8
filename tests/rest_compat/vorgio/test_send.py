"""vorgio POST /invoices/{invoice_id}/send over HTTP: 202 at once, the mail reaches a real SMTP
server (aiosmtpd) in the client's language with the invoice and the extra attachment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.settings import Settings
from tests.conftest import App
from tests.outside import SmtpSink, smtp_server
from tests.rest_compat.vorgio.test_invoices import INVOICES, create, new_team
from tests.schema import bearer, execute
from tests.schema.test_mail_graphql import SELLER, drain

GERMAN_SELLER = {
    "street": "Musterweg 5",
    "postalCode": "80331",
    "city": "München",
    "country": "DE",
    "vatNumber": "DE136695976",
    "email": "rechnung@muster.de",
    "phone": "+49 89 123456",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        yield sink


@pytest.fixture
def settings(settings: Settings, smtp: SmtpSink) -> Settings:
    return settings.model_copy(
        update={"smtp_url": smtp.url, "mail_from": "Rechnungen <billing@comptoir.test>"}
    )


async def test_send_queues_then_the_mail_arrives(
    app: App, database_url: str, smtp: SmtpSink
) -> None:
    team = await new_team(app, "send@vorgio.example")
    await execute(app, SELLER, {"input": GERMAN_SELLER}, token=team.jwt)
    issued = await create(app, team, is_draft=False, due_offset_days=14)
    answer = await app.client.post(
        f"{INVOICES}/{issued['id']}/send",
        data={
            "subject": "Ihre Rechnung",
            "body": "Anbei die Rechnung.",
            "cc[]": ["chef@acme.example"],
        },
        files={"attachments[]": ("agb.pdf", PDF, "application/pdf")},
        headers={**bearer(team.token), "Idempotency-Key": "send-1"},
    )
    assert answer.status_code == 202, answer.text
    assert set(answer.json()) == {"mail_event_id", "status"}
    assert answer.json()["status"] == "queued"
    assert smtp.messages == []

    await drain(app, database_url)
    events = await execute(app, "{ mailEvents { status lastError } }", token=team.jwt)
    assert events["mailEvents"][0]["status"] == "SENT", events
    [message] = smtp.messages
    assert message["Subject"] == "Ihre Rechnung"
    assert message["Content-Language"] == "de"
    assert "chef@acme.example" in message["Cc"]
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names[0].startswith("Rechnung-") and names[-1] == "agb.pdf"
    fetched = await app.client.get(f"{INVOICES}/{issued['id']}", headers=bearer(team.token))
    assert fetched.status_code == 200


async def test_send_refusals(app: App, smtp: SmtpSink) -> None:
    team = await new_team(app, "refuse@vorgio.example")
    draft = await create(app, team, is_draft=True)
    url = f"{INVOICES}/{draft['id']}/send"
    form = {"subject": (None, "S"), "body": (None, "B")}
    drafted = await app.client.post(url, files=form, headers=bearer(team.token))
    assert drafted.status_code == 422
    missing = await app.client.post(url, files={"subject": (None, "S")}, headers=bearer(team.token))
    assert missing.status_code in (400, 422) and "body" in missing.text
    other = await new_team(app, "other@vorgio2.example")
    stranger = await app.client.post(url, files=form, headers=bearer(other.token))
    assert stranger.status_code == 404
    assert (await app.client.post(url, files=form)).status_code == 401
