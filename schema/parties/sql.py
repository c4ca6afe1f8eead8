"""SQL forms of the party types and root fields (compiled plans, `schema.compiled`)."""

from __future__ import annotations

from models import Party as PartyModel
from schema.compiled.forms import Embedded, Forms, PagedRoot, SingleRoot, columns
from schema.parties.queries import parties_listing, party_by_id

PARTY_FORMS = Forms(
    types={
        "Party": {
            **columns(
                "id",
                "kind",
                "status",
                "name",
                "email",
                "tax_id",
                "phone",
                "website",
                "position",
                "created_at",
                "updated_at",
            ),
            "address": Embedded(),
        },
        # The party's own address columns (`country` is read by a loader: not compiled).
        "Address": columns("street", "city", "region", "postal_code", "country_id"),
    },
    roots={
        "parties": PagedRoot(PartyModel, parties_listing),
        "party": SingleRoot(PartyModel, party_by_id),
    },
)
