"""An aiogram session that answers every Bot API call locally: replies go nowhere, fast."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Chat, Message

_EPOCH = dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc)


class NullSession(BaseSession):
    """Counts calls and returns the minimal valid result for each method."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self._next_id = 1

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.calls += 1
        if isinstance(method, (SendMessage, EditMessageText)):
            self._next_id += 1
            chat_id = int(getattr(method, "chat_id", 0) or 0)
            return Message(message_id=self._next_id, date=_EPOCH, chat=Chat(id=chat_id, type="private"),
                           text=getattr(method, "text", ""))
        if isinstance(method, (AnswerCallbackQuery, EditMessageReplyMarkup)):
            return True
        return True

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None
