"""SQL forms of the chart of accounts (compiled plans, `schema.compiled`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, cast

from models import Account as AccountModel
from resolvers.accounting.balances import balances_json
from schema.accounting.queries import accounts_listing
from schema.compiled.forms import Forms, JsonElements, PagedRoot, Rows, Value, columns
from schema.invoicing.sql import json_key


def _amount(key: str) -> Value:
    return Value(lambda row: cast(json_key(key)(row), BigInteger))


ACCOUNTING_FORMS = Forms(
    types={
        "Account": {
            **columns("id", "code", "name", "type", "description", "created_at"),
            "parent": Rows(AccountModel, lambda parent, row: parent.id == row.entity.parent_id),
            "balances": JsonElements(lambda row: balances_json(row.entity)),
        },
        # Elements of `balances_json`.
        "AccountBalance": {
            "currency": Value(json_key("currency")),
            "debit": _amount("debit"),
            "credit": _amount("credit"),
            "balance": _amount("balance"),
        },
    },
    roots={"accounts": PagedRoot(AccountModel, accounts_listing)},
)
