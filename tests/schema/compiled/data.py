"""Random customers and documents of one organization, written straight through the ORM (in
the organization's scoped transaction) so that every state the columns allow shows up: nulls,
unicode, JPY/KWD amounts, credit notes, quotes, recurring templates, sales orders with catalog
items and warehouses, ties in sort keys, timestamps with and without microseconds."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from models import (
    Account,
    AccountType,
    Cadence,
    CatalogCategory,
    CatalogItem,
    CatalogItemStatus,
    Country,
    Customer,
    CustomerStatus,
    DocumentKind,
    DocumentStatus,
    EInvoiceFormat,
    ExpenseReport,
    ExpenseStatus,
    Invoice,
    InvoiceLine,
    JournalLine,
    JournalSource,
    JournalTransaction,
    LineMode,
    Membership,
    Notification,
    Party,
    PartyKind,
    PartyStatus,
    Payment,
    PositionMode,
    Role,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    StockLevel,
    StoredFile,
    Warehouse,
)
from resolvers.unit_of_work import Database

TEXTS = (
    "Acme",
    "acme lower",
    "Zoë & Söhne GmbH",
    "株式会社テスト",
    'Quote " and \\ backslash',
    "Tab\tand\nnewline",
    "Emoji 🧾 receipt",
    "Ωmega",
)
CURRENCIES = ("EUR", "JPY", "KWD", "USD")
RATES = ("0.00", "5.50", "19.00", "20.00")


def _maybe(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.6 else None


def _moment(rng: random.Random) -> datetime:
    micro = rng.choice((0, rng.randint(1, 999_999), 500_000))
    return datetime(
        2026, rng.randint(1, 11), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
        rng.randint(0, 59), micro, tzinfo=UTC,
    )  # fmt: skip


def _day(rng: random.Random) -> date:
    return date(2026, rng.randint(1, 11), rng.randint(1, 28))


def _json(rng: random.Random) -> dict[str, Any]:
    """Keys of several lengths (jsonb reorders them), nested values, floats and unicode."""
    choices: list[tuple[str, Any]] = [
        ("zeta", 1),
        ("a", "é"),
        ("long key", {"nested": [1, 2.5, None, True]}),
        ("n", -3.25),
        ("big", 10**15),
        ("empty", {}),
        ("ü", "🧾"),
    ]
    return dict(rng.sample(choices, rng.randint(0, len(choices))))


@dataclass
class Organization:
    id: uuid.UUID
    token: str
    customers: list[uuid.UUID] = field(default_factory=list)
    documents: list[uuid.UUID] = field(default_factory=list)
    parties: list[uuid.UUID] = field(default_factory=list)
    orders: list[uuid.UUID] = field(default_factory=list)
    items: list[uuid.UUID] = field(default_factory=list)
    categories: list[uuid.UUID] = field(default_factory=list)
    stock: list[uuid.UUID] = field(default_factory=list)
    notifications: list[uuid.UUID] = field(default_factory=list)
    warehouses: list[uuid.UUID] = field(default_factory=list)


async def populate(db: Database, organization: Organization, seed: int) -> None:
    rng = random.Random(seed)
    async with db.transaction(organization.id) as session:
        customers = [_customer(rng, seed, i) for i in range(10)]
        session.add_all(customers)
        await session.flush()
        documents: list[Invoice] = []
        for i in range(24):
            document = _document(rng, seed, i, rng.choice(customers), documents)
            session.add(document)
            await session.flush()
            documents.append(document)
            currency = document.currency
            for position in range(1, rng.randint(0, 4) + 1):
                session.add(_line(rng, document.id, position, currency))
            for _ in range(rng.randint(0, 2)):
                session.add(_payment(rng, document.id, currency))
        countries = list(await session.scalars(select(Country.id).limit(3)))
        parties = [_party(rng, seed, i, countries) for i in range(9)]
        session.add_all(parties)
        await session.flush()
        items, warehouses = await _stock(session, rng, seed)
        organization.categories = list(await session.scalars(select(CatalogCategory.id)))
        organization.stock = list(await session.scalars(select(StockLevel.id)))
        await _books(session, rng, seed)
        session.add_all([_expenses(rng, parties) for _ in range(7)])
        (owner,) = await session.scalars(select(Membership.user_id))
        notifications = [
            Notification(
                user_id=owner,
                kind=rng.choice(("message.created", "invoice.paid")),
                title=rng.choice(TEXTS),
                body=_maybe(rng, rng.choice(TEXTS)),
                data=_json(rng),
                read_at=_maybe(rng, _moment(rng)),
                created_at=_moment(rng) if rng.random() < 0.7 else datetime(2026, 5, 1, tzinfo=UTC),
            )
            for _ in range(12)
        ]
        session.add_all(notifications)
        await session.flush()
        organization.notifications = [n.id for n in notifications]
        session.add_all(
            StoredFile(
                filename=rng.choice(("acme.pdf", "ACME.pdf", "Reçu Ω.png", "%_.txt", "b.csv")),
                content_type=rng.choice(("application/pdf", "image/png", "text/csv")),
                size=rng.choice((0, 1, 10**10)),
                sha256="ab" * 32,
                storage_key=f"{seed}/{uuid.uuid4()}",
                uploaded_by_id=rng.choice((None, owner)),
                created_at=_moment(rng) if rng.random() < 0.7 else datetime(2026, 5, 1, tzinfo=UTC),
                updated_at=_moment(rng),
            )
            for _ in range(9)
        )
        session.add_all(
            [
                Role(name="Zoë ✓", description="", permissions=[], created_at=_moment(rng)),
                Role(name="auditeur", description=rng.choice(TEXTS), permissions=["*:read"]),
                Role(name="Auditeur", description="x", permissions=["orders:read", "stock:*"]),
            ]
        )
        orders: list[SalesOrder] = []
        for i in range(23):
            order = _order(rng, seed, i, rng.choice(customers), rng.choice([None, *warehouses]))
            order.invoice_id = rng.choice(documents).id if rng.random() < 0.3 else None
            session.add(order)
            await session.flush()
            orders.append(order)
            for position in rng.sample(range(1, 9), rng.randint(0, 4)):
                session.add(_order_line(rng, order.id, position, rng.choice([None, *items])))
        organization.orders = [o.id for o in orders]
        organization.items = [i.id for i in items]
        organization.warehouses = [w.id for w in warehouses]
        organization.customers = [c.id for c in customers]
        organization.documents = [d.id for d in documents]
        organization.parties = [p.id for p in parties]


def _party(rng: random.Random, seed: int, i: int, countries: list[uuid.UUID]) -> Party:
    kind = rng.choice(list(PartyKind))
    return Party(
        kind=kind,
        status=rng.choice(list(PartyStatus)),
        name=rng.choice(TEXTS),
        email=f"p{seed}-{i}@Example.com",
        tax_id=_maybe(rng, "DE123"),
        phone=_maybe(rng, "+49 30 1"),
        website=_maybe(rng, "https://ex.example"),
        position=_maybe(rng, "Chef 👩‍🍳") if kind is PartyKind.EMPLOYEE else None,
        street=_maybe(rng, rng.choice(TEXTS)),
        city=_maybe(rng, "Paris"),
        region=_maybe(rng, "IDF"),
        postal_code=_maybe(rng, "75001"),
        country_id=_maybe(rng, rng.choice(countries)) if countries else None,
        created_at=_moment(rng),
        updated_at=_moment(rng),
    )


def _customer(rng: random.Random, seed: int, i: int) -> Customer:
    currency = _maybe(rng, rng.choice(CURRENCIES))
    return Customer(
        name=rng.choice(TEXTS) + f" {i}" * rng.randint(0, 1),
        name_addition=_maybe(rng, rng.choice(TEXTS)),
        legal_name=_maybe(rng, rng.choice(TEXTS)),
        status=rng.choice(list(CustomerStatus)),
        email=_maybe(rng, f"c{seed}-{i}@example.com"),
        email_cc=rng.choice(([], ["cc@example.com"], ["a@example.com", "b@example.com"])),
        phone=_maybe(rng, "+33 1 23 45 67 89"),
        website=_maybe(rng, "https://example.com/é"),
        language=_maybe(rng, rng.choice(("fr", "de", "en-GB"))),
        social_media=_json(rng),
        siret=_maybe(rng, "73282932000074"),
        siren=_maybe(rng, "732829320"),
        vat_number=_maybe(rng, "FR44732829320"),
        tax_id=_maybe(rng, "T-1"),
        company_registration_number=_maybe(rng, "HRB 1"),
        account_reference=_maybe(rng, "ACC"),
        buyer_reference=_maybe(rng, "04011000-12345-03"),
        external_id=_maybe(rng, f"ext-{seed}-{i}"),
        billing_street=_maybe(rng, rng.choice(TEXTS)),
        billing_line2=_maybe(rng, "Bât. B"),
        billing_city=_maybe(rng, "Köln"),
        billing_region=_maybe(rng, "NRW"),
        billing_postal_code=_maybe(rng, "50667"),
        billing_country=_maybe(rng, rng.choice(("DE", "FR", "JP"))),
        shipping_same_as_billing=rng.random() < 0.5,
        shipping_name=_maybe(rng, "Dock"),
        shipping_phone=_maybe(rng, "+49 1"),
        shipping_email=_maybe(rng, "ship@example.com"),
        shipping_city=_maybe(rng, "東京"),
        shipping_country=_maybe(rng, "JP"),
        iban=_maybe(rng, "DE89370400440532013000"),
        bic=_maybe(rng, "COBADEFFXXX"),
        currency=currency,
        credit_limit=_maybe(rng, rng.choice((0, 150_000, 10**13))) if currency else None,
        hourly_rate=_maybe(rng, rng.randint(0, 20_000)) if currency else None,
        default_vat_rate=_maybe(rng, Decimal(rng.choice(RATES))),
        default_discount_percent=_maybe(rng, Decimal("2.50")),
        default_position_mode=_maybe(rng, rng.choice(list(PositionMode))),
        e_invoice_format=rng.choice(list(EInvoiceFormat)),
        invoice_note=_maybe(rng, rng.choice(TEXTS)),
        email_text=_maybe(rng, "Hello"),
        customer_group=_maybe(rng, rng.choice(("A", "B"))),
        portal_login_enabled=rng.random() < 0.5,
        metadata_=_json(rng),
        created_at=_moment(rng),
        updated_at=_moment(rng),
        deleted_at=_moment(rng) if rng.random() < 0.15 else None,
    )


def _document(
    rng: random.Random, seed: int, i: int, customer: Customer, earlier: list[Invoice]
) -> Invoice:
    kind = rng.choice((DocumentKind.INVOICE, DocumentKind.INVOICE, *DocumentKind))
    status = rng.choice(list(DocumentStatus))
    draft = status is DocumentStatus.DRAFT
    sign = -1 if kind is DocumentKind.CREDIT_NOTE else 1
    subtotal = sign * rng.choice((0, 1000, 12_345, 99_999_999))
    tax_total = sign * rng.choice((0, 190, 2_346))
    invoices = [d for d in earlier if d.kind is DocumentKind.INVOICE]
    quotes = [d for d in earlier if d.kind is DocumentKind.QUOTE]
    recurring = kind is DocumentKind.INVOICE and rng.random() < 0.3
    return Invoice(
        kind=kind,
        status=status,
        series=None if draft else f"S{seed}",
        sequence=None if draft else i + 1,
        number=None if draft else f"N-{seed}-{rng.randint(0, 9)}{i:03d}",
        customer_id=customer.id,
        currency=rng.choice(CURRENCIES),
        issue_date=None if draft else _day(rng),
        due_date=_maybe(rng, _day(rng)),
        due_offset_days=_maybe(rng, 30),
        billing_period=_maybe(rng, "2026-03"),
        valid_until=_day(rng) if kind is DocumentKind.QUOTE else None,
        subject=_maybe(rng, rng.choice(TEXTS)),
        salutation=_maybe(rng, "Dear"),
        description=_maybe(rng, rng.choice(TEXTS)),
        notes=_maybe(rng, rng.choice(TEXTS)),
        metadata_=_json(rng),
        vat_rate=_maybe(rng, Decimal(rng.choice(RATES))),
        subtotal=subtotal,
        tax_total=tax_total,
        total=subtotal + tax_total,
        tax_breakdown=[
            {"rate": rate, "base": sign * rng.randint(0, 10_000), "tax": sign * rng.randint(0, 900)}
            for rate in sorted(rng.sample(RATES, rng.randint(0, 2)))
        ],
        amount_paid=rng.choice((0, 500, subtotal + tax_total)),
        issued_at=None if draft else _moment(rng),
        sent_at=_maybe(rng, _moment(rng)),
        paid_at=_maybe(rng, _day(rng)),
        cancelled_at=_moment(rng) if status is DocumentStatus.CANCELLED else None,
        corrects_id=rng.choice(invoices).id
        if kind is DocumentKind.CREDIT_NOTE and invoices
        else None,
        quote_id=rng.choice(quotes).id if quotes and rng.random() < 0.3 else None,
        is_deposit=rng.random() < 0.2,
        recurrence=rng.choice(list(Cadence)) if recurring else None,
        # Some fall in the recurring forecast's window (from today).
        next_invoice_at=date.today() + timedelta(days=rng.randint(-5, 40)) if recurring else None,
        recurring_stopped_at=_moment(rng) if rng.random() < 0.1 else None,
        recurring_parent_id=rng.choice(invoices).id if invoices and rng.random() < 0.2 else None,
        recurring_failed_attempts=rng.choice((0, 0, 3)),
        recurring_last_error=_maybe(rng, "boom ⚠"),
        recurring_retry_at=_maybe(rng, _moment(rng)),
        created_at=_moment(rng) if rng.random() < 0.8 else datetime(2026, 5, 1, tzinfo=UTC),
        updated_at=_moment(rng),
    )


def _line(rng: random.Random, document: uuid.UUID, position: int, currency: str) -> InvoiceLine:
    quantity = Decimal(rng.randint(-(10**6), 10**6)).scaleb(-4)
    unit_price = rng.choice((0, 1, 99, 12_345, 10**13))
    return InvoiceLine(
        invoice_id=document,
        position=position,
        mode=rng.choice(list(LineMode)),
        description=rng.choice(TEXTS),
        quantity=quantity,
        unit_code=rng.choice(("C62", "HUR")),
        unit_price=unit_price,
        vat_rate=Decimal(rng.choice(RATES)),
        net=rng.randint(-(10**9), 10**9),
        service_date=_maybe(rng, _day(rng)),
        reference=_maybe(rng, f"ref-{position}"),
    )


def _payment(rng: random.Random, document: uuid.UUID, currency: str) -> Payment:
    return Payment(
        invoice_id=document,
        amount=rng.choice((1, 500, 10**12)),
        currency=currency,
        paid_on=_day(rng),
        method=_maybe(rng, rng.choice(("bank_transfer", "card"))),
        reference=_maybe(rng, "Überweisung"),
        created_at=_moment(rng),
    )


async def _stock(
    session: Any, rng: random.Random, seed: int
) -> tuple[list[CatalogItem], list[Warehouse]]:
    """Categories (a root and a child), catalog items, warehouses."""
    root = CatalogCategory(name=rng.choice(TEXTS), created_at=_moment(rng))
    session.add(root)
    await session.flush()
    child = CatalogCategory(name="Sous-catégorie", parent_id=root.id, created_at=_moment(rng))
    session.add(child)
    await session.flush()
    items = [
        CatalogItem(
            sku=f"SKU-{seed}-{i}",
            name=rng.choice(TEXTS),
            description=_maybe(rng, rng.choice(TEXTS)),
            category_id=rng.choice((None, root.id, child.id)),
            unit_price=rng.choice((0, 99, 10**13)),
            currency=rng.choice(CURRENCIES),
            unit_cost=_maybe(rng, rng.choice((0, 12_345))),
            vat_rate=Decimal(rng.choice(RATES)),
            status=rng.choice(list(CatalogItemStatus)),
            created_at=_moment(rng),
            updated_at=_moment(rng),
        )
        for i in range(6)
    ]
    warehouses = [
        Warehouse(
            name=rng.choice(TEXTS),
            location=_maybe(rng, "Quai 7 — Lyon"),
            capacity=_maybe(rng, rng.choice((0, 1_000_000))),
            created_at=_moment(rng),
        )
        for _ in range(3)
    ]
    session.add_all([*items, *warehouses])
    await session.flush()
    for item in items:
        for warehouse in rng.sample(warehouses, rng.randint(0, len(warehouses))):
            on_hand = rng.choice((Decimal(0), Decimal("12.5000"), Decimal("1000000.0001")))
            session.add(
                StockLevel(
                    item_id=item.id,
                    warehouse_id=warehouse.id,
                    on_hand=on_hand,
                    reserved=rng.choice((Decimal(0), on_hand)),
                    created_at=_moment(rng)
                    if rng.random() < 0.8
                    else datetime(2026, 5, 1, tzinfo=UTC),
                    updated_at=_moment(rng),
                )
            )
    await session.flush()
    return items, warehouses


def _order(
    rng: random.Random, seed: int, i: int, customer: Customer, warehouse: Warehouse | None
) -> SalesOrder:
    status = rng.choice(list(SalesOrderStatus))
    subtotal = rng.choice((0, 1000, 12_345, 99_999_999))
    tax_total = rng.choice((0, 190, 2_346))
    return SalesOrder(
        order_number=f"SO-{seed}-{rng.choice(('acme', 'Ω', '%_x', 'A'))}-{i:03d}",
        status=status,
        customer_id=customer.id,
        currency=rng.choice(CURRENCIES),
        notes=_maybe(rng, rng.choice(TEXTS)),
        ordered_at=_maybe(rng, _day(rng)),
        warehouse_id=warehouse.id if warehouse else None,
        shipping_street=_maybe(rng, rng.choice(TEXTS)),
        shipping_line2=_maybe(rng, "Bât. B"),
        shipping_city=_maybe(rng, "東京"),
        shipping_region=_maybe(rng, "NRW"),
        shipping_postal_code=_maybe(rng, "50667"),
        shipping_country=_maybe(rng, rng.choice(("DE", "FR", "JP"))),
        subtotal=subtotal,
        tax_total=tax_total,
        total=subtotal + tax_total,
        tax_breakdown=[
            {"rate": rate, "base": rng.randint(0, 10_000), "tax": rng.randint(0, 900)}
            for rate in sorted(rng.sample(RATES, rng.randint(0, 2)))
        ],
        confirmed_at=_maybe(rng, _moment(rng)),
        shipped_at=_maybe(rng, _moment(rng)),
        delivered_at=_maybe(rng, _moment(rng)),
        cancelled_at=_moment(rng) if status is SalesOrderStatus.CANCELLED else None,
        invoiced_at=_maybe(rng, _moment(rng)),
        # Ties in the sort key: the id decides.
        created_at=_moment(rng) if rng.random() < 0.8 else datetime(2026, 5, 1, tzinfo=UTC),
        updated_at=_moment(rng),
    )


def _order_line(
    rng: random.Random, order: uuid.UUID, position: int, item: CatalogItem | None
) -> SalesOrderLine:
    quantity = Decimal(rng.randint(0, 10**6)).scaleb(-4)
    return SalesOrderLine(
        order_id=order,
        position=position,
        item_id=item.id if item else None,
        description=rng.choice(TEXTS),
        quantity=quantity,
        unit_price=rng.choice((0, 1, 99, 12_345, 10**13)),
        vat_rate=Decimal(rng.choice(RATES)),
        net=rng.randint(0, 10**9),
        shipped_quantity=rng.choice((Decimal(0), quantity, Decimal("0.5000"))),
        reserved_quantity=rng.choice((Decimal(0), Decimal("1.2500"))),
    )


async def _books(session: Any, rng: random.Random, seed: int) -> None:
    """Accounts of every type (some with a parent, some registered ones already there) and
    balanced transactions in several currencies; some accounts have no lines."""
    accounts: list[Account] = list(await session.scalars(select(Account)))
    for i in range(8):
        account = Account(
            code=f"9{seed}{i:02d}",
            name=rng.choice(TEXTS),
            type=rng.choice(list(AccountType)),
            parent_id=rng.choice([None, *(a.id for a in accounts)]),
            description=_maybe(rng, rng.choice(TEXTS)),
            created_at=_moment(rng),
        )
        session.add(account)
        await session.flush()
        accounts.append(account)
    for _ in range(10):
        transaction = JournalTransaction(
            description=rng.choice(TEXTS),
            currency=rng.choice(CURRENCIES),
            entry_date=_day(rng),
            source=JournalSource.MANUAL,
        )
        session.add(transaction)
        await session.flush()
        amount = rng.choice((1, 12_345, 10**13))
        debit, credit = rng.sample(accounts, 2)
        session.add_all(
            [
                JournalLine(transaction_id=transaction.id, position=1, account_id=debit.id,
                            debit=amount, credit=0, memo=_maybe(rng, "memo ✓")),
                JournalLine(transaction_id=transaction.id, position=2, account_id=credit.id,
                            debit=0, credit=amount),
            ]
        )  # fmt: skip
    await session.flush()


def _expenses(rng: random.Random, parties: list[Party]) -> ExpenseReport:
    """Lines as stored by the use case, and older shapes: keys left out, empty receipt ids."""
    lines: list[dict[str, Any]] = [
        {
            "spent_on": _day(rng).isoformat(),
            "category": rng.choice(("travel", "Repas 🍽", "Hôtel")),
            "description": _maybe(rng, rng.choice(TEXTS)),
            "amount": rng.choice((0, 1234, 10**12)),
            "vat_amount": rng.choice((0, 206)),
            "receipt_file_id": rng.choice((None, "", str(uuid.uuid4()))),
        }
        for _ in range(rng.randint(0, 3))
    ]
    if lines and rng.random() < 0.5:
        lines.append({"spent_on": "2026-02-03", "category": "old", "amount": 5})
    status = rng.choice(list(ExpenseStatus))
    return ExpenseReport(
        employee_id=rng.choice([None, *(p.id for p in parties)]),
        title=rng.choice(TEXTS),
        currency=rng.choice(CURRENCIES),
        status=status,
        lines=lines,
        total=sum(line["amount"] for line in lines),
        vat_total=sum(line.get("vat_amount", 0) for line in lines),
        submitted_at=_maybe(rng, _moment(rng)),
        decided_at=_maybe(rng, _moment(rng)),
        reimbursed_at=_maybe(rng, _moment(rng)),
        rejection_reason=_maybe(rng, "Reçu illisible"),
        created_at=_moment(rng) if rng.random() < 0.7 else datetime(2026, 5, 1, tzinfo=UTC),
    )
