"""Customer mutations (customers:write)."""

from __future__ import annotations

import strawberry

from resolvers.customers import customers as cases
from schema.customers.enums import CustomerStatus
from schema.customers.inputs import CreateCustomerInput, UpdateCustomerInput, to_patch
from schema.customers.types import Customer
from schema.ids import parse_id


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(description="Create a customer.")
    async def create_customer(self, info: strawberry.Info, input: CreateCustomerInput) -> Customer:
        ctx = info.context
        async with ctx.session() as session:
            created = await cases.create_customer(session, ctx.actor, to_patch(input))
        return Customer.from_model(created)

    @strawberry.mutation(
        description="Change a customer: omitted fields keep their value, null clears them."
    )
    async def update_customer(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateCustomerInput
    ) -> Customer:
        ctx = info.context
        async with ctx.session() as session:
            updated = await cases.update_customer(
                session, ctx.actor, parse_id(id, "customer"), to_patch(input)
            )
        return Customer.from_model(updated)

    @strawberry.mutation(
        description="Soft-delete a customer: it leaves every list and lookup, documents keep "
        "it. CONFLICT when a retention rule keeps it."
    )
    async def delete_customer(self, info: strawberry.Info, id: strawberry.ID) -> Customer:
        ctx = info.context
        async with ctx.session() as session:
            deleted = await cases.delete_customer(session, ctx.actor, parse_id(id, "customer"))
        return Customer.from_model(deleted)

    @strawberry.mutation(description="Activate or deactivate a customer.")
    async def set_customer_status(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        status: CustomerStatus,  # type: ignore[valid-type]
    ) -> Customer:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.set_customer_status(
                session, ctx.actor, parse_id(id, "customer"), status
            )
        return Customer.from_model(changed)
