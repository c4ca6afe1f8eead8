"""Field validation that collects every problem before failing, so callers fix them at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import email_validator
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from resolvers.errors import BadUserInput

# Addresses people really use include special-use domains (`admin@comptoir.local`, a company's
# `.internal` mail, `.test` fixtures): any syntactically valid address is accepted. The library
# documents this list as the knob for it; we check syntax only (no DNS, no deliverability).
email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()


def graphql_name(name: str) -> str:
    """A use case's snake_case field as GraphQL (and error details) name it: `due_date` ->
    `dueDate`."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


MAX_SEARCH = 200


class FieldErrors:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self, message: str = "Invalid input") -> None:
        if self.errors:
            raise BadUserInput(message, fields=self.errors)

    def ids(
        self, field: str, values: Sequence[str], message: str = "is not a valid id"
    ) -> list[uuid.UUID]:
        """The ids given, in their order without repeats; a malformed one is named by its
        index (`member_ids.2`) and left out."""
        parsed: list[uuid.UUID] = []
        for index, value in enumerate(values):
            try:
                found = uuid.UUID(str(value))
            except ValueError:
                self.add(f"{field}.{index}", message)
                continue
            if found not in parsed:
                parsed.append(found)
        return parsed

    def required(self, field: str, value: str | None, max_length: int = 200) -> str:
        if value is None or not value.strip():
            self.add(field, "is required")
            return ""
        return self.text(field, value, max_length) or ""

    def text(self, field: str, value: str | None, max_length: int = 200) -> str | None:
        """Trimmed text that fits its column; NUL bytes are refused: PostgreSQL cannot store them"""
        if value is None:
            return None
        text = value.strip()
        if len(text) > max_length:
            self.add(field, f"must be at most {max_length} characters")
        elif "\x00" in text:
            self.add(field, "must not contain NUL characters")
        return text

    def optional(self, field: str, value: str | None, max_length: int = 200) -> str | None:
        """Like `text`, with an empty or blank value meaning "no value" (None)."""
        return self.text(field, value, max_length) or None

    def email(self, field: str, value: str | None) -> str:
        text = self.required(field, value, max_length=320)
        if not text:
            return ""
        try:
            # Syntax only: no DNS lookups (the server may run without network access), and
            # dotless or special-use domains are fine (`admin@localhost`, `a@skeleton.local`).
            valid = validate_email(text, check_deliverability=False, globally_deliverable=False)
            return valid.normalized.lower()
        except EmailNotValidError:
            self.add(field, "Invalid email format")
            return text

    def siret(self, field: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return str(stdnum_siret.validate(value))
        except StdnumError:
            self.add(field, "Invalid SIRET")
            return value

    def password(self, field: str, value: str | None) -> str:
        if value is None or len(value) < 8:
            self.add(field, "must be at least 8 characters")
            return ""
        if len(value) > 256:
            self.add(field, "must be at most 256 characters")
        return value


def search_pattern(search: str | None) -> str | None:
    """An ILIKE pattern (escape `\\`) matching the search text anywhere, None for no search;
    too long a text or a NUL character (PostgreSQL refuses it) is a bad input."""
    errors = FieldErrors()
    text = errors.text("search", search, MAX_SEARCH)
    errors.raise_if_any()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
