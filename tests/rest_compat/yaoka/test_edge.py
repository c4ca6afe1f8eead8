"""yaoka at the edge: hand-made malformed bodies on every POST/PATCH route (4xx in yaoka's
`{error, message}` format, nothing written), malformed ids answer 404 like unknown ones, the
quote conversion without a body, drafts' `number`, and replays that never store the raw key."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from models import IdempotencyRecord
from rest_compat.registry import CONTRACTS
from tests.conftest import App
from tests.factories import partner_key
from tests.rest_compat.skeleton_crm.test_malformed import (  # noqa: F401 (settings: a fixture)
    malformed,
    row_counts,
    settings,
)
from tests.rest_compat.yaoka.test_customers import ORGS, bearer
from tests.rest_compat.yaoka.test_invoices import body, post, quotes_url, setup
from tests.rest_compat.yaoka.test_orgs import OF

YAOKA = next(c for c in CONTRACTS if c.name == "yaoka")
# JSON body routes (the upload routes refuse JSON with 415: tests/rest_compat/test_edge.py).
BODY_ROUTES = [
    r for r in YAOKA.routes if r.method in ("POST", "PATCH") and r.body is not None and not r.upload
]


def _url(path: str, org_id: str, item_id: str) -> str:
    return "/rest/yaoka" + path.replace("{orgId}", org_id).replace("{id}", item_id)


def _assert_yaoka_error(response: Any, context: Any) -> None:
    assert response.headers["content-type"].startswith("application/json"), context
    found: dict[str, Any] = response.json()
    assert set(found) <= {"error", "message", "fields"}, context
    assert found["error"] and found["message"], context
    assert "$" not in response.text and "Variable" not in response.text, context


async def test_malformed_bodies_are_refused_in_the_contract_format(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    master = await partner_key(app, "DigiForma")
    before = await row_counts(app)
    assert {r.operation for r in BODY_ROUTES} >= {"YaokaCreateOrg", "YaokaConvertQuote"}
    for route in BODY_ROUTES:
        assert route.body is not None
        fields = [
            str(info.validation_alias or name) for name, info in route.body.model_fields.items()
        ]
        url = _url(route.path, org_id, quote["id"])
        headers = bearer(master if route.path == "/api/v1/orgs" else key)
        for raw, extra, statuses in malformed(fields):
            response = await app.client.request(
                route.method, url, content=raw, headers={**headers, **extra}
            )
            context = (route.method, route.path, raw[:60], extra)
            assert response.status_code in statuses, (*context, response.text)
            _assert_yaoka_error(response, context)
        # Each field given a wrong type: `{}` for strings, strings for numbers, huge ints.
        wrongs: tuple[Any, ...] = ({}, [], "x", 10**30, -(10**30), True, 1.5)
        for wrong in wrongs:
            payload = dict.fromkeys(fields, wrong)
            # With an Idempotency-Key too: a refusal is the contract's 400, never a 500.
            keyed = {**headers, "Idempotency-Key": str(uuid.uuid4())}
            response = await app.client.request(route.method, url, json=payload, headers=keyed)
            assert 400 <= response.status_code < 500, (route.path, payload, response.text)
            _assert_yaoka_error(response, (route.path, payload))
    # Nothing written; a domain refusal answered to a keyed request is kept for its replay.
    after = await row_counts(app)
    assert after.pop("idempotency_records") >= before.pop("idempotency_records")
    assert after == before


async def test_blank_required_texts_are_refused(app: App) -> None:
    org_id, key, _ = await setup(app)
    master = await partner_key(app, "DigiForma")
    before = await row_counts(app)
    for url, payload, headers in (
        (f"{ORGS}/{org_id}/customers", {"name": "X", "email": ""}, bearer(key)),
        (f"{ORGS}/{org_id}/customers", {"name": " ", "email": "a@b.fr"}, bearer(key)),
        (ORGS, {"name": "", "ownerEmail": "a@b.fr"}, bearer(master)),
    ):
        refused = await app.client.post(url, json=payload, headers=headers)
        assert refused.status_code == 400, (payload, refused.text)
        assert set(refused.json()["fields"]) <= {"name", "email"}
    assert await row_counts(app) == before


async def test_malformed_ids_are_404_like_unknown_ones(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    invoice = await post(app, f"{ORGS}/{org_id}/invoices", key, body(customer_id))
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    master = await partner_key(app)
    payloads = {"PATCH": {"action": "finalize"}, "POST": None}
    before = await row_counts(app)
    for route in YAOKA.routes:
        if route.path == "/api/v1/orgs":
            continue
        payload = payloads.get(route.method)
        if route.operation in ("YaokaCreateInvoice", "YaokaCreateQuote"):
            payload = body(customer_id)
        if route.operation == "YaokaCreateCustomer":
            payload = {"name": "X", "email": "x@x.fr"}
        cases = [(bad, quote["id"]) for bad in ("nope", "1", "%20", str(uuid.uuid4()))]
        if "{id}" in route.path:
            cases += [(org_id, bad) for bad in ("nope", "1", "%20", str(uuid.uuid4()))]
        for org, item in cases:
            for credential in (key, master):
                url = _url(route.path, org, item)
                response = await app.client.request(
                    route.method, url, json=payload, headers=bearer(credential)
                )
                context = (route.method, url)
                assert response.status_code == 404, (*context, response.text)
                assert response.json()["error"] == "not_found", context
    # A quote is no invoice, an invoice is no quote.
    wrong_kind = [
        ("GET", _url("/api/v1/orgs/{orgId}/invoices/{id}", org_id, quote["id"])),
        ("POST", _url("/api/v1/orgs/{orgId}/quotes/{id}/convert", org_id, invoice["id"])),
    ]
    for method, url in wrong_kind:
        assert (await app.client.request(method, url, headers=bearer(key))).status_code == 404
    assert await row_counts(app) == before


async def test_convert_without_a_body_invoices_the_balance(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    convert = quotes_url(org_id, quote["id"], "convert")
    response = await app.client.post(convert, headers=bearer(key))
    assert response.status_code == 201, response.text
    balance = response.json()
    assert balance["quoteId"] == quote["id"]
    assert balance["totalCents"] == quote["totalCents"]  # no deposit: the full quote
    assert balance["status"] == "draft" and balance["number"] == ""
    # The quote is billed in full: converting again, with or without a body, is 409.
    assert (await app.client.post(convert, headers=bearer(key))).status_code == 409
    assert (await post(app, convert, key, {}, 409))["error"] == "conflict"


async def test_drafts_number_is_an_empty_string_until_finalized(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    draft = await post(app, f"{ORGS}/{org_id}/invoices", key, body(customer_id))
    assert draft["number"] == ""
    url = f"{ORGS}/{org_id}/invoices/{draft['id']}"
    sent = await app.client.patch(url, json={"action": "finalize"}, headers=bearer(key))
    assert sent.json()["number"].startswith("INV-")


async def test_replayed_provisioning_never_stores_the_raw_key(app: App) -> None:
    key = await partner_key(app)
    headers = bearer(key, **{"Idempotency-Key": "prov-secret"})
    first = await app.client.post(ORGS, json=OF, headers=headers)
    assert first.status_code == 201
    raw = first.json()["apiKey"]["raw"]
    assert raw.startswith("sk_org_test_")
    async with app.asgi.state.db.platform() as session:
        stored = list((await session.scalars(select(IdempotencyRecord.response_body))).all())
    assert stored and all(raw.encode() not in (found or b"") for found in stored)
    replay = await app.client.post(ORGS, json=OF, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["org"] == first.json()["org"]
    assert replay.json()["apiKey"] == {"raw": "", "preview": first.json()["apiKey"]["preview"]}
