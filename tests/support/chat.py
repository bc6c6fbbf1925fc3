"""A recording stand-in for a Telegram runtime (the BotIO a BotCore talks to), shared by the desk tests."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from bot.telegram.actions import Action, Incoming

if TYPE_CHECKING:
    from bot.service import IntakeService
    from storage.models import User


class RecordingIO:
    """Keeps every action the core performs; nothing leaves the process. Downloads are never expected."""

    def __init__(self, *, message_ids: bool = False) -> None:
        self.actions: list[Action] = []
        self.message_ids = message_ids

    async def perform(self, action: Action) -> int | None:
        """Record one action; with ``message_ids``, its position stands in for the id Telegram would return
        (without, the core sees a runtime that reports none, as most desk tests expect)."""
        self.actions.append(action)
        return len(self.actions) if self.message_ids else None

    async def download(self, file_id: str) -> bytes:
        raise AssertionError(file_id)


class CoreChat:
    """A bot core over one service, fed one update at a time; ``send`` returns the actions it caused."""

    def __init__(self, service: IntakeService, tmp_path: Path) -> None:
        from bot.settings import Settings
        from bot.telegram.core import BotCore

        settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                            INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
        self.core, self.io, self._n = BotCore(service, settings), RecordingIO(), itertools.count(1)

    def send(self, user: User, *, text: str | None = None, data: str | None = None) -> list[Action]:
        """One message (``text``) or button press (``data``) from ``user`` in their private chat."""
        n = next(self._n)
        inc = Incoming(update_id=n, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id,
                       chat_type="private", text=text, callback_id=f"cb{n}" if data else None, callback_data=data,
                       message_id=1 if data else None)
        before = len(self.io.actions)
        asyncio.run(self.core.handle(inc, self.io))
        return self.io.actions[before:]
