"""Test set-up helpers that create rows through the real use cases."""

from __future__ import annotations

from models import Mode
from resolvers.identity.api_keys import ensure_partner, issue_partner_key
from tests.conftest import App


async def partner_key(app: App, partner: str = "Qualibox", mode: Mode = Mode.TEST) -> str:
    """A fresh master key (`sk_qbx_{mode}_…`) of the named partner."""
    async with app.asgi.state.db.platform() as session:
        found = await ensure_partner(session, partner)
        created = await issue_partner_key(session, found, mode)
    return created.raw.raw
