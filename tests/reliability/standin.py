"""The stand-in Bot API of the e2e tests with Telegram's acknowledgement bookkeeping and scripted batches,
and the real `intake run` process pointed at it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from tests.e2e.conftest import TOKEN, BotProcess
from tests.e2e.fake_bot_api import FakeBotAPI


class StandInAPI(FakeBotAPI):
    """The e2e stand-in Bot API, plus Telegram's acknowledgement bookkeeping and scripted batches.

    An update leaves ``pending`` only when a later getUpdates carries a higher offset (its ack time
    is recorded); ``script`` makes the next getUpdates answers exactly the given batches (any order,
    repeats allowed), while the updates stay pending so that an offset which goes backwards gets
    them again, as Telegram would. While ``holding``, new updates are numbered and kept but not queued
    (to be scripted, or POSTed to a webhook by the test).
    """

    def __init__(self, token: str = TOKEN) -> None:
        super().__init__(token)
        self.acked_at: dict[int, float] = {}
        self.offsets: list[int] = []
        self.batches: list[list[int]] = []  # update ids of every non-empty getUpdates answer
        self.deliveries = 0
        self.delivered: dict[int, int] = {}  # update id -> how many times it was handed out
        self.scripted: list[list[dict[str, Any]]] = []
        self.holding = False
        self.kills: list[float] = []  # when a killed bot was dead (monotonic; appended by the test)

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (or only number and remember it while ``holding``)."""
        if not self.holding:
            return super().push(update)
        with self.changed:
            update = {"update_id": next(self._ids), **update}
            self.sent_updates[update["update_id"]] = update
            return int(update["update_id"])

    def script(self, *batches: list[int]) -> None:
        """The next getUpdates calls answer exactly these batches of update ids; they also become pending."""
        with self.changed:
            for batch in batches:
                self.scripted.append([self.sent_updates[i] for i in batch])
                for i in batch:
                    if i not in self.acked_at and all(u["update_id"] != i for u in self.pending):
                        self.pending.append(self.sent_updates[i])
            self.pending.sort(key=lambda u: u["update_id"])
            self.changed.notify_all()
        self._kick()

    def acked(self, update_id: int) -> float | None:
        """When a getUpdates offset confirmed this update (None: not yet)."""
        with self.lock:
            return self.acked_at.get(update_id)

    def times_delivered(self, update_id: int) -> int:
        """How many getUpdates answers carried this update."""
        with self.lock:
            return self.delivered.get(update_id, 0)

    def _confirmed(self, offset: int) -> None:
        """Telegram forgets every update below the offset: they are confirmed (their ack time is kept)."""
        with self.changed:
            self.offsets.append(offset)
            now = time.monotonic()
            for u in self.pending:
                if u["update_id"] < offset:
                    self.acked_at.setdefault(u["update_id"], now)

    def _next_batch(self, limit: int) -> list[dict[str, Any]]:
        return self.scripted.pop(0) if self.scripted else super()._next_batch(limit)

    def _handed_out(self, batch: list[dict[str, Any]]) -> None:
        self.deliveries += len(batch)
        self.batches.append([u["update_id"] for u in batch])
        for u in batch:
            self.delivered[u["update_id"]] = self.delivered.get(u["update_id"], 0) + 1

    def wait_until(self, cond: Callable[[], bool], *, timeout: float) -> bool:
        """Wait until ``cond()`` (checked whenever the server changes)."""
        end = time.monotonic() + timeout
        with self.changed:
            while not cond():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.2))
            return True


class Bot(BotProcess):
    """The real `intake run` (e2e BotProcess) talking to a StandInAPI (its own or a shared one), on its
    own SQLite file or on ``db_url``."""

    api: StandInAPI

    def __init__(self, runtime: str, workdir: Path, *, db_url: str | None = None,
                 api: StandInAPI | None = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        super().__init__(runtime, workdir)
        self.api.stop()
        self.owns_api = api is None
        self.api = api or StandInAPI(TOKEN).start()
        self.env["TELEGRAM_API_URL"] = self.api.url
        if db_url is not None:
            self.db_url = db_url
            self.env["DATABASE_URL"] = db_url

    def close(self) -> None:
        """Stop the bot, and the stand-in server when it is this bot's own."""
        self.stop()
        if self._engine is not None:
            self._engine.dispose()
        if self.owns_api:
            self.api.stop()
