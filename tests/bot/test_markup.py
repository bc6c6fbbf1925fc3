"""Reply markup built by the runtimes: the same request as validated models, without validating every button."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram import aiogram_runtime
from bot.telegram.buttons import engine_data

ROWS = ((("是", "e:12:a:yes"), ("否", "e:12:a:no")), (("跳过", "e:12:skip"),), (("上一题 ⬅", "e:12:back"),))


def validated(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=data)
                                                  for label, data in row] for row in rows])


def test_the_aiogram_keyboard_is_what_validated_models_would_send() -> None:
    built = aiogram_runtime.keyboard(ROWS)
    assert built is not None
    want = validated(ROWS)
    assert built == want
    assert built.model_dump_json() == want.model_dump_json()
    session = AiohttpSession()
    bot = Bot("123:abc", session=session)
    assert session.prepare_value(built, bot, {}) == session.prepare_value(want, bot, {})
    for method in (SendMessage(chat_id=1, text="问题", reply_markup=built),
                   EditMessageText(chat_id=1, message_id=2, text="问题", reply_markup=built)):
        assert method.reply_markup is built  # taken as is, not validated again
        assert session.prepare_value(method.reply_markup, bot, {}) == session.prepare_value(want, bot, {})
    assert aiogram_runtime.keyboard(()) is None


def test_the_aiogram_keyboard_runs_no_validation_per_button(monkeypatch: pytest.MonkeyPatch) -> None:
    def validating(*_a: object, **_k: object) -> None:
        raise AssertionError("a button was validated again")

    monkeypatch.setattr(InlineKeyboardButton, "__init__", validating)
    monkeypatch.setattr(InlineKeyboardMarkup, "__init__", validating)
    built = aiogram_runtime.keyboard(((("甲", engine_data(7, "a:x")),),))
    assert built is not None and built.inline_keyboard[0][0].callback_data == engine_data(7, "a:x")
