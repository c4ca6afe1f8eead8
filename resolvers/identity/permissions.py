"""`resource:action` permissions with `*` wildcards, and the default roles."""

from __future__ import annotations

from collections.abc import Iterable

SUPER_ADMIN = "super_admin"
READ = "read"
WRITE = "write"
EVERYTHING = "*:*"

# Areas whose names are shared by role permissions (`invoices:*`), the domains' access checks
# and personal access token abilities.
INVOICES = "invoices"
ORDERS = "orders"
ACCOUNTING = "accounting"
INVENTORY = "inventory"
CATALOG = "catalog"
# A personal access token reaches an area's use cases only with the matching ability
# (`<area>:read`, `<area>:write`), on top of its user's permissions. Besides the areas above,
# vorgio's own words: clients (customers), team (users and roles), checkouts; offers and
# recurring are accepted and covered by invoices.
TOKEN_AREAS: tuple[str, ...] = (
    "clients",
    "offers",
    "recurring",
    "checkouts",
    "team",
    INVOICES,
    ORDERS,
    ACCOUNTING,
    INVENTORY,
    CATALOG,
)
TOKEN_ABILITIES: frozenset[str] = frozenset(
    f"{area}:{action}" for area in TOKEN_AREAS for action in (READ, WRITE)
)
"""Every ability a token can be given by name (`comptoir bootstrap`'s token has them all)."""
KNOWN_ABILITIES: frozenset[str] = TOKEN_ABILITIES | {EVERYTHING}
"""What a personal access token may carry: the named abilities, or everything."""

DEFAULT_ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    SUPER_ADMIN: ("Full access to everything", (EVERYTHING,)),
    "admin": (
        "Administrator",
        (
            "users:read",
            "users:write",
            "roles:read",
            "roles:manage",
            f"{INVOICES}:*",
            f"{ORDERS}:*",
            f"{ACCOUNTING}:*",
            f"{INVENTORY}:*",
            f"{CATALOG}:*",
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
            f"{INVOICES}:{READ}",
            f"{ORDERS}:{READ}",
            f"{INVENTORY}:{READ}",
            f"{CATALOG}:{READ}",
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
