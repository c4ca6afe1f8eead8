"""cloud-billing: Bearer JWT + `x-tenant-slug`, snake_case, decimals, `{data, meta}` lists."""

from rest_compat.cloud_billing.contract import contract

__all__ = ["contract"]
