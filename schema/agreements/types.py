"""Agreement types: thin views over the ORM rows; party, creator, terms history and renewals
come from dataloaders (a fixed number of statements per page)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from models import Agreement as AgreementModel
from models import AgreementRenewal as RenewalModel
from models import AgreementStatus as AgreementStatusModel
from models import AgreementTerms as TermsModel
from models import AgreementType as AgreementTypeModel
from models import DeliveryType as DeliveryTypeModel
from models import PaymentType as PaymentTypeModel
from models import TermsKind
from models.agreements import DeliveryTermsColumns, PaymentTermsColumns
from resolvers.agreements.validity import end_date, start_date
from schema.customers.types import Customer
from schema.identity.types import User
from schema.loaders import loaders
from schema.parties.types import Party
from schema.scalars import Int64

AgreementType = strawberry.enum(AgreementTypeModel, name="AgreementType")
AgreementStatus = strawberry.enum(AgreementStatusModel, name="AgreementStatus")
PaymentType = strawberry.enum(PaymentTypeModel, name="PaymentType")
DeliveryType = strawberry.enum(DeliveryTypeModel, name="DeliveryType")

AgreementParty = Annotated[
    Party | Customer,
    strawberry.union("AgreementParty", description="A supplier, partner, employee or customer."),
]


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


async def _user(info: strawberry.Info, user_id: uuid.UUID | None) -> User | None:
    if user_id is None:
        return None
    ctx = info.context
    found = await loaders(ctx.db, ctx.tenant).users.load(user_id)
    return User.from_model(found) if found else None


@strawberry.type
class PaymentTerms:
    payment_type: PaymentType | None  # type: ignore[valid-type]
    credit_days: int | None
    penalty_rate: Decimal | None = strawberry.field(description="Percent.")
    discount_rate: Decimal | None = strawberry.field(description="Percent.")
    currency: str | None

    @classmethod
    def from_model(cls, row: PaymentTermsColumns) -> PaymentTerms:
        return cls(
            payment_type=row.payment_type,
            credit_days=row.credit_days,
            penalty_rate=row.penalty_rate,
            discount_rate=row.discount_rate,
            currency=row.payment_currency,
        )


@strawberry.type
class DeliveryTerms:
    delivery_type: DeliveryType | None  # type: ignore[valid-type]
    estimated_days: int | None
    shipping_cost: Int64 | None = strawberry.field(description="Minor units.")
    insurance: bool | None
    shipping_currency: str | None

    @classmethod
    def from_model(cls, row: DeliveryTermsColumns) -> DeliveryTerms:
        return cls(
            delivery_type=row.delivery_type,
            estimated_days=row.estimated_days,
            shipping_cost=row.shipping_cost,  # type: ignore[arg-type]
            insurance=row.insurance,
            shipping_currency=row.shipping_currency,
        )


@strawberry.type(description="Inclusive dates; no end date: until terminated.")
class ValidityPeriod:
    start_date: date
    end_date: date | None


@strawberry.type(description="One adopted version of the terms (the agreement's version then).")
class TermsVersion:
    version: int
    adopted_at: datetime
    adopted_by_id: strawberry.ID | None
    row: strawberry.Private[TermsModel]

    @strawberry.field
    async def adopted_by(self, info: strawberry.Info) -> User | None:
        return await _user(info, self.row.adopted_by_id)


@strawberry.type
class PaymentTermsVersion(TermsVersion):
    terms: PaymentTerms


@strawberry.type
class DeliveryTermsVersion(TermsVersion):
    terms: DeliveryTerms


@strawberry.type(description="A renewal: by hand, or by the renewal job (automatic).")
class AgreementRenewal:
    previous_end_date: date
    new_end_date: date
    automatic: bool
    renewed_at: datetime
    renewed_by_id: strawberry.ID | None
    version: int = strawberry.field(description="The agreement's version after this renewal.")

    @classmethod
    def from_model(cls, row: RenewalModel) -> AgreementRenewal:
        return cls(
            previous_end_date=row.previous_end_date,
            new_end_date=row.new_end_date,
            automatic=row.automatic,
            renewed_at=row.renewed_at,
            renewed_by_id=_id(row.renewed_by_id),
            version=row.agreement_version,
        )


@strawberry.type(description="An agreement (a contract) with a party.")
class Agreement:
    id: strawberry.ID
    type: AgreementType  # type: ignore[valid-type]
    status: AgreementStatus  # type: ignore[valid-type]
    party_id: strawberry.ID
    payment_terms: PaymentTerms
    delivery_terms: DeliveryTerms
    validity_period: ValidityPeriod
    credit_limit: Int64 = strawberry.field(description="Minor units; 0 means no limit.")
    currency: str | None
    auto_renewal: bool
    renewal_period_days: int | None
    renewal_count: int
    max_renewals: int | None = strawberry.field(description="null: no maximum.")
    version: int = strawberry.field(description="Increases with every change.")
    created_by_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None
    terminated_at: datetime | None
    termination_reason: str | None
    expired_at: datetime | None
    model: strawberry.Private[AgreementModel]

    @classmethod
    def from_model(cls, row: AgreementModel) -> Agreement:
        party = row.party_id or row.customer_id
        assert party is not None
        return cls(
            id=strawberry.ID(str(row.id)),
            type=row.type,
            status=row.status,
            party_id=strawberry.ID(str(party)),
            payment_terms=PaymentTerms.from_model(row),
            delivery_terms=DeliveryTerms.from_model(row),
            validity_period=ValidityPeriod(
                start_date=start_date(row.validity), end_date=end_date(row.validity)
            ),
            credit_limit=row.credit_limit,  # type: ignore[arg-type]
            currency=row.currency,
            auto_renewal=row.auto_renewal,
            renewal_period_days=row.renewal_period_days,
            renewal_count=row.renewal_count,
            max_renewals=row.max_renewals,
            version=row.version,
            created_by_id=_id(row.created_by_id),
            created_at=row.created_at,
            updated_at=row.updated_at,
            signed_at=row.signed_at,
            terminated_at=row.terminated_at,
            termination_reason=row.termination_reason,
            expired_at=row.expired_at,
            model=row,
        )

    @strawberry.field(description="The supplier, partner, employee or customer.")
    async def party(self, info: strawberry.Info) -> AgreementParty | None:
        ctx = info.context
        found = loaders(ctx.db, ctx.tenant)
        if self.model.party_id is not None:
            party = await found.parties.load(self.model.party_id)
            return Party.from_model(party) if party else None
        assert self.model.customer_id is not None
        customer = await found.customers.load(self.model.customer_id)
        return Customer.from_model(customer) if customer else None

    @strawberry.field
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await _user(info, self.model.created_by_id)

    @strawberry.field(description="Every adopted version of the payment terms, oldest first.")
    async def payment_terms_history(self, info: strawberry.Info) -> list[PaymentTermsVersion]:
        ctx = info.context
        rows = await loaders(ctx.db, ctx.tenant).agreement_terms.load(
            (self.model.id, TermsKind.PAYMENT)
        )
        return [
            PaymentTermsVersion(
                version=r.agreement_version,
                adopted_at=r.adopted_at,
                adopted_by_id=_id(r.adopted_by_id),
                row=r,
                terms=PaymentTerms.from_model(r),
            )
            for r in rows
        ]

    @strawberry.field(description="Every adopted version of the delivery terms, oldest first.")
    async def delivery_terms_history(self, info: strawberry.Info) -> list[DeliveryTermsVersion]:
        ctx = info.context
        rows = await loaders(ctx.db, ctx.tenant).agreement_terms.load(
            (self.model.id, TermsKind.DELIVERY)
        )
        return [
            DeliveryTermsVersion(
                version=r.agreement_version,
                adopted_at=r.adopted_at,
                adopted_by_id=_id(r.adopted_by_id),
                row=r,
                terms=DeliveryTerms.from_model(r),
            )
            for r in rows
        ]

    @strawberry.field(description="Renewals, oldest first.")
    async def renewals(self, info: strawberry.Info) -> list[AgreementRenewal]:
        ctx = info.context
        rows = await loaders(ctx.db, ctx.tenant).agreement_renewals.load(self.model.id)
        return [AgreementRenewal.from_model(r) for r in rows]
