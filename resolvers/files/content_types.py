"""Which files may be uploaded: known types by extension, each checked on its first bytes.

The type is taken from the file name's extension (what the client says the type is counts for
nothing), and the first bytes must look like that type, so a renamed executable is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

HEAD_SIZE = 8192  # bytes inspected; text checks stop here too


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signatures)


def _pdf(head: bytes) -> bool:
    # Readers accept the header anywhere in the first kilobyte.
    return b"%PDF-" in head[:1024]


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


# Bytes that never appear in text (NUL and most C0 controls; tab, newlines, form feed and
# escape do). Text in any 8-bit or UTF-8 encoding passes, binaries almost never do.
_BINARY_BYTES: Final = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | {0x1C, 0x1D}


def _text(head: bytes) -> bool:
    return not _BINARY_BYTES.intersection(head)


def _text_starting(*openers: str) -> Callable[[bytes], bool]:
    def check(head: bytes) -> bool:
        stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return _text(head) and stripped[:1].decode("latin-1") in openers

    return check


_ZIP = _starts(b"PK\x03\x04")  # OOXML and OpenDocument files are zip archives
_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # legacy Office documents


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    matches: Callable[[bytes], bool] = field(compare=False)


KINDS: Final = (
    FileKind("application/pdf", ("pdf",), _pdf),
    FileKind("image/png", ("png",), _starts(b"\x89PNG\r\n\x1a\n")),
    FileKind("image/jpeg", ("jpg", "jpeg"), _starts(b"\xff\xd8\xff")),
    FileKind("image/gif", ("gif",), _starts(b"GIF87a", b"GIF89a")),
    FileKind("image/webp", ("webp",), _webp),
    FileKind("text/plain", ("txt",), _text),
    FileKind("text/csv", ("csv",), _text),
    FileKind("application/json", ("json",), _text_starting("{", "[")),
    FileKind("application/xml", ("xml",), _text_starting("<")),
    FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
        _ZIP,
    ),
    FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), _ZIP),
    FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
        _ZIP,
    ),
    FileKind("application/vnd.oasis.opendocument.text", ("odt",), _ZIP),
    FileKind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), _ZIP),
    FileKind("application/zip", ("zip",), _ZIP),
    FileKind("application/msword", ("doc",), _OLE),
    FileKind("application/vnd.ms-excel", ("xls",), _OLE),
)
BY_CONTENT_TYPE: Final = {kind.content_type: kind for kind in KINDS}
BY_EXTENSION: Final = {ext: kind for kind in KINDS for ext in kind.extensions}

# Archives and legacy Office files (macros) are known but off unless configured.
DEFAULT_CONTENT_TYPES: Final = tuple(
    kind.content_type
    for kind in KINDS
    if kind.content_type
    not in ("application/zip", "application/msword", "application/vnd.ms-excel")
)
DEFAULT_MAX_UPLOAD_BYTES: Final = 25 * 1024 * 1024


@dataclass(frozen=True)
class UploadPolicy:
    """What an upload may be: at most `max_bytes`, one of `content_types`."""

    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    content_types: frozenset[str] = frozenset(DEFAULT_CONTENT_TYPES)

    @classmethod
    def of(cls, max_bytes: int, content_types: Iterable[str]) -> UploadPolicy:
        """A policy from configuration; unknown types are refused (they cannot be checked)."""
        wanted = frozenset(t.strip().lower() for t in content_types)
        unknown = sorted(wanted - BY_CONTENT_TYPE.keys())
        if unknown:
            known = ", ".join(sorted(BY_CONTENT_TYPE))
            raise ValueError(f"unknown upload content types {unknown}; known: {known}")
        if max_bytes < 1:
            raise ValueError("the upload size limit must be positive")
        return cls(max_bytes=max_bytes, content_types=wanted)

    def kind_for(self, extension: str) -> FileKind | None:
        """The allowed kind of a file with this (lower-case) extension, if any."""
        kind = BY_EXTENSION.get(extension)
        return kind if kind is not None and kind.content_type in self.content_types else None


def human_size(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"
