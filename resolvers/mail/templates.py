"""Invoice mail texts in the recipient's language (de, fr, en; anything else gets English).

The subject and body the caller wrote are used as they are; the defaults below fill in what
they left out. Amounts and dates are formatted for the language by babel.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from babel.dates import format_date
from babel.numbers import format_currency

from resolvers.invoicing.rendering import InvoiceDocument

__all__ = ["MailText", "invoice_mail_text"]

_LOCALES: Final = {"de": "de_DE", "fr": "fr_FR", "en": "en_GB"}

_WORDS: Final = {
    "de": {"invoice": "Rechnung", "credit_note": "Gutschrift", "quote": "Angebot"},
    "fr": {"invoice": "Facture", "credit_note": "Avoir", "quote": "Devis"},
    "en": {"invoice": "Invoice", "credit_note": "Credit note", "quote": "Quote"},
}
_SUBJECT: Final = {
    "de": "{word} {number} von {seller}",
    "fr": "{word} {number} de {seller}",
    "en": "{word} {number} from {seller}",
}
_BODY: Final = {
    "de": "Guten Tag,\n\nanbei erhalten Sie {word_article} {number} über {total}{due}.\n\n"
    "Mit freundlichen Grüßen\n{seller}",
    "fr": "Bonjour,\n\nveuillez trouver ci-joint {word_article} {number} d'un montant de "
    "{total}{due}.\n\nCordialement,\n{seller}",
    "en": "Hello,\n\nplease find attached {word_article} {number} for {total}{due}.\n\n"
    "Kind regards,\n{seller}",
}
_ARTICLE: Final = {
    "de": {
        "invoice": "unsere Rechnung",
        "credit_note": "unsere Gutschrift",
        "quote": "unser Angebot",
    },
    "fr": {"invoice": "notre facture", "credit_note": "notre avoir", "quote": "notre devis"},
    "en": {"invoice": "our invoice", "credit_note": "our credit note", "quote": "our quote"},
}
_DUE: Final = {"de": ", fällig am {date}", "fr": ", à régler avant le {date}", "en": ", due {date}"}


@dataclass(frozen=True)
class MailText:
    language: str
    subject: str
    body: str
    file_stem: str  # "Rechnung-RE-2026-0001"


def invoice_mail_text(document: InvoiceDocument, subject: str | None, body: str | None) -> MailText:
    language = document.language if document.language in _LOCALES else "en"
    locale = _LOCALES[language]
    word = _WORDS[language].get(document.kind, _WORDS[language]["invoice"])
    number = document.number or ""
    seller = document.seller.name
    total = format_currency(
        Decimal(document.total_minor).scaleb(-2), document.currency, locale=locale
    )
    due = (
        _DUE[language].format(date=format_date(document.due_date, "long", locale=locale))
        if document.due_date
        else ""
    )
    values = {
        "word": word,
        "word_article": _ARTICLE[language].get(document.kind, _ARTICLE[language]["invoice"]),
        "number": number,
        "seller": seller,
        "total": total,
        "due": due,
    }
    return MailText(
        language=language,
        subject=subject or _SUBJECT[language].format(**values),
        body=body or _BODY[language].format(**values),
        file_stem=f"{word.replace(' ', '-')}-{number}".rstrip("-"),
    )
