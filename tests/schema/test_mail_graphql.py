"""Invoice mail end to end: queued in GraphQL, sent by a real worker over SMTP to a real
aiosmtpd server, in the customer's language with the e-invoice attached."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from facturx import get_xml_from_pdf

from server.app import integrations_for
from server.jobs import configure_jobs, create_job_app, run_worker
from server.settings import Settings
from tests.conftest import App
from tests.outside import SmtpSink, smtp_server
from tests.schema import codes, errors_of, execute, register

SELLER = """
mutation S($input: SellerProfileInput!) { updateSellerProfile(input: $input) { name } }
"""
CUSTOMER = "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
INVOICE = """
mutation I($input: CreateDocumentInput!, $finalize: Boolean!) {
  createInvoice(input: $input, finalize: $finalize) { id number }
}"""
MAIL = """
mutation M($id: ID!, $input: InvoiceMailInput) {
  mailInvoice(id: $id, input: $input) { id status to cc subject language attempts }
}"""
EVENTS = """
query E($invoiceId: ID) {
  mailEvents(invoiceId: $invoiceId) { id status attempts lastError sentAt messageId }
}"""
STATUS = "query S($id: ID!) { invoice(id: $id) { status } }"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        yield sink


@pytest.fixture
def settings(settings: Settings, smtp: SmtpSink) -> Settings:
    return settings.model_copy(
        update={
            "smtp_url": smtp.url,
            "mail_from": "Rechnungen <billing@comptoir.test>",
            "mail_retry_base_seconds": 0.0,
            "mail_max_attempts": 2,
        }
    )


async def drain(app: App, database_url: str, integrations: Any = None) -> None:
    configure_jobs(app.asgi.state.db, integrations or app.asgi.state.integrations)
    try:
        jobs = create_job_app(database_url)
        await asyncio.wait_for(
            run_worker(jobs, install_signal_handlers=False, wait=False, concurrency=1), 120
        )
    finally:
        configure_jobs(None)


async def german_invoice(
    app: App, token: str, fmt: str, language: str, *, finalize: bool = True
) -> dict[str, Any]:
    await execute(
        app,
        SELLER,
        {
            "input": {
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
        },
        token=token,
    )
    customer = await execute(
        app,
        CUSTOMER,
        {
            "input": {
                "name": "Kunde GmbH",
                "currency": "EUR",
                "language": language,
                "eInvoiceFormat": fmt,
                "buyerReference": "04011000-12345-34",
                "email": "ap@kunde.de",
                "emailCc": ["chef@kunde.de"],
                "billingAddress": {
                    "street": "Hauptstr. 1",
                    "postalCode": "10115",
                    "city": "Berlin",
                    "country": "DE",
                },
            }
        },
        token=token,
    )
    created = await execute(
        app,
        INVOICE,
        {
            "input": {
                "customerId": customer["createCustomer"]["id"],
                "lines": [
                    {"description": "Beratung", "hours": "2", "unitPrice": 10000, "vatRate": "19"}
                ],
                "dueOffsetDays": 14,
            },
            "finalize": finalize,
        },
        token=token,
    )
    invoice: dict[str, Any] = created["createInvoice"]
    return invoice


async def test_a_zugferd_invoice_arrives_in_german_with_factur_x(
    app: App, database_url: str, smtp: SmtpSink
) -> None:
    token = (await register(app, "mail@muster.de", organization_name="Muster GmbH"))["accessToken"]
    invoice = await german_invoice(app, token, "ZUGFERD", "de")
    queued = (await execute(app, MAIL, {"id": invoice["id"]}, token=token))["mailInvoice"]
    assert queued["status"] == "QUEUED"
    assert queued["to"] == ["ap@kunde.de"] and queued["cc"] == ["chef@kunde.de"]
    assert smtp.messages == []  # nothing leaves before the worker runs

    await drain(app, database_url)
    [message] = smtp.messages
    assert smtp.envelopes[0][1] == ["ap@kunde.de", "chef@kunde.de"]
    assert message["Subject"] == f"Rechnung {invoice['number']} von Muster GmbH"
    assert message["Reply-To"] == "rechnung@muster.de"
    assert "billing@comptoir.test" in message["From"]
    body = message.get_body(("plain",)).get_content()
    assert "anbei erhalten Sie unsere Rechnung" in body and "238,00" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"Rechnung-{invoice['number']}.pdf"
    _, xml = get_xml_from_pdf(attachment.get_content(), check_xsd=True)
    assert invoice["number"].encode() in xml

    events = (await execute(app, EVENTS, {"invoiceId": invoice["id"]}, token=token))["mailEvents"]
    assert [(e["status"], e["attempts"]) for e in events] == [("SENT", 1)]
    assert events[0]["messageId"] == message["Message-ID"]
    status = await execute(app, STATUS, {"id": invoice["id"]}, token=token)
    assert status["invoice"]["status"] == "SENT"


async def test_xrechnung_gets_the_xml_and_the_pdf_and_a_custom_text(
    app: App, database_url: str, smtp: SmtpSink
) -> None:
    token = (await register(app, "xr@muster.de", organization_name="Muster GmbH"))["accessToken"]
    invoice = await german_invoice(app, token, "XRECHNUNG", "fr")
    await execute(
        app,
        MAIL,
        {
            "id": invoice["id"],
            "input": {"to": ["compta@client.fr"], "subject": "Votre facture", "body": "Merci !"},
        },
        token=token,
    )
    await drain(app, database_url)
    [message] = smtp.messages
    assert message["To"] == "compta@client.fr" and message["Cc"] is None
    assert message["Subject"] == "Votre facture"
    assert message["Content-Language"] == "fr"
    assert message.get_body(("plain",)).get_content().strip() == "Merci !"
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == [f"Facture-{invoice['number']}.pdf", f"Facture-{invoice['number']}.xml"]


async def test_refusals_are_retried_then_failed(
    app: App, database_url: str, smtp: SmtpSink
) -> None:
    token = (await register(app, "retry@muster.de", organization_name="Muster GmbH"))["accessToken"]
    invoice = await german_invoice(app, token, "NONE", "en")
    smtp.refusals = ["451 4.3.0 try again later"]
    await execute(app, MAIL, {"id": invoice["id"]}, token=token)
    await drain(app, database_url)
    assert [m["Subject"] for m in smtp.messages] == [
        f"Invoice {invoice['number']} from Muster GmbH"
    ]
    events = (await execute(app, EVENTS, token=token))["mailEvents"]
    assert [(e["status"], e["attempts"], e["lastError"]) for e in events] == [("SENT", 2, None)]

    smtp.refusals = ["451 busy", "554 no thanks"]
    await execute(app, MAIL, {"id": invoice["id"]}, token=token)
    await drain(app, database_url)
    events = (await execute(app, EVENTS, token=token))["mailEvents"]
    assert events[0]["status"] == "FAILED" and events[0]["attempts"] == 2
    assert "554" in events[0]["lastError"] and "secret-pass" not in events[0]["lastError"]
    assert len(smtp.messages) == 1


async def test_bad_requests_change_nothing(app: App, smtp: SmtpSink) -> None:
    token = (await register(app, "bad@muster.de", organization_name="Muster GmbH"))["accessToken"]
    draft = await german_invoice(app, token, "NONE", "de", finalize=False)
    errors = await errors_of(app, MAIL, {"id": draft["id"]}, token=token)
    assert codes(errors) == ["CONFLICT"]
    issued = await german_invoice(app, token, "NONE", "de")
    errors = await errors_of(
        app,
        MAIL,
        {"id": issued["id"], "input": {"to": ["not-an-address"], "subject": "a\nb"}},
        token=token,
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert set(errors[0]["extensions"]["fields"]) == {"to", "subject"}
    other = (await register(app, "other@muster.de"))["accessToken"]
    errors = await errors_of(app, MAIL, {"id": issued["id"]}, token=other)
    assert codes(errors) == ["NOT_FOUND"]
    assert (await execute(app, EVENTS, token=token))["mailEvents"] == []
    assert (await execute(app, EVENTS, token=other))["mailEvents"] == []


async def test_without_smtp_mails_land_in_the_outbox_folder(
    app: App, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    token = (await register(app, "eml@muster.de", organization_name="Muster GmbH"))["accessToken"]
    invoice = await german_invoice(app, token, "NONE", "de")
    await execute(app, MAIL, {"id": invoice["id"]}, token=token)
    no_smtp = settings.model_copy(update={"smtp_url": None, "data_dir": tmp_path / "d"})
    await drain(app, database_url, integrations_for(no_smtp, app.asgi.state.storage))
    [eml] = list((tmp_path / "d" / "outbox").glob("*.eml"))
    assert f"Rechnung {invoice['number']}".encode() in eml.read_bytes()
