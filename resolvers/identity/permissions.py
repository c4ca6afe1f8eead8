"""`resource:action` permissions with `*` wildcards, and the default roles."""

from __future__ import annotations

from collections.abc import Iterable

SUPER_ADMIN = "super_admin"

DEFAULT_ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    SUPER_ADMIN: ("Full access to everything", ("*:*",)),
    "admin": (
        "Administrator",
        (
            "users:read",
            "users:write",
            "roles:read",
            "roles:manage",
            "invoices:*",
            "orders:*",
            "accounting:*",
            "inventory:*",
            "catalog:*",
            "files:*",
            "notifications:*",
            "audit:read",
            "parties:read",
            "parties:write",
            "countries:read",
            "countries:write",
            "messenger:read",
            "messenger:write",
            "customers:*",
            "organization:*",
            "api_keys:*",
            "contracts:*",
        ),
    ),
    "viewer": (
        "Read-only access",
        (
            "users:read",
            "invoices:read",
            "orders:read",
            "inventory:read",
            "catalog:read",
            "files:read",
            "notifications:read",
            "parties:read",
            "countries:read",
            "messenger:read",
            "customers:read",
            "contracts:read",
        ),
    ),
}


def _part_matches(granted: str, wanted: str) -> bool:
    return granted in ("*", wanted)


def grants(granted: str, wanted: str) -> bool:
    """Whether a granted permission covers the wanted one (`invoices:*` covers `invoices:read`)."""
    g_res, _, g_act = granted.partition(":")
    w_res, _, w_act = wanted.partition(":")
    return _part_matches(g_res, w_res) and _part_matches(g_act or "*", w_act)


def allowed(permissions: Iterable[str], wanted: str) -> bool:
    return any(grants(p, wanted) for p in permissions)


def is_valid_permission(value: str) -> bool:
    resource, sep, action = value.partition(":")
    return bool(sep and resource and action and ":" not in action)
