"""The printed words of an invoice in German, French and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    invoice: str
    credit_note: str
    cancellation: str  # a credit note that reverses one invoice (Storno)
    quote: str
    draft: str
    number: str
    date: str
    due_date: str
    valid_until: str
    service_period: str
    buyer_reference: str
    buyer_vat: str
    vat_id: str
    registration: str
    refers_to: str  # "{number}", "{date}"
    refers_to_undated: str  # "{number}"
    phone: str
    email: str
    position: str
    description: str
    service_date: str
    quantity: str
    unit_price: str
    vat: str
    amount: str
    subtotal: str
    vat_on: str  # "{rate}", "{base}"
    total: str
    paid: str
    amount_due: str
    please_pay: str  # "{amount}", "{date}"
    please_pay_no_date: str  # "{amount}"
    refund: str  # "{amount}"
    bank_details: str
    payment_reference: str
    reverse_charge: str
    exempt: str
    page: str  # "{page}", "{pages}"
    units: dict[str, str]
    colon: str = ":"  # French sets a (no-break) space before it


GERMAN = Labels(
    invoice="Rechnung",
    credit_note="Gutschrift",
    cancellation="Stornorechnung",
    quote="Angebot",
    draft="ENTWURF",
    number="Nummer",
    date="Datum",
    due_date="Fällig am",
    valid_until="Gültig bis",
    service_period="Leistungszeitraum",
    buyer_reference="Ihre Referenz",
    buyer_vat="Ihre USt-IdNr.",
    vat_id="USt-IdNr.",
    registration="Register",
    refers_to="Bezieht sich auf Rechnung {number} vom {date}",
    refers_to_undated="Bezieht sich auf Rechnung {number}",
    phone="Tel.",
    email="E-Mail",
    position="Pos.",
    description="Beschreibung",
    service_date="Datum",
    quantity="Menge",
    unit_price="Einzelpreis",
    vat="USt.",
    amount="Betrag",
    subtotal="Zwischensumme (netto)",
    vat_on="USt. {rate} auf {base}",
    total="Gesamtbetrag",
    paid="Bereits bezahlt",
    amount_due="Offener Betrag",
    please_pay="Bitte überweisen Sie {amount} bis zum {date}.",
    please_pay_no_date="Bitte überweisen Sie {amount}.",
    refund="Der Betrag von {amount} wird Ihnen erstattet.",
    bank_details="Bankverbindung",
    payment_reference="Verwendungszweck",
    reverse_charge="Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
    exempt="Steuerfreie Leistung.",
    page="Seite {page} von {pages}",
    units={"C62": "Stk.", "H87": "Stk.", "HUR": "Std.", "DAY": "Tag(e)", "MON": "Monat(e)"},
)

FRENCH = Labels(
    invoice="Facture",
    credit_note="Avoir",
    cancellation="Avoir",
    quote="Devis",
    draft="BROUILLON",
    number="Numéro",
    date="Date",
    due_date="Échéance",
    valid_until="Valable jusqu'au",
    service_period="Période de prestation",
    buyer_reference="Votre référence",
    buyer_vat="Votre n° TVA",
    vat_id="N° TVA",
    registration="Immatriculation",
    refers_to="Se rapporte à la facture {number} du {date}",
    refers_to_undated="Se rapporte à la facture {number}",
    phone="Tél.",
    email="E-mail",
    position="N°",
    description="Désignation",
    service_date="Date",
    quantity="Qté",
    unit_price="P.U. HT",
    vat="TVA",
    amount="Montant HT",
    subtotal="Total HT",
    vat_on="TVA {rate} sur {base}",
    total="Total TTC",
    paid="Déjà réglé",
    amount_due="Reste à payer",
    please_pay="Merci de régler {amount} avant le {date}.",
    please_pay_no_date="Merci de régler {amount}.",
    refund="Le montant de {amount} vous sera remboursé.",
    bank_details="Coordonnées bancaires",
    payment_reference="Référence",
    reverse_charge="Autoliquidation : TVA due par le preneur.",
    exempt="Exonération de TVA.",
    page="Page {page} sur {pages}",
    units={"C62": "pce", "H87": "pce", "HUR": "h", "DAY": "jour(s)", "MON": "mois"},
    colon="\u00a0:",
)

ENGLISH = Labels(
    invoice="Invoice",
    credit_note="Credit note",
    cancellation="Credit note",
    quote="Quote",
    draft="DRAFT",
    number="Number",
    date="Date",
    due_date="Due date",
    valid_until="Valid until",
    service_period="Service period",
    buyer_reference="Your reference",
    buyer_vat="Your VAT ID",
    vat_id="VAT ID",
    registration="Registration",
    refers_to="Refers to invoice {number} of {date}",
    refers_to_undated="Refers to invoice {number}",
    phone="Phone",
    email="Email",
    position="Pos.",
    description="Description",
    service_date="Date",
    quantity="Qty",
    unit_price="Unit price",
    vat="VAT",
    amount="Amount",
    subtotal="Subtotal (net)",
    vat_on="VAT {rate} on {base}",
    total="Total",
    paid="Paid",
    amount_due="Amount due",
    please_pay="Please transfer {amount} by {date}.",
    please_pay_no_date="Please transfer {amount}.",
    refund="The amount of {amount} will be refunded to you.",
    bank_details="Bank details",
    payment_reference="Reference",
    reverse_charge="Reverse charge: VAT to be accounted for by the recipient.",
    exempt="VAT exempt supply.",
    page="Page {page} of {pages}",
    units={"C62": "pc", "H87": "pc", "HUR": "h", "DAY": "day(s)", "MON": "month(s)"},
)

_BY_LANGUAGE = {"de": GERMAN, "fr": FRENCH, "en": ENGLISH}


def labels_for(language: str) -> Labels:
    """Labels of the document language; English for a language we do not print yet."""
    return _BY_LANGUAGE.get(language, ENGLISH)


def document_title(labels: Labels, kind: str, refers_to_invoice: bool) -> str:
    if kind == "quote":
        return labels.quote
    if kind == "credit_note":
        return labels.cancellation if refers_to_invoice else labels.credit_note
    return labels.invoice


def unit_label(labels: Labels, unit_code: str) -> str:
    return labels.units.get(unit_code, unit_code)
