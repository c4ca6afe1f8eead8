"""Supplier invoices from PDFs: a Factur-X PDF rendered by our own invoicing is uploaded by
its customer, read back (seller, SIREN/SIRET, VAT id, number, totals, lines) and matched to a
supplier by SIREN; the same number twice is a CONFLICT; a plain PDF keeps what is known."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from tests.conftest import App
from tests.schema import bearer, codes, execute, register

SELLER = "mutation S($input: SellerProfileInput!) { updateSellerProfile(input: $input) { name } }"
CUSTOMER = "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
INVOICE = """
mutation I($input: CreateDocumentInput!) {
  createInvoice(input: $input, finalize: true) { id number }
}
"""
E_INVOICE = (
    "query P($id: ID!) { invoice(id: $id) { eInvoice { contentBase64 } pdf { contentBase64 } } }"
)
RECEIVE = """
mutation R($file: Upload!) {
  receiveSupplierInvoice(file: $file) {
    id supplierId fileId source number issueDate dueDate currency netTotal taxTotal total
    sellerName sellerSiren sellerSiret sellerVatId
    taxes { rate category base tax }
    lines { description quantity unitPrice vatRate net }
  }
}"""
LIST = "query { supplierInvoices { id number supplierId } }"
SUPPLIERS = "query { parties(kind: SUPPLIER) { nodes { id name taxId } } }"


async def upload(app: App, token: str, content: bytes, name: str = "facture.pdf") -> httpx.Response:
    operations = {"query": RECEIVE, "variables": {"file": None}}
    return await app.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "application/pdf")},
        headers={**bearer(token), "GraphQL-Require-Preflight": "1"},
    )


async def french_facturx(app: App, number_of_invoices: int = 1) -> list[tuple[str, bytes, bytes]]:
    """Invoices of a French seller (SIRET 73282932000074) rendered as Factur-X PDFs."""
    token = (await register(app, "vendeur@fournisseur.fr", organization_name="Fournisseur SAS"))[
        "accessToken"
    ]
    await execute(
        app,
        SELLER,
        {
            "input": {
                "siret": "73282932000074",
                "street": "1 rue de la Paix",
                "postalCode": "75002",
                "city": "Paris",
                "country": "FR",
                "vatNumber": "FR44732829320",
                "email": "compta@fournisseur.fr",
                "iban": "FR7630006000011234567890189",
            }
        },
        token=token,
    )
    customer = await execute(
        app,
        CUSTOMER,
        {
            "input": {
                "name": "Client SARL",
                "currency": "EUR",
                "eInvoiceFormat": "FACTURX",
                "email": "ap@client.fr",
                "billingAddress": {
                    "street": "2 av. Foch",
                    "postalCode": "69006",
                    "city": "Lyon",
                    "country": "FR",
                },
            }
        },
        token=token,
    )
    made = []
    for _ in range(number_of_invoices):
        invoice = await execute(
            app,
            INVOICE,
            {
                "input": {
                    "customerId": customer["createCustomer"]["id"],
                    "lines": [
                        {
                            "description": "Conseil",
                            "quantity": "2",
                            "unitPrice": 50000,
                            "vatRate": "20",
                        },
                        {
                            "description": "Livre",
                            "quantity": "1",
                            "unitPrice": 2000,
                            "vatRate": "5.5",
                        },
                    ],
                    "dueOffsetDays": 30,
                }
            },
            token=token,
        )
        files = (
            await execute(app, E_INVOICE, {"id": invoice["createInvoice"]["id"]}, token=token)
        )["invoice"]
        made.append(
            (
                invoice["createInvoice"]["number"],
                base64.b64decode(files["eInvoice"]["contentBase64"]),
                base64.b64decode(files["pdf"]["contentBase64"]),
            )
        )
    return made


async def test_a_factur_x_pdf_is_read_and_matched_by_siren(app: App) -> None:
    [(number, facturx, plain), (second_number, second, _)] = await french_facturx(app, 2)
    buyer = (await register(app, "achats@client.fr", organization_name="Client SARL"))[
        "accessToken"
    ]

    answer = await upload(app, buyer, facturx)
    assert answer.status_code == 200, answer.text
    received: dict[str, Any] = answer.json()["data"]["receiveSupplierInvoice"]
    assert received["source"] == "facturx"
    assert received["number"] == number
    assert (received["sellerName"], received["sellerSiren"], received["sellerSiret"]) == (
        "Fournisseur SAS",
        "732829320",
        "73282932000074",
    )
    assert received["sellerVatId"] == "FR44732829320"
    assert (received["netTotal"], received["taxTotal"], received["total"]) == (
        102000,
        20110,
        122110,
    )
    assert received["currency"] == "EUR" and received["dueDate"] is not None
    assert sorted((t["rate"], t["base"], t["tax"]) for t in received["taxes"]) == [
        ("20.00", 100000, 20000),
        ("5.50", 2000, 110),
    ]
    assert [line["description"] for line in received["lines"]] == ["Conseil", "Livre"]
    assert received["lines"][0]["unitPrice"] == 50000 and received["lines"][0]["net"] == 100000
    assert received["fileId"] is not None

    # The same invoice again: CONFLICT, nothing stored.
    again = (await upload(app, buyer, facturx)).json()
    assert codes(again["errors"]) == ["CONFLICT"]

    # Another invoice of the same seller: the same supplier (matched by SIREN).
    other = (await upload(app, buyer, second)).json()["data"]["receiveSupplierInvoice"]
    assert other["number"] == second_number
    assert other["supplierId"] == received["supplierId"]
    suppliers = (await execute(app, SUPPLIERS, token=buyer))["parties"]["nodes"]
    assert [(s["name"], s["taxId"]) for s in suppliers] == [("Fournisseur SAS", "FR44732829320")]

    # A plain PDF: stored with what is known.
    plain_answer = (await upload(app, buyer, plain, "scan.pdf")).json()["data"][
        "receiveSupplierInvoice"
    ]
    assert (plain_answer["source"], plain_answer["number"], plain_answer["supplierId"]) == (
        "pdf",
        None,
        None,
    )
    listed = (await execute(app, LIST, token=buyer))["supplierInvoices"]
    assert len(listed) == 3

    # Not a PDF; and another organization sees none of it.
    refused = (await upload(app, buyer, b"hello", "x.pdf")).json()
    assert codes(refused["errors"]) == ["BAD_USER_INPUT"]
    stranger = (await register(app, "autre@ailleurs.fr"))["accessToken"]
    assert (await execute(app, LIST, token=stranger))["supplierInvoices"] == []
