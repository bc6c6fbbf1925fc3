"""Attachments on disk: INTAKE_ATTACHMENTS_DIR/<interview id>/<sha256 prefix>-<name>, written atomically."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import datetime
from contextlib import aclosing
from pathlib import Path
from typing import Any, AsyncIterator

from bot.telegram.actions import FileInfo
from flows.catalog import t

MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API's getFile limit
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


class FileTooBig(ValueError):
    """A file past MAX_DOWNLOAD, counted in the bytes themselves (the update's file_size may be absent or lie)."""


async def read_limited(chunks: AsyncIterator[bytes], limit: int = MAX_DOWNLOAD) -> bytes:
    """A download's bytes, counted as they arrive: FileTooBig (and the download stopped) once past ``limit``."""
    data = bytearray()
    async with aclosing(chunks):  # type: ignore[type-var]
        async for chunk in chunks:
            data += chunk
            if len(data) > limit:
                raise FileTooBig(f"more than {limit} bytes")
    return bytes(data)


def within_limit(data: bytes, limit: int = MAX_DOWNLOAD) -> bytes:
    """The bytes when no more than ``limit`` of them, else FileTooBig."""
    if len(data) > limit:
        raise FileTooBig(f"{len(data)} bytes")
    return data


def safe_name(name: str, fallback: str) -> str:
    """A file name without path separators or odd characters, at most 80 characters."""
    base = Path(name.replace("\\", "/")).name if name else ""
    base = _UNSAFE.sub("_", base).strip("._") or fallback
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 8:
        return stem[: 80 - len(ext) - 1] + "." + ext
    return base[:80]


def display_name(info: FileInfo, caption: str, now: datetime) -> str:
    """The name a person sees (and is offered as 附件名称): the document's name, a caption, or 照片+time."""
    if info.kind == "document" and info.name:
        return info.name[:120]
    if caption.strip():
        return caption.strip()[:60] + ".jpg"
    return t("tg.photo_name", stamp=now.strftime("%Y%m%d-%H%M%S")) + ".jpg"


class AttachmentStore:
    """Writes downloaded files under one root folder and describes them for the engine."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def target(self, *, interview_id: int, data: bytes, info: FileInfo, name: str) -> Path:
        """Where ``save`` puts these bytes (the same bytes and name always land on the same file)."""
        fallback = f"{info.kind}.jpg" if info.kind == "photo" else "document"
        return self.root / str(interview_id) / f"{hashlib.sha256(data).hexdigest()[:16]}-{safe_name(name, fallback)}"

    def save(self, *, interview_id: int, data: bytes, info: FileInfo, name: str) -> dict[str, Any]:
        """Store the bytes; return the engine's file value (file_id, name, mime, size, sha256, path, kind).

        FileTooBig, with nothing stored, past MAX_DOWNLOAD whatever way the bytes came.
        """
        within_limit(data)
        digest = hashlib.sha256(data).hexdigest()
        target = self.target(interview_id=interview_id, data=data, info=info, name=name)
        folder = target.parent
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)  # private even without the CLI's umask
        folder.mkdir(mode=0o700, exist_ok=True)
        if not target.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        mime = info.mime or ("image/jpeg" if info.kind == "photo" else "application/octet-stream")
        return {"file_id": info.file_id, "name": name, "mime": mime, "size": len(data), "sha256": digest,
                "path": str(target.resolve()), "kind": info.kind}
