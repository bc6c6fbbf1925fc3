"""Logging that never shows a full ID number, bank card or phone number."""

from __future__ import annotations

import logging
import os
import re

_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_CARD = re.compile(r"(?<!\d)(\d{4})\d{4,11}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask(text: str) -> str:
    """Mask ID numbers (420802********1232), bank cards and phone numbers in free text."""
    text = _ID.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _CARD.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 8) + m.group(2), text)


class MaskingFilter(logging.Filter):
    """Rewrites every record's final message with sensitive numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is still logged, masked
            message = str(record.msg)
        if record.exc_info:  # tracebacks carry values too (e.g. a failed statement's parameters)
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = mask(message)
        record.args = None
        return True


def setup_logging(level: str | None = None) -> None:
    """Configure the root logger once, with masking on every handler."""
    level = (level or os.environ.get("INTAKE_LOG_LEVEL") or "INFO").upper()
    root = logging.getLogger()
    if not any(isinstance(f, MaskingFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(MaskingFilter())
        root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.INFO))
    for noisy in ("httpx", "aiogram.event", "sqlalchemy.engine", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
