"""skeleton-crm `/accounts` and `/transactions` routes: the chart of accounts and the journal.

Every organization starts with a default chart (1010 Cash, 1100 Receivables, 1200 Inventory,
2100 VAT payable, 4000 Revenue, 5000 Cost of goods sold, …). A transaction's line names its
account by id or by code (`"1010"`), and is a debit or a credit in minor units; debits must
equal credits (400 `validation_error` naming `lines` otherwise). Posted transactions never
change: a reversing entry corrects them (GraphQL `reverseJournalTransaction`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import Day, MinorUnits, NonBlankText, Text, lowered_choice
from rest_compat.skeleton_crm.paging import Page, PageQuery, page_of

TYPES = {
    "asset": "ASSET",
    "liability": "LIABILITY",
    "equity": "EQUITY",
    "revenue": "REVENUE",
    "expense": "EXPENSE",
}
AccountTypeWord = lowered_choice(*TYPES, graphql=TYPES)


class AccountBody(ContractModel):
    code: NonBlankText = Field(description="Unique within the organization")
    name: NonBlankText
    type: AccountTypeWord  # type: ignore[valid-type]
    parent_id: Text | None = Field(default=None, description="The parent account's id or code")
    description: Text | None = None


class AccountQuery(PageQuery):
    type: AccountTypeWord | None = Field(  # type: ignore[valid-type]
        default=None, description="asset, liability, equity, revenue or expense"
    )

    def filters(self) -> dict[str, Any]:
        variables = self.variables()
        if "type" in variables:
            variables["type"] = [variables["type"]]
        return variables


class TransactionLineBody(ContractModel):
    account_id: NonBlankText = Field(description="The account's id or its code (`1010`)")
    debit: MinorUnits | None = Field(default=None, description="Minor units; or credit")
    credit: MinorUnits | None = Field(default=None, description="Minor units; or debit")
    memo: Text | None = None


class TransactionBody(ContractModel):
    description: NonBlankText
    lines: list[TransactionLineBody] = Field(max_length=200)
    currency: Text | None = Field(default=None, description="Default: the organization's")
    date: Day | None = Field(default=None, description="Entry date, default today")
    reference: Text | None = None


class Balance(BaseModel):
    currency: str
    debit: int
    credit: int
    balance: int


class Account(BaseModel):
    id: str
    code: str
    name: str
    type: str
    parent_id: str | None
    description: str | None
    balances: list[Balance]
    created_at: str


class TransactionLine(BaseModel):
    position: int
    account_id: str
    account_code: str
    account_name: str
    debit: int
    credit: int
    memo: str | None


class Transaction(BaseModel):
    id: str
    description: str
    reference: str | None
    currency: str
    date: str
    source: str
    total: int
    lines: list[TransactionLine]
    posted_at: str


def account(node: dict[str, Any]) -> dict[str, Any]:
    parent = node["parent"]
    return {
        "id": node["id"],
        "code": node["code"],
        "name": node["name"],
        "type": node["type"].lower(),
        "parent_id": parent["id"] if parent else None,
        "description": node["description"],
        "balances": node["balances"],
        "created_at": node["createdAt"],
    }


def transaction(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "description": node["description"],
        "reference": node["reference"],
        "currency": node["currency"],
        "date": node["entryDate"],
        "source": node["source"].lower(),
        "total": node["amount"],
        "lines": [
            {
                "position": line["position"],
                "account_id": line["account"]["id"],
                "account_code": line["account"]["code"],
                "account_name": line["account"]["name"],
                "debit": line["debit"],
                "credit": line["credit"],
                "memo": line["memo"],
            }
            for line in node["lines"]
        ],
        "posted_at": node["postedAt"],
    }


def _create_account(inputs: Inputs[AccountBody, None]) -> dict[str, Any]:
    return {"input": {k: v for k, v in inputs.body.graphql().items() if v is not None}}


def _post(inputs: Inputs[TransactionBody, None]) -> dict[str, Any]:
    body = inputs.body
    fields = body.graphql(exclude={"date", "lines"})
    fields = {k: v for k, v in fields.items() if v is not None}
    if body.date is not None:
        fields["entryDate"] = body.date.isoformat()
    fields["lines"] = [
        {k: v for k, v in line.graphql().items() if v is not None} for line in body.lines
    ]
    return {"input": fields}


EXAMPLE = {
    "description": "Invoice payment",
    "lines": [{"account_id": "1010", "debit": 10000}, {"account_id": "4000", "credit": 10000}],
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/accounts",
        "SkeletonListAccounts",
        query=AccountQuery,
        to_variables=lambda inputs: inputs.query.filters(),
        response=Page[Account],
        present=lambda data, request: page_of(data["accounts"], request, account),
        summary="List the chart of accounts, by code (accounting:read); "
        "type=asset|liability|equity|revenue|expense",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/accounts",
        "SkeletonCreateAccount",
        body=AccountBody,
        to_variables=_create_account,
        response=Account,
        present=lambda data, _: account(data["createAccount"]),
        status=201,
        summary="Create an account (accounting:write); 409 on a code already used",
        request_example={"code": "1010", "name": "Cash", "type": "asset"},
        error_statuses=(400, 401, 403, 409),
    ),
    Route(
        "POST",
        "/api/v1/transactions",
        "SkeletonPostTransaction",
        body=TransactionBody,
        to_variables=_post,
        response=Transaction,
        present=lambda data, _: transaction(data["postJournalTransaction"]),
        status=201,
        summary="Post a balanced journal transaction (accounting:write); lines name accounts "
        "by id or code; 400 when debits differ from credits",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403),
    ),
)
