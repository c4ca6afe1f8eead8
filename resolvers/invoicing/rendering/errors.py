"""Why an e-invoice could not be produced. All are ValueErrors: the snapshot is at fault."""

from __future__ import annotations


class EInvoiceError(ValueError):
    """The document cannot be expressed as this e-invoice."""


class EInvoiceNotApplicable(EInvoiceError):
    """Quotes and drafts have no e-invoice form."""


class EInvoiceIncomplete(EInvoiceError):
    """Business terms the format requires are missing; `missing` names them (BT-10, ...)."""

    def __init__(self, format_name: str, missing: dict[str, str]) -> None:
        self.format_name = format_name
        self.missing = dict(missing)
        listed = "; ".join(f"{term} ({what})" for term, what in self.missing.items())
        super().__init__(f"{format_name} needs: {listed}")


class EInvoiceInconsistent(EInvoiceError):
    """The snapshot's amounts break an EN 16931 calculation rule (BR-CO-10, BR-CO-15, ...)."""


class EInvoiceSchemaError(EInvoiceError):
    """The XML does not validate against the CII schema; `errors` are the schema messages."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("CII XML is not schema-valid: " + "; ".join(self.errors[:5]))
