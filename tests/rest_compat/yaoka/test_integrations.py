"""yaoka integration routes over HTTP: Pennylane OAuth start, supplier invoices from Factur-X
PDFs (matched by SIREN, 409 twice), expense reports; organizations never see each other's."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from server.settings import Settings
from tests.conftest import App
from tests.factories import partner_key
from tests.rest_compat.yaoka.test_customers import ORGS, bearer, provision
from tests.schema.test_supplier_invoices_graphql import french_facturx


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "pennylane_client_id": "yaoka-client",
            "pennylane_client_secret": "s3cret",
            "pennylane_redirect_url": "https://app.example/oauth/pennylane/callback",
            "pennylane_oauth_base_url": "https://sandbox.pennylane.example",
        }
    )


async def test_pennylane_start_answers_the_authorize_url(app: App) -> None:
    org_id, key = await provision(app, await partner_key(app))
    answer = await app.client.post(f"{ORGS}/{org_id}/pennylane/oauth/start", headers=bearer(key))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"authUrl", "state", "sandbox"}
    assert body["sandbox"] is True  # a test-mode org
    query = parse_qs(urlsplit(body["authUrl"]).query)
    assert body["authUrl"].startswith("https://sandbox.pennylane.example/oauth/authorize?")
    assert query["client_id"] == ["yaoka-client"] and query["state"] == [body["state"]]
    assert query["code_challenge_method"] == ["S256"]
    refused = await app.client.post(f"{ORGS}/{org_id}/pennylane/oauth/start")
    assert refused.status_code == 401


async def test_supplier_invoices_from_factur_x(app: App) -> None:
    [(number, facturx, _)] = await french_facturx(app)
    org_id, key = await provision(app, await partner_key(app))
    url = f"{ORGS}/{org_id}/supplier-invoices"
    created = await app.client.post(
        url, files={"file": ("facture.pdf", facturx, "application/pdf")}, headers=bearer(key)
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"] == number and body["source"] == "facturx"
    assert body["seller"] == {
        "name": "Fournisseur SAS",
        "siren": "732829320",
        "siret": "73282932000074",
        "vatNumber": "FR44732829320",
    }
    assert (body["netCents"], body["vatCents"], body["totalCents"]) == (102000, 20110, 122110)
    assert {t["vatRate"] for t in body["taxes"]} == {"20.00", "5.50"}
    again = await app.client.post(
        url, files={"file": ("facture.pdf", facturx, "application/pdf")}, headers=bearer(key)
    )
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    not_pdf = await app.client.post(
        url, files={"file": ("x.pdf", b"nope", "application/pdf")}, headers=bearer(key)
    )
    assert not_pdf.status_code == 400
    listed = await app.client.get(url, headers=bearer(key))
    assert [i["id"] for i in listed.json()["data"]] == [body["id"]]
    other_id, other_key = await provision(app, await partner_key(app, "Autre"), "of_2")
    assert (
        await app.client.get(f"{ORGS}/{other_id}/supplier-invoices", headers=bearer(other_key))
    ).json() == {"data": []}
    crossed = await app.client.get(url, headers=bearer(other_key))
    assert crossed.status_code in (403, 404)


async def test_expense_reports(app: App) -> None:
    org_id, key = await provision(app, await partner_key(app))
    url = f"{ORGS}/{org_id}/expense-reports"
    created = await app.client.post(
        url,
        json={
            "title": "Lyon trip",
            "lines": [
                {
                    "date": "2026-11-02",
                    "category": "travel",
                    "amountCents": 12000,
                    "vatCents": 2000,
                },
                {"date": "2026-11-03", "category": "meals", "amountCents": 3300},
            ],
        },
        headers=bearer(key),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["status"], body["currency"], body["totalCents"], body["vatCents"]) == (
        "draft",
        "EUR",
        15300,
        2000,
    )
    assert body["lines"][0] == {
        "date": "2026-11-02",
        "category": "travel",
        "description": None,
        "amountCents": 12000,
        "vatCents": 2000,
        "receiptFileId": None,
    }
    bad = await app.client.post(
        url,
        json={
            "title": "x",
            "lines": [{"date": "2026-11-02", "category": "yachts", "amountCents": 5}],
        },
        headers=bearer(key),
    )
    assert bad.status_code == 400 and "lines.0.category" in bad.json()["fields"]
    shape = await app.client.post(
        url,
        json={
            "title": "x",
            "lines": [{"date": "02/11/2026", "category": "meals", "amountCents": "5"}],
        },
        headers=bearer(key),
    )
    assert shape.status_code == 400
    assert {"lines.0.date", "lines.0.amountCents"} <= set(shape.json()["fields"])
    listed = await app.client.get(url, headers=bearer(key))
    assert [r["id"] for r in listed.json()["data"]] == [body["id"]]
