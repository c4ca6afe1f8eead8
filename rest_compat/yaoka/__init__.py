"""yaoka: partner master keys and per-org keys, camelCase, `{error, message}` errors."""

from rest_compat.yaoka.contract import contract

__all__ = ["contract"]
