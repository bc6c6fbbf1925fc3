"""Logs never show a full ID number, bank card or phone number — not even in a traceback."""

from __future__ import annotations

import io
import logging

from bot.logging_setup import MaskingFilter, mask


def test_mask_hides_the_middle_of_sensitive_numbers() -> None:
    text = mask("id 420802197503141232 card 6222021234567890128 phone 13912345678 x 42080219781120002X")
    assert "420802197503141232" not in text and "420802********1232" in text
    assert "6222021234567890128" not in text and "13912345678" not in text and "139****5678" in text
    assert "42080219781120002X" not in text


def test_tracebacks_are_masked_too() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    log = logging.getLogger("test.masking")
    log.addHandler(handler)
    try:
        raise ValueError("bad row ('420802197503141232', '13912345678')")
    except ValueError:
        log.exception("saving %s failed", "420802197503141232")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert "Traceback" in out and "ValueError" in out
    assert "420802197503141232" not in out and "13912345678" not in out
