"""An export's run is on the audit log (export_started, then export_done / export_failed, no personal data);
one a kill -9 left at 正在生成… is marked failed (interrupted) at the next start, and its requester told."""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram import export_runs
from bot.telegram.actions import Action, EditMessage, Incoming, SendDocument, SendMessage
from bot.telegram.core import BotCore
from bot.telegram.exports_desk import ExportDesk
from bot.telegram.startup import run_bot
from exports.form_pdf import PdfUnavailable
from flows.catalog import t
from storage import audit
from storage.models import AuditLog, User
from tests.support.factory import UNIT, make_user
from tests.support.household import approved
from tests.support.plans import household
from tests.support.chat import RecordingIO


class Killed(BaseException):
    """Stands in for kill -9: nothing after it runs (no except, no finally that writes)."""


@pytest.fixture
def desk(service: IntakeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[BotCore, User, int]:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                        INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
    staff = make_user(service, "staff", UNIT, tg_id=11)
    hid = approved(service, make_user(service, "surveyor", UNIT, tg_id=12), staff, household())
    return BotCore(service, settings), staff, hid


_n = itertools.count(1)


async def press(core: BotCore, io: RecordingIO, user: User, data: str) -> list[Action]:
    n = next(_n)
    inc = Incoming(update_id=n, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id, chat_type="private",
                   callback_id=f"cb{n}", callback_data=data, message_id=700 + n)
    before = len(io.actions)
    await core.handle(inc, io)
    return io.actions[before:]


def rows(service: IntakeService, *actions: str) -> list[AuditLog]:
    with Session(service.db) as s:
        return list(s.exec(select(AuditLog).where(col(AuditLog.action).in_(actions)).order_by(col(AuditLog.id))))


async def test_an_export_records_its_start_and_its_end_without_personal_data(desk: tuple[BotCore, User, int]) -> None:
    core, staff, _ = desk
    io = RecordingIO(message_ids=True)
    out = await press(core, io, staff, "x:eg:xlsx:ua")
    assert [a for a in out if isinstance(a, SendDocument)]
    started, = rows(core.service, audit.EXPORT_STARTED)
    done, = rows(core.service, audit.EXPORT_DONE)
    assert started.actor_id == done.actor_id == staff.id
    assert started.detail["kind"] == "xlsx" and started.detail["unit"] == UNIT and started.detail["scope"]
    assert done.detail["started_id"] == started.id and done.detail["files"] == 1
    assert rows(core.service, audit.EXPORT_FAILED) == []
    text = json.dumps([started.detail, done.detail], ensure_ascii=False)
    assert "王建国" not in text and household()["id_number"] not in text


async def test_a_failed_export_records_export_failed(desk: tuple[BotCore, User, int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    core, staff, _ = desk

    def no_pdf(self: ExportDesk, job: object, folder: Path) -> list[object]:
        raise PdfUnavailable("no font")

    monkeypatch.setattr(ExportDesk, "_write", no_pdf)
    out = await press(core, RecordingIO(message_ids=True), staff, "x:eg:pdf:ua")
    assert any(isinstance(a, SendMessage) and "导出失败" in a.text for a in out)
    failed, = rows(core.service, audit.EXPORT_FAILED)
    assert failed.detail["reason"] == "PdfUnavailable" and failed.actor_id == staff.id
    assert rows(core.service, audit.EXPORT_DONE) == []


async def killed_export(core: BotCore, staff: User, monkeypatch: pytest.MonkeyPatch) -> RecordingIO:
    """An export whose process dies while the file is being written; what the person saw."""
    def die(self: ExportDesk, job: object, folder: Path) -> list[object]:
        raise Killed

    io = RecordingIO(message_ids=True)
    with monkeypatch.context() as m:
        m.setattr(ExportDesk, "_write", die)
        with pytest.raises(Killed):
            await press(core, io, staff, "x:eg:stats:ua")
    return io


async def test_an_export_killed_midway_is_marked_failed_at_the_next_start_and_the_person_told(
        desk: tuple[BotCore, User, int], monkeypatch: pytest.MonkeyPatch) -> None:
    core, staff, _ = desk
    seen = await killed_export(core, staff, monkeypatch)
    working = [a for a in seen.actions if isinstance(a, EditMessage) and "正在生成" in (a.text or "")]
    assert working, seen.actions
    started, = rows(core.service, audit.EXPORT_STARTED)
    assert rows(core.service, audit.EXPORT_DONE, audit.EXPORT_FAILED) == []  # as kill -9 leaves it

    assert await export_runs.tell_interrupted(core.service.db, RecordingIO(message_ids=True)) == 0  # still this process's run

    monkeypatch.setattr(export_runs, "RUN", "restarted")  # the next process (same pid, as in a container)
    io = RecordingIO(message_ids=True)
    assert await export_runs.tell_interrupted(core.service.db, io) == 2
    failed, = rows(core.service, audit.EXPORT_FAILED)
    assert failed.detail == {"started_id": started.id, "kind": "stats", "scope": started.detail["scope"],
                             "unit": UNIT, "reason": "interrupted"} and failed.actor_id == staff.id
    edit, send = io.actions
    values = {"kind": t("rec.export.kind.stats"), "scope": started.detail["scope"]}
    assert isinstance(edit, EditMessage) and edit.message_id == working[0].message_id and edit.chat_id == 11
    assert edit.text == t("rec.export.interrupted_was", **values)
    assert isinstance(send, SendMessage) and send.chat_id == 11
    assert send.text == t("rec.export.interrupted", **values) and "/export" in send.text
    assert await export_runs.tell_interrupted(core.service.db, RecordingIO(message_ids=True)) == 0  # once
    assert len(rows(core.service, audit.EXPORT_FAILED)) == 1


async def test_a_live_sibling_workers_run_is_left_alone_until_it_is_stale(
        desk: tuple[BotCore, User, int], monkeypatch: pytest.MonkeyPatch) -> None:
    core, staff, _ = desk
    await killed_export(core, staff, monkeypatch)
    started, = rows(core.service, audit.EXPORT_STARTED)
    with Session(core.service.db) as s:  # as another worker on this machine, still running, wrote it
        row = s.get(AuditLog, started.id)
        assert row is not None
        row.detail = {**row.detail, "pid": os.getppid(), "run": "sibling"}
        s.add(row)
        s.commit()
    assert export_runs.recover(core.service.db) == []
    assert rows(core.service, audit.EXPORT_FAILED) == []
    later = datetime.now(timezone.utc) + export_runs.STALE_AFTER + timedelta(minutes=1)
    assert len(export_runs.recover(core.service.db, now=later)) == 2
    assert [r.detail["reason"] for r in rows(core.service, audit.EXPORT_FAILED)] == ["interrupted"]


def test_a_run_of_a_gone_process_on_this_machine_is_dead() -> None:
    now = datetime.now(timezone.utc)
    gone = AuditLog(action=audit.EXPORT_STARTED, at=now, detail={**export_runs.process(), "run": "old",
                                                                  "pid": 2 ** 22 + 12345})
    elsewhere = AuditLog(action=audit.EXPORT_STARTED, at=now, detail={**export_runs.process(), "run": "old",
                                                                       "host": "another-machine"})
    assert export_runs.is_dead(gone, now) and not export_runs.is_dead(elsewhere, now)


class FakeRuntime:
    """A runtime whose polling ends at once: run_bot's start-up sequence, nothing else."""

    name = "fake"

    def __init__(self, io: RecordingIO) -> None:
        self.io = self
        self.recorder = io

    async def perform(self, action: Action) -> int:
        return await self.recorder.perform(action)

    async def download(self, file_id: str) -> bytes:
        raise AssertionError(file_id)

    async def call(self, make: Any) -> Any:
        return await make()

    async def connect(self) -> str:
        return "intake_bot"

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        pass

    async def start(self) -> None:
        pass

    async def delete_webhook(self) -> None:
        pass

    async def poll(self, stop: Any, poll_timeout: int) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def close(self) -> None:
        pass


async def test_the_bots_start_up_closes_the_interrupted_export(desk: tuple[BotCore, User, int],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    core, staff, _ = desk
    await killed_export(core, staff, monkeypatch)
    monkeypatch.setattr(export_runs, "RUN", "restarted")
    io = RecordingIO(message_ids=True)
    await run_bot(core, core.settings, FakeRuntime(io))  # type: ignore[arg-type]
    assert [r.detail["reason"] for r in rows(core.service, audit.EXPORT_FAILED)] == ["interrupted"]
    assert [a.text for a in io.actions if isinstance(a, SendMessage)] == [
        t("rec.export.interrupted", kind=t("rec.export.kind.stats"),
          scope=rows(core.service, audit.EXPORT_STARTED)[0].detail["scope"])]
