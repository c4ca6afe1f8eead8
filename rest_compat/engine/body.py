"""Reading a request body, refused early: size while reading, media type, JSON syntax, depth.

Every refusal is a `BodyRefused` the contract renders in its own error body:
- 413 when the body is larger than the route's limit (`Content-Length` or counted while
  reading the ASGI stream, so chunked bodies too), before anything is parsed or stored;
- 415 when a JSON route gets anything but `application/json` (or `…+json`), or an upload
  route anything but `multipart/form-data`;
- BAD_USER_INPUT (400, or what the contract maps it to) for malformed JSON, JSON nested
  deeper than `MAX_DEPTH`, `NaN`/`Infinity`, a string holding a lone UTF-16 surrogate (no
  database stores one), an integer beyond int64, or a multipart body without a boundary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from rest_compat.engine.values import INT64_MAX, INT64_MIN, has_lone_surrogate

MAX_DEPTH = 32
MAX_FORM_FIELDS = 100
MAX_FORM_FILES = 10


class BodyRefused(Exception):
    """The body is refused before it is parsed (or right after): status and engine code."""

    def __init__(
        self, status: int, code: str, message: str, fields: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})


def too_large(limit: int) -> BodyRefused:
    return BodyRefused(413, "PAYLOAD_TOO_LARGE", f"Request body is larger than {limit} bytes")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json(media: str) -> bool:
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def read_body(request: Request, limit: int, *, upload: bool) -> Any:
    """The parsed body: None when empty (or GET/HEAD), a JSON value (fractions as `Decimal`,
    never `float`), or for upload routes a dict of text fields and `UploadFile`s."""
    if request.method in ("GET", "HEAD"):
        return None
    raw = await _read_limited(request, limit)
    if not raw.strip():
        return None
    media = media_type(request)
    if upload:
        if media != "multipart/form-data":
            raise BodyRefused(
                415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be multipart/form-data"
            )
        return await _form_body(request, raw, limit)
    if not is_json(media):
        raise BodyRefused(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json")
    try:
        body = json.loads(raw, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise BodyRefused(400, "BAD_USER_INPUT", "Request body is not valid JSON") from exc
    check_json(body)
    return body


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    request._body = raw  # the form parser reads it from here
    return raw


class _NotFinite:
    """`NaN`, `Infinity` or `-Infinity` in a body (not JSON): refused on its field."""


_NOT_FINITE = _NotFinite()


def _no_constant(_: str) -> Any:
    return _NOT_FINITE


def _too_deep() -> BodyRefused:
    return BodyRefused(
        400, "BAD_USER_INPUT", f"Request body is nested deeper than {MAX_DEPTH} levels"
    )


def check_json(body: Any) -> None:
    """Depth, lone surrogates (in keys too) and int64 range, over the whole parsed body."""
    problems: dict[str, str] = {}
    pending: list[tuple[Any, str, int]] = [(body, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            for key, item in value.items():
                where = f"{path}.{key}" if path else key
                if has_lone_surrogate(key):
                    problems.setdefault(path or "body", "must be valid Unicode text")
                    continue
                pending.append((item, where, depth + 1))
        elif isinstance(value, list):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            pending.extend(
                (item, f"{path}.{i}" if path else str(i), depth + 1) for i, item in enumerate(value)
            )
        elif isinstance(value, str):
            if has_lone_surrogate(value):
                problems.setdefault(path or "body", "must be valid Unicode text")
        elif value is _NOT_FINITE:
            problems.setdefault(path or "body", "must be a finite number")
        elif isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            problems.setdefault(path or "body", "is out of range")
    if problems:
        raise BodyRefused(400, "BAD_USER_INPUT", "Invalid input", problems)


async def _form_body(request: Request, raw: bytes, limit: int) -> dict[str, Any]:
    """A multipart body as a dict: text fields as strings, files as `UploadFile`s; a repeated
    name (`cc[]`, `attachments[]`) becomes a list under the name without its brackets."""
    try:
        form = await request.form(
            max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS, max_part_size=limit
        )
    except (MultiPartException, HTTPException) as exc:
        detail = exc.message if isinstance(exc, MultiPartException) else exc.detail
        raise BodyRefused(400, "BAD_USER_INPUT", f"Invalid multipart body: {detail}") from exc
    body: dict[str, Any] = {}
    for name in form:
        values = form.getlist(name)
        for value in values:
            if isinstance(value, str) and has_lone_surrogate(value):
                raise BodyRefused(
                    400, "BAD_USER_INPUT", "Invalid input", {name: "must be valid Unicode text"}
                )
        if name.endswith("[]"):
            body[name[:-2]] = list(values)
        else:
            body[name] = values[0] if len(values) == 1 else list(values)
    return body
