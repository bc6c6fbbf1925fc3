"""A question as each framework's reply: the label, and the choices as an inline keyboard (two a row)."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bench.peers.survey import Question


def aiogram_markup(q: Question, seq: int) -> InlineKeyboardMarkup | None:
    """The inline keyboard as an aiogram developer builds it (pydantic models)."""
    if not q.choices:
        return None
    buttons = [InlineKeyboardButton(text=c, callback_data=f"a:{seq}:{i}") for i, c in enumerate(q.choices)]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def ptb_markup(q: Question, seq: int) -> Any:
    """The same keyboard for python-telegram-bot."""
    from telegram import InlineKeyboardButton as Button
    from telegram import InlineKeyboardMarkup as Markup

    if not q.choices:
        return None
    buttons = [Button(c, callback_data=f"a:{seq}:{i}") for i, c in enumerate(q.choices)]
    return Markup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])
