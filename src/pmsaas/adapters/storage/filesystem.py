"""Attachments on the local filesystem (embedded default: var/attachments)."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from pmsaas.domain.operations.ports import AttachmentStorage
from pmsaas.domain.shared.errors import NotFound

_KEY = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


class FilesystemAttachmentStorage(AttachmentStorage):
    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are ours (org/ticket/id), but never trust a path
            raise ValueError(f"bad storage key {key!r}")
        return self._root / key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(self._write, path, data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # readers never see half a file

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound("attachment file", key) from None

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, True)
