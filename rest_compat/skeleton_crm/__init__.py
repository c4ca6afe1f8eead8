"""skeleton-crm: JWT auth from /auth/login, role permissions, `{error, message, details}` errors."""

from rest_compat.skeleton_crm.contract import contract

__all__ = ["contract"]
