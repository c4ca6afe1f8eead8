"""Rules that may refuse to delete a customer."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer


async def ensure_deletable(session: AsyncSession, customer: Customer) -> None:
    """Raise CONFLICT when the customer must be kept; called before every soft delete.

    No rule applies yet. The invoicing domain plugs in here the legal-retention rule that
    vorgio documents: a customer with any invoice still inside its 10-year retention window
    cannot be deleted (409). Soft deletion itself keeps the row, so issued invoices never
    lose their customer.
    """
    del session, customer
