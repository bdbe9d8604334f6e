"""What a file is, by its first bytes (never by its name or the client's Content-Type). Pure.

Accepted: PNG, JPEG, GIF, WebP images (shown inline) and PDF documents (offered as a
download). Everything else, SVG and HTML included (they can carry script), is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from handoff import errors

NAME_CHARS = 120


@dataclass(frozen=True)
class FileType:
    """An accepted type: its MIME type, the extension a download gets, ``image`` or ``file``."""

    mime: str
    extension: str
    kind: str  # image: shown inline; file: a link that downloads


PNG = FileType("image/png", "png", "image")
JPEG = FileType("image/jpeg", "jpg", "image")
GIF = FileType("image/gif", "gif", "image")
WEBP = FileType("image/webp", "webp", "image")
PDF = FileType("application/pdf", "pdf", "file")
ACCEPTED = (PNG, JPEG, GIF, WEBP, PDF)


def sniff(data: bytes) -> Optional[FileType]:
    """The type the magic bytes at the start of ``data`` announce, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def check_file(data: bytes, max_bytes: int) -> FileType:
    """The file's type, or a clear refusal: ``empty_file``, ``file_too_large``, ``unsupported_type``."""
    if not data:
        raise errors.EmptyFile()
    if len(data) > max_bytes:
        raise errors.FileTooLarge(too_large_message(max_bytes))
    found = sniff(data)
    if found is None:
        raise errors.UnsupportedType()
    return found


def too_large_message(max_bytes: int) -> str:
    """The refusal of a file over ``max_bytes``, with the limit in words."""
    size = f"{max_bytes / (1024 * 1024):.0f} MB" if max_bytes >= 1024 * 1024 else f"{max(1, max_bytes // 1024)} KB"
    return f"That file is too big to send here; files can be up to {size}."


def clean_name(raw: Optional[str], kind: FileType) -> str:
    """A safe display/download name: no path, no control or quote characters, the right extension.

    The name is the uploader's, shortened; the extension always follows the sniffed type, so a
    ``.html`` name never travels with a PNG.
    """
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f\x7f"<>;]+', "", name).strip().strip(".")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[: NAME_CHARS - len(kind.extension) - 1].strip() or ("photo" if kind.kind == "image" else "document")
    return f"{stem}.{kind.extension}"
