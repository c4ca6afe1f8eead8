"""vorgio GET /invoices/{invoice_id}/pdf: the PDF with an ETag, 304 while it is current."""

from __future__ import annotations

from facturx import get_xml_from_pdf

from tests.conftest import App
from tests.rest_compat.vorgio.test_clients import (
    ACME,
    CLIENTS,
    UNAUTHENTICATED,
    bearer,
    personal_token,
    problem,
)
from tests.rest_compat.vorgio.test_invoices import (
    INVOICES,
    create,
    new_team,
    post,
)
from tests.schema import execute
from tests.schema.test_invoicing_graphql import SELLER


async def test_pdf_with_etag_and_304_while_unchanged(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    issued = await create(app, team, is_draft=False)
    url = f"{INVOICES}/{issued['id']}/pdf"
    headers = bearer(team.token)
    response = await app.client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert f"{issued['number']}.pdf" in response.headers["content-disposition"]
    again = await app.client.get(url, headers=headers)
    assert again.headers["etag"] == etag  # same document, same tag
    current = await app.client.get(url, headers={**headers, "If-None-Match": etag})
    assert current.status_code == 304
    assert current.content == b""
    assert current.headers["etag"] == etag
    weak = await app.client.get(url, headers={**headers, "If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    # A change to the invoice makes the caller's copy stale.
    paid = await post(app, team, issued["id"], "mark-paid", {"paid_at": "2026-05-09"})
    assert paid.status_code == 200
    stale = await app.client.get(url, headers={**headers, "If-None-Match": etag})
    assert stale.status_code == 200
    assert stale.headers["etag"] != etag
    assert stale.content.startswith(b"%PDF-")


async def test_a_draft_has_a_pdf_too(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    draft = await create(app, team, is_draft=True)
    response = await app.client.get(f"{INVOICES}/{draft['id']}/pdf", headers=bearer(team.token))
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF-")


async def test_pdf_errors(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    other = await new_team(app, "owner@other.example")
    issued = await create(app, team, is_draft=False)
    url = f"{INVOICES}/{issued['id']}/pdf"
    for headers in ({}, bearer("garbage"), bearer(team.jwt)):
        response = await app.client.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json() == UNAUTHENTICATED
    clients_only = await personal_token(app, team.jwt, "clients:read")
    problem(await app.client.get(url, headers=bearer(clients_only)), 403, "forbidden")
    writer = await personal_token(app, team.jwt, "invoices:write")
    problem(await app.client.get(url, headers=bearer(writer)), 403, "forbidden")
    problem(await app.client.get(url, headers=bearer(other.token)), 404, "not-found")
    for invoice_id in ("0193f7b0-1b8a-7b7d-9ad0-0c7b5b1d5f3e", "architecto"):
        missing = await app.client.get(f"{INVOICES}/{invoice_id}/pdf", headers=bearer(team.token))
        problem(missing, 404, "not-found")


async def test_a_zugferd_client_receives_the_factur_x_pdf(app: App) -> None:
    """The PDF such a client must receive carries the CII XML; others get the plain PDF."""
    team = await new_team(app, "owner@acme.example")
    seller = {"street": "Musterweg 5", "postalCode": "80331", "city": "München", "country": "DE"}
    await execute(app, SELLER, {"input": {**seller, "vatNumber": "DE136695976"}}, token=team.jwt)
    headers = bearer(team.token)
    zugferd = {**ACME, "name": "Zug GmbH", "e_invoice_format": "zugferd", "external_id": "z"}
    created = await app.client.post(CLIENTS, json=zugferd, headers=headers)
    assert created.status_code == 201, created.text
    client_id = created.json()["data"]["id"]
    issued = await create(
        app, team, client_id=client_id, billing_date="2026-05-07", due_offset_days=14
    )
    assert issued["is_draft"] is False  # `is_draft` left out: issued at once
    url = f"{INVOICES}/{issued['id']}/pdf"
    response = await app.client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    _, embedded = get_xml_from_pdf(response.content, check_xsd=True)
    assert b"CrossIndustryInvoice" in embedded
    assert issued["number"].encode() in embedded
    etag = response.headers["etag"]
    current = await app.client.get(url, headers={**headers, "If-None-Match": etag})
    assert current.status_code == 304
    plain = await create(app, team)  # Acme takes XRechnung: an XML, so the plain PDF here
    other = await app.client.get(f"{INVOICES}/{plain['id']}/pdf", headers=headers)
    assert other.status_code == 200
    _, nothing = get_xml_from_pdf(other.content, check_xsd=False)
    assert not nothing
