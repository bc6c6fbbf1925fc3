"""How wide a row of buttons may be on a phone: the one width rule, and rows packed to it.

A phone in portrait shows about 16 CJK characters across an inline keyboard. A CJK character
(and an emoji or a full-width mark) counts 1, an ASCII character 0.5, and every button adds a
little padding for its frame. A row of two or more buttons must fit ``ROW_WIDTH``; a label too
long to share a row stands alone (Telegram then wraps or cuts only that one).
"""

from __future__ import annotations

import unicodedata
from typing import Sequence, TypeVar

ROW_WIDTH = 16.0  # what a phone shows across, in CJK characters
BUTTON_PADDING = 1.0  # each button's frame and the gap to its neighbour

T = TypeVar("T")


def label_width(label: str) -> float:
    """A label's width in CJK characters: ASCII counts half, everything else (CJK, emoji, ✔) one."""
    width = 0.0
    for ch in label:
        if unicodedata.combining(ch) or ch in "\ufe0f\u200d":  # variation selectors and joiners take no room
            continue
        width += 0.5 if ord(ch) < 128 else 1.0
    return width


def row_width(labels: Sequence[str]) -> float:
    """The width a row of buttons with these labels takes."""
    return sum(label_width(label) + BUTTON_PADDING for label in labels)


def row_fits(labels: Sequence[str]) -> bool:
    """The rule: a row of one button always fits; a row of several must not exceed ``ROW_WIDTH``."""
    return len(labels) <= 1 or row_width(labels) <= ROW_WIDTH


def pack(items: Sequence[T], labels: Sequence[str], *, most: int = 4) -> list[tuple[T, ...]]:
    """Items in order, as many to a row as fit (at most ``most``); a long label gets a row of its own."""
    rows: list[tuple[T, ...]] = []
    row: list[T] = []
    shown: list[str] = []
    for item, label in zip(items, labels):
        if row and (len(row) >= most or not row_fits([*shown, label])):
            rows.append(tuple(row))
            row, shown = [], []
        row.append(item)
        shown.append(label)
    if row:
        rows.append(tuple(row))
    return rows
