"""Claims of non-answer updates on SQLite: written at once when the lock is free, on the writer thread when not."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram.actions import Incoming, SendMessage
from bot.telegram.core import BotCore
from storage.models import ProcessedUpdate
from tests.support.chat import RecordingIO
from tests.support.factory import make_service, make_user


@pytest.fixture
def service(sqlite_url: str, registry: Any) -> IntakeService:
    return make_service(sqlite_url, registry)


def _core(service: IntakeService, tmp_path: Path) -> BotCore:
    return BotCore(service, Settings(TELEGRAM_BOT_TOKEN="1:x", INTAKE_ATTACHMENTS_DIR=str(tmp_path)))


def _command(update_id: int, user_id: int, text: str) -> Incoming:
    return Incoming(update_id=update_id, user_id=user_id, first_name=f"用户{user_id}", chat_id=user_id,
                    chat_type="private", text=text)


def _claimed(service: IntakeService, update_id: int) -> bool:
    with Session(service.db) as s:
        return s.get(ProcessedUpdate, update_id) is not None


def test_a_command_is_claimed_on_the_loop_when_the_lock_is_free(service: IntakeService, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    core = _core(service, tmp_path)
    assert core.commits is not None
    make_user(service, tg_id=61)

    async def no_hop(*_a: object) -> object:
        raise AssertionError("the claim went to the writer thread although the lock was free")

    monkeypatch.setattr(core.commits, "call", no_hop)
    io = RecordingIO()
    asyncio.run(core.handle(_command(7001, 61, "/start"), io))
    assert _claimed(service, 7001)
    assert any(isinstance(a, SendMessage) for a in io.actions)
    io.actions.clear()
    asyncio.run(core.handle(_command(7001, 61, "/start"), io))  # a redelivery: claimed before, nothing done
    assert io.actions == []


def test_a_held_lock_delays_the_command_only_and_it_is_claimed_once_released(
        service: IntakeService, tmp_path: Path) -> None:
    core = _core(service, tmp_path)
    make_user(service, tg_id=62)
    make_user(service, tg_id=63)
    holder = sqlite3.connect(str(service.db.url.database), isolation_level=None)
    io = RecordingIO()

    async def run() -> None:
        holder.execute("BEGIN IMMEDIATE")  # another process writing
        try:
            command = asyncio.create_task(core.handle(_command(7101, 62, "/new"), io))
            await asyncio.sleep(0.3)
            assert not command.done()  # waits for its claim
            await asyncio.wait_for(core.handle(_command(7102, 63, "/help"), io), 2)  # reads go on
            assert [a.chat_id for a in io.actions if isinstance(a, SendMessage)] == [63]
        finally:
            holder.execute("ROLLBACK")
        await asyncio.wait_for(command, 30)

    asyncio.run(run())
    holder.close()
    assert _claimed(service, 7101)
    assert any(isinstance(a, SendMessage) and a.chat_id == 62 for a in io.actions)
