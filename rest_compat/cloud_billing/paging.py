"""cloud-billing lists: `limit` (1-100, default 100) and `offset` in, `{data, meta}` out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, Field

from rest_compat.engine import RestInputError, RestRequest
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import QueryInteger, Text, refuse

DEFAULT_LIMIT = 100
MAX_LIMIT = 100
# GraphQL `Int` is 32-bit: a larger offset could not even be sent (and no list is that long).
MAX_OFFSET = 2**31 - 1
T = TypeVar("T")


class ListQuery(ContractModel):
    """`limit` and `offset`, as GraphQL `first` and `offset`."""

    limit: QueryInteger = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: QueryInteger = Field(default=0, ge=0, le=MAX_OFFSET)

    def window(self) -> dict[str, int]:
        return {"first": self.limit, "offset": self.offset}


class ListMeta(BaseModel):
    """`total` is not in the contract's ListMeta: it tells clients when to stop paging."""

    total: int
    limit: int
    offset: int
    status: list[str] | None = Field(default=None, description="Echo of the status filter")


class Listed(BaseModel, Generic[T]):
    data: list[T]
    meta: ListMeta


def listed(
    connection: dict[str, Any], request: RestRequest, item: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """A GraphQL connection (`nodes`, `totalCount`) as `{data, meta}`."""
    known = {name: value for name, value in request.query.items() if name in ("limit", "offset")}
    page = ListQuery.model_validate({k: v for k, v in known.items() if v != ""})
    return {
        "data": [item(node) for node in connection["nodes"]],
        "meta": {"total": connection["totalCount"], "limit": page.limit, "offset": page.offset},
    }


@dataclass(frozen=True)
class StatusFilter:
    """`status`, repeated or comma-separated: the contract's words -> domain statuses."""

    statuses: Mapping[str, Sequence[str]]

    def _words(self, raw: str) -> list[str]:
        words: list[str] = []
        for part in raw.split(","):
            word = part.strip()
            if word and word not in words:
                words.append(word)
        return words

    def _check(self, raw: str) -> str:
        for word in self._words(raw):
            if word not in self.statuses:
                *first, last = self.statuses
                known = f"{', '.join(first)} or {last}" if first else last
                raise refuse(f"unknown status {word!r}: use {known}")
        return raw

    @property
    def type(self) -> Any:
        """The query model's field type (the model sees one value; `words` reads them all)."""
        return Annotated[Text, AfterValidator(self._check)]

    def words(self, request: RestRequest) -> list[str]:
        """Every word of every `status` given, in order, without repeats; 400 if unknown."""
        words: list[str] = []
        for raw in request.query.getlist("status"):
            try:
                self._check(raw)
            except ValueError as exc:  # the PydanticCustomError of `refuse`
                raise RestInputError("Invalid input", {"status": str(exc)}) from None
            words += [word for word in self._words(raw) if word not in words]
        return words

    def variables(self, request: RestRequest) -> list[str] | None:
        """The domain statuses asked for (None: all)."""
        found = [status for word in self.words(request) for status in self.statuses[word]]
        return found or None

    def listed(self, body: dict[str, Any], request: RestRequest) -> dict[str, Any]:
        """`meta.status` echoes the filter, as the contract's ListMeta says."""
        words = self.words(request)
        if words:
            body["meta"]["status"] = words
        return body
