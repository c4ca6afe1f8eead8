"""vorgio: team-bound personal access tokens with abilities, snake_case, problem+json errors."""

from rest_compat.vorgio.contract import contract

__all__ = ["contract"]
