"""A recording stand-in for a Telegram runtime (the BotIO a BotCore talks to), shared by the desk tests."""

from __future__ import annotations

from bot.telegram.actions import Action


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
