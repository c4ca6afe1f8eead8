"""File enums."""

from __future__ import annotations

import strawberry

from resolvers.files.files import FileSortField as FileSortFieldModel

FileSortField = strawberry.enum(FileSortFieldModel, name="FileSortField")
