"""Logging that never shows a full ID number, bank card, phone number or the bot token.

``mask`` is the one masking function: every log handler's filter and the CLI's last error line use it.
Numbers are found however they are typed: ``139-1234-5678``, ``6222 0212 3456 7890 128``,
``420802 19750314 1232`` and full-width ``１３９１２３４５６７８`` are masked like their plain forms.
"""

from __future__ import annotations

import logging
import os
import re
import sys

# A run of digits (ASCII or full-width), single spaces or hyphens allowed between them, maybe ending in X.
_DIGIT = "0-9\uff10-\uff19"
_SEP = " \u00a0\u3000\\-\uff0d"
_RUN = re.compile(rf"(?<![{_DIGIT}])[{_DIGIT}](?:[{_SEP}]?[{_DIGIT}]){{10,22}}(?:[Xx\uff38\uff58](?![A-Za-z]))?"
                  rf"(?![{_DIGIT}])")
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "\uff38": "X", "\uff58": "x"})
_NOT_DIGIT = re.compile(r"[^0-9Xx]")
_ID = re.compile(r"^\d{17}[\dXx]$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")
_CARD = re.compile(r"^\d{12,19}$")
# Every token Settings accepts (digits, a colon, 20+ URL-safe characters), also inside /bot<token>/getMe.
_TOKEN = re.compile(r"(?<!\d)(\d{3,}):[A-Za-z0-9_-]{20,}")
_secrets: set[str] = set()

# Library loggers: capped at INFO (their DEBUG lines carry whole requests and updates) unless
# INTAKE_LIBRARY_LOG_LEVEL opens them; the noisy ones stay at WARNING at INFO.
LIBRARIES = ("aiogram", "telegram", "httpx", "httpcore", "aiohttp", "sqlalchemy", "alembic", "asyncio",
             "apscheduler", "urllib3")
# WARNING unless opened: SQLAlchemy logs every statement (with its parameters: answers) and every mapper
# at INFO, which is why it sets its own logger to WARNING on import.
_NOISY = ("httpx", "httpcore", "aiogram.event", "sqlalchemy", "sqlalchemy.engine", "alembic")


def _mask_run(m: re.Match[str]) -> str:
    raw = m.group(0)
    digits = _NOT_DIGIT.sub("", raw.translate(_FULL_WIDTH))
    if _ID.match(digits):
        return digits[:6] + "********" + digits[-4:]
    if _PHONE.match(digits):
        return digits[:3] + "****" + digits[-4:]
    if _CARD.match(digits):
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return raw


def register_secret(value: str | None) -> None:
    """Mask this exact string (e.g. the configured bot token, a webhook secret) in everything ``mask`` sees."""
    if value and len(value) >= 8:
        _secrets.add(value)


def mask(text: str) -> str:
    """Mask ID numbers (420802********1232), bank cards, phone numbers and bot tokens in free text."""
    for secret in _secrets:
        text = text.replace(secret, "<secret>")
    text = _TOKEN.sub(lambda m: m.group(1) + ":<token>", text)
    return _RUN.sub(_mask_run, text)


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
        if record.stack_info:
            message += "\n" + record.stack_info
            record.stack_info = None
        record.msg = mask(message)
        record.args = None
        return True


def _level(name: str | None, default: int) -> int:
    value = getattr(logging, (name or "").strip().upper(), None)
    return value if isinstance(value, int) else default


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (not the stream at start-up, which a test or a daemon may close)."""

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def setup_logging(level: str | None = None) -> None:
    """Configure the root logger once, with masking on every handler; cap the libraries' loggers.

    ``level`` (or INTAKE_LOG_LEVEL) is our own code's level. Libraries log at most INFO, whatever it is,
    unless INTAKE_LIBRARY_LOG_LEVEL says otherwise (e.g. DEBUG while chasing a library bug).
    """
    root_level = _level(level or os.environ.get("INTAKE_LOG_LEVEL"), logging.INFO)
    root = logging.getLogger()
    if not any(isinstance(f, MaskingFilter) for h in root.handlers for f in h.filters):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for handler in root.handlers:  # handlers others added (pytest, a library) get the filter too
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
    root.setLevel(root_level)
    # A handler that fails would print "--- Logging error ---" with the record's raw message and
    # arguments to stderr, past the masking filter: never do that.
    logging.raiseExceptions = False
    opened = os.environ.get("INTAKE_LIBRARY_LOG_LEVEL")
    library_level = _level(opened, logging.INFO) if opened else max(logging.INFO, root_level)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(library_level)
    if not opened:
        for noisy in _NOISY:
            logging.getLogger(noisy).setLevel(max(logging.WARNING, root_level))


def print_error(message: object) -> None:
    """The CLI's last line on stderr, masked like every log line."""
    print(mask(f"error: {message}"), file=sys.stderr)
