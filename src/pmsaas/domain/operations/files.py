"""Uploads: what we accept is decided by the bytes (magic numbers), never by the file name."""

from __future__ import annotations

import re

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def sniff_content_type(data: bytes) -> str | None:
    """The content type of an allowed file from its first bytes, or None when not allowed."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return "image/heic"
    return None


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(raw: str, content_type: str) -> str:
    """A display name without paths or control characters, with the extension the bytes deserve."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")[:120] or "file"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}.{EXTENSIONS[content_type]}"
