"""Reading the front of an ID card on this machine: one small interface and its RapidOCR implementation.

``IdCardReader.read(data, today)`` takes the photo's bytes (an ID card front or a 户口簿 page) (kept in memory, never written or logged)
and returns a ``flows.idcard_text.CardReading``; the OCR text itself is never logged either. The
RapidOCR engine (PP-OCR models shipped inside the ``rapidocr-onnxruntime`` wheel, run by onnxruntime
on the CPU; nothing is downloaded, nothing leaves the machine) is loaded lazily, once per process,
and runs in a worker thread so the event loop keeps serving other people. ``reader()`` returns None
where the package cannot be imported: the adapters then say that reading is unavailable.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from datetime import date
from typing import Any, Protocol, Sequence

from flows.hukou_text import read_identity
from flows.idcard_text import CardReading

log = logging.getLogger(__name__)

MAX_SIDE = 1280  # a phone photo is scaled down to this before OCR: faster, and enough for the card's text
MAX_PIXELS = 40_000_000  # larger images are refused unread (decompression bombs)
# The text detector sees the photo at most this long on its longer side; the recogniser still reads
# each line from the 1280 px photo. A photo as Telegram sends it (1280 x 960) went through the
# detector whole: peak RSS of the bot 668 MB; at 736 px 487-520 MB over 30 readings, 0.54 -> 0.39 s a
# card, the same 20 of 20 cards and 9 of 10 户口簿 pages all right, none wrong (bench/ocr_bench.py).
DETECTOR_SIDE = 736


class IdCardReader(Protocol):
    """What the bot needs from an OCR engine."""

    def read(self, data: bytes, today: date) -> CardReading:
        """Read one card front from an image's bytes (blocking)."""
        ...


class UnreadableImage(ValueError):
    """The bytes are not an image this reader can open."""


def rows_of(boxes: Sequence[Any]) -> list[str]:
    """RapidOCR boxes ``[points, text, score]`` → text lines in reading order (boxes on one row joined)."""
    items = []
    for points, text, _score in boxes:
        ys = [p[1] for p in points]
        xs = [p[0] for p in points]
        items.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), text))
    items.sort()
    rows: list[list[tuple[float, float, float, str]]] = []
    for item in items:
        if rows and abs(item[0] - rows[-1][0][0]) < 0.5 * max(item[1], rows[-1][0][1]):
            rows[-1].append(item)
        else:
            rows.append([item])
    return ["".join(i[3] for i in sorted(row, key=lambda i: i[2])) for row in rows]


class RapidOcrReader:
    """IdCardReader over RapidOCR (onnxruntime); the engine is built at the first reading."""

    def __init__(self) -> None:
        self._engine: Any = None
        self._lock = threading.Lock()  # one reading at a time: two would only share the 2 cores

    def load(self) -> None:
        """Build the OCR engine now (idempotent)."""
        with self._lock:
            self._load()

    def _load(self) -> None:
        if self._engine is None:
            from rapidocr_onnxruntime import RapidOCR

            engine = RapidOCR(det_limit_type="max", det_limit_side_len=DETECTOR_SIDE)
            _cap_detector(engine.text_det, DETECTOR_SIDE)
            self._engine = engine

    def lines(self, data: bytes) -> list[str]:
        """The text lines of an image, in reading order."""
        image = _prepare(data)
        with self._lock:
            self._load()
            boxes, _ = self._engine(image)
            _give_back()
        return rows_of(boxes or [])

    def read(self, data: bytes, today: date) -> CardReading:
        return read_identity(self.lines(data), today)


def _cap_detector(det: Any, side: int) -> None:
    """Make the detector honour ``side`` as the cap of its input's longer side.

    rapidocr-onnxruntime 1.4.4 ignores ``det_limit_side_len`` when ``det_limit_type`` is "max": it picks
    960, 1500 or 2000 from the photo's own size, so a 1280 px photo was detected at 1280 px. Its
    preprocessing step is chosen per image by ``get_preprocess``; this instance gets one that keeps the
    configured cap (tests/ocr/test_reading.py checks the detector's input, so an upgrade that changes
    this fails there, not in production memory).
    """
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    step = DetPreProcess(side, "max", det.mean, det.std)
    det.get_preprocess = lambda _max_wh: step


def _trim() -> Any:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        return None


_MALLOC_TRIM = _trim()


def _give_back() -> None:
    """Return the reading's freed working memory (~190 MB of onnxruntime tensors) to the system.

    Without it glibc keeps the freed heap: the bot stayed at ~550 MB after its first reading instead
    of ~365 MB (measured on the bench's cards, 20 readings in a row; the same 20 of 20 read right).
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _prepare(data: bytes) -> Any:
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as raw:
            if raw.width * raw.height > MAX_PIXELS:
                raise UnreadableImage("too many pixels")
            image = ImageOps.exif_transpose(raw).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(type(exc).__name__) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return np.asarray(image)[:, :, ::-1].copy()  # RGB → BGR, as OpenCV-based engines expect


_READER: RapidOcrReader | None = None
_UNAVAILABLE = False


def reader() -> IdCardReader | None:
    """The process's reader, or None when no OCR package can be imported here."""
    global _READER, _UNAVAILABLE
    if _READER is None and not _UNAVAILABLE:
        try:
            import rapidocr_onnxruntime  # noqa: F401
        except Exception as exc:  # ImportError, or a broken native library
            log.warning("ID card reading unavailable: %s", type(exc).__name__)
            _UNAVAILABLE = True
            return None
        _READER = RapidOcrReader()
    return _READER


def card_meta(data: bytes, today: date) -> dict[str, Any]:
    """What an adapter hands the engine for a card photo (``Input("file", file=...)``): the reading, or why none.

    Blocking: the Telegram runtimes call it through ``card_meta_async``.
    """
    r = reader()
    if r is None:
        return {"card": {"problem": "unavailable"}}
    try:
        return {"card": r.read(data, today).as_state()}
    except UnreadableImage:
        return {"card": {"problem": "unreadable"}}
    except Exception as exc:  # a broken model or native library: say reading is unavailable, go on
        log.warning("ID card reading failed: %s", type(exc).__name__)
        return {"card": {"problem": "unavailable"}}


async def card_meta_async(data: bytes, today: date) -> dict[str, Any]:
    """``card_meta`` off the event loop (a worker thread), so other people are not slowed."""
    return await asyncio.to_thread(card_meta, data, today)
