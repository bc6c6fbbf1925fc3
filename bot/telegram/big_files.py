"""A file over the Bot API's 50 MB upload limit, made sendable: zipped (HTML and CSV shrink ten-fold), and
when the zip is still too big, the zip cut into numbered parts (name.zip.001, .002 …) that 7-Zip, WinRAR
or `cat name.zip.* > name.zip` put back together. What was done is said in the caption of each part.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from flows.catalog import t

MAX_UPLOAD = 50 * 1024 * 1024  # what the Bot API accepts from a bot
PART_MARGIN = 64 * 1024  # parts stay this far below the limit (multipart overhead)


@dataclass(frozen=True)
class Piece:
    """One document to send."""

    name: str
    data: bytes
    caption: str


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(name, data)
    return buf.getvalue()


def sendable(name: str, data: bytes, caption: str, *, limit: int = MAX_UPLOAD) -> list[Piece]:
    """``data`` as it is when it fits; else zipped; else the zip in numbered parts, each under ``limit``."""
    if len(data) <= limit:
        return [Piece(name, data, caption)]
    packed = _zip(name, data)
    mb = f"{len(data) / 2**20:.1f}"
    if len(packed) <= limit:
        return [Piece(f"{name}.zip", packed, f"{caption}\n{t('export.big.zipped', mb=mb)}")]
    size = max(limit - PART_MARGIN, limit // 2)
    chunks = [packed[i:i + size] for i in range(0, len(packed), size)]
    n = len(chunks)
    return [Piece(f"{name}.zip.{i:03d}", chunk,
                  f"{caption}\n{t('export.big.parts', mb=mb, i=i, n=n, name=name)}")
            for i, chunk in enumerate(chunks, start=1)]
