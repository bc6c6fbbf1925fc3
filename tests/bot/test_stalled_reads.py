"""A database locked by another process (SQLite's write lock held) delays only the answers waiting to be written.

Reads are answered during the stall: /help of another user, also while a person new to the bot waits
(creating them is a write, which must not stop the event loop), and /help of the person whose own answer waits.
Once the lock is gone, every answer given meanwhile is stored, in order, once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram import buttons
from bot.telegram.actions import Incoming, SendMessage
from bot.telegram.claims import on_event_loop
from bot.telegram.core import BotCore
from storage import repo
from storage.models import Interview, ProcessedUpdate, User
from tests.support.chat import RecordingIO
from tests.support.factory import UNIT, make_service, make_user
from tests.support.household import submit

HOLD = 2.0  # seconds the other connection holds the write lock
QUICK = 0.5  # a read during the stall is answered within this


@pytest.fixture
def service(sqlite_url: str, registry: Any) -> IntakeService:
    return make_service(sqlite_url, registry)


def _msg(update_id: int, user_id: int, text: str) -> Incoming:
    return Incoming(update_id=update_id, user_id=user_id, first_name=f"用户{user_id}", chat_id=user_id,
                    chat_type="private", text=text)


def _said_to(io: RecordingIO, chat: int) -> list[str]:
    return [a.text for a in io.actions if isinstance(a, SendMessage) and a.chat_id == chat]


def test_reads_are_answered_while_another_connection_holds_the_write_lock(
        service: IntakeService, tmp_path: Path) -> None:
    core = BotCore(service, Settings(TELEGRAM_BOT_TOKEN="1:x", INTAKE_ATTACHMENTS_DIR=str(tmp_path)))
    service.start_interview(user=make_user(service, tg_id=81))  # 81 has an interview under way
    make_user(service, tg_id=82)
    io = RecordingIO()
    with Session(service.db) as s:
        before = s.exec(select(Interview)).one()
        version = before.version
    holder = sqlite3.connect(str(service.db.url.database), isolation_level=None)
    timings: dict[str, float] = {}

    async def timed(name: str, inc: Incoming) -> None:
        t0 = time.monotonic()
        await core.handle(inc, io)
        timings[name] = time.monotonic() - t0

    async def run() -> list[asyncio.Task[None]]:
        holder.execute("BEGIN IMMEDIATE")  # another process writing (a migration, a stuck job)
        try:
            io.actions.clear()
            answers = [asyncio.create_task(core.handle(_msg(8001, 81, "张三"), io))]
            await asyncio.sleep(0.2)
            assert not answers[0].done()  # the answer waits to be written
            answers.append(asyncio.create_task(core.handle(_msg(8002, 81, "/skip"), io)))  # queued behind it
            await asyncio.sleep(0.05)
            # a person new to the bot: creating them is a write and waits, without stopping anyone else
            answers.append(asyncio.create_task(core.handle(_msg(8004, 83, "/help"), io)))
            await asyncio.sleep(0.05)
            await asyncio.wait_for(timed("other user", _msg(8003, 82, "/help")), HOLD)
            await asyncio.wait_for(timed("same user", _msg(8005, 81, "/help")), HOLD)
            assert not answers[0].done() and not answers[1].done()  # nothing acknowledged before it is written
        finally:
            await asyncio.sleep(max(0.0, HOLD - 0.4))
            holder.execute("ROLLBACK")
        await asyncio.wait_for(asyncio.gather(*answers), 30)
        return answers

    asyncio.run(run())
    holder.close()
    assert {name: took < QUICK for name, took in timings.items()} == \
        {"other user": True, "same user": True}, timings
    assert _said_to(io, 82) and _said_to(io, 81) and _said_to(io, 83)
    with Session(service.db) as s:
        after = s.exec(select(Interview)).one()
        claimed = {u.update_id for u in s.exec(select(ProcessedUpdate).where(
            ProcessedUpdate.update_id >= 8001)).all()}
    assert {8001, 8002} <= claimed  # both answers stored once the lock was gone
    assert after.version == version + 2  # each applied once, in order
    assert "张三" in str(after.state)


def test_opening_a_draft_by_its_button_writes_the_switch_off_the_event_loop(
        service: IntakeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    core = BotCore(service, Settings(TELEGRAM_BOT_TOKEN="1:x", INTAKE_ATTACHMENTS_DIR=str(tmp_path)))
    person = make_user(service, tg_id=91)
    draft = service.start_interview(user=person).interview_id or 0
    with Session(service.db) as s:
        repo.set_active_interview(s, user=s.get(User, person.id), interview_id=None)
    on_loop: list[bool] = []
    switch = core.set_active
    monkeypatch.setattr(core, "set_active", lambda *a: (on_loop.append(on_event_loop()), switch(*a))[1])
    press = Incoming(update_id=9001, user_id=91, first_name="用户91", chat_id=91, chat_type="private",
                     callback_id="cb", callback_data=buttons.engine_data(draft, "1:skip"), message_id=5)
    asyncio.run(core.handle(press, RecordingIO()))
    with Session(service.db) as s:
        assert s.get(User, person.id).active_interview_id == draft  # type: ignore[union-attr]
    assert on_loop == [False]  # written on the writer thread: a locked database stops no one else


def test_an_audited_look_at_a_record_is_written_off_the_event_loop(
        service: IntakeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    core = BotCore(service, Settings(TELEGRAM_BOT_TOKEN="1:x", INTAKE_ATTACHMENTS_DIR=str(tmp_path)))
    staff = make_user(service, "staff", UNIT, tg_id=95)
    hid = submit(service, make_user(service, "surveyor", UNIT, tg_id=96))
    on_loop: list[bool] = []
    audit = service.audit_view
    monkeypatch.setattr(service, "audit_view", lambda *a, **k: (on_loop.append(on_event_loop()), audit(*a, **k))[1])
    for n, data in enumerate((buttons.CARD.data(hid), buttons.JOURNAL.data(hid), buttons.REVIEW.data(hid))):
        io = RecordingIO()
        asyncio.run(core.handle(Incoming(update_id=9100 + n, user_id=95, first_name=staff.name, chat_id=95,
                                         chat_type="private", callback_id=f"cb{n}", callback_data=data,
                                         message_id=1), io))
        assert _said_to(io, 95)  # the card, the history, the review card
    assert on_loop == [False, False, False]  # audited before shown, never waiting on the loop for a locked database
