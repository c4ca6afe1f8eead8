"""Agreement mutations (contracts:write). A transition the status does not allow: CONFLICT."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from resolvers.agreements import agreements as cases
from schema.agreements.inputs import (
    CreateAgreementInput,
    DeliveryTermsInput,
    PaymentTermsInput,
    delivery_patch,
    new_agreement,
    payment_patch,
)
from schema.agreements.types import Agreement
from schema.ids import parse_id


@strawberry.type
class AgreementsMutation:
    @strawberry.mutation(description="Create an agreement as a draft.")
    async def create_agreement(
        self, info: strawberry.Info, input: CreateAgreementInput
    ) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            created = await cases.create_agreement(session, ctx.actor, new_agreement(input))
        return Agreement.from_model(created)

    @strawberry.mutation(description="Send a draft for approval.")
    async def submit_agreement(self, info: strawberry.Info, id: strawberry.ID) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.submit_agreement(session, ctx.actor, parse_id(id, "contract"))
        return Agreement.from_model(changed)

    @strawberry.mutation(
        description="Activate a draft or pending agreement, signed at `signedAt` (default now)."
    )
    async def activate_agreement(
        self, info: strawberry.Info, id: strawberry.ID, signed_at: datetime | None = None
    ) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.activate_agreement(
                session, ctx.actor, parse_id(id, "contract"), signed_at
            )
        return Agreement.from_model(changed)

    @strawberry.mutation(description="Terminate an agreement that is not over, with a reason.")
    async def terminate_agreement(
        self, info: strawberry.Info, id: strawberry.ID, reason: str
    ) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.terminate_agreement(
                session, ctx.actor, parse_id(id, "contract"), reason
            )
        return Agreement.from_model(changed)

    @strawberry.mutation(
        description="Move the end date later; CONFLICT once the maximum of renewals is reached."
    )
    async def renew_agreement(
        self, info: strawberry.Info, id: strawberry.ID, new_end_date: date
    ) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.renew_agreement(
                session, ctx.actor, parse_id(id, "contract"), new_end_date
            )
        return Agreement.from_model(changed)

    @strawberry.mutation(
        description="New payment terms (omitted fields kept); earlier terms stay in the history."
    )
    async def replace_payment_terms(
        self, info: strawberry.Info, id: strawberry.ID, input: PaymentTermsInput
    ) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.replace_terms(
                session, ctx.actor, parse_id(id, "contract"), payment_patch(input)
            )
        return Agreement.from_model(changed)

    @strawberry.mutation(
        description="New delivery terms (omitted fields kept); earlier terms stay in the history."
    )
    async def replace_delivery_terms(
        self, info: strawberry.Info, id: strawberry.ID, input: DeliveryTermsInput
    ) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.replace_terms(
                session, ctx.actor, parse_id(id, "contract"), delivery_patch(input)
            )
        return Agreement.from_model(changed)
