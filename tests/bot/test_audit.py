"""Every look at personal data is on the audit (issue 13, finding 7), and `intake audit` lists it with filters."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot import cli
from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram import buttons
from bot.telegram.actions import Action, Incoming, SendDocument
from bot.telegram.core import BotCore
from storage.models import AuditLog, User
from tests.support.factory import OTHER_UNIT, UNIT, make_user
from tests.support.household import submit
from tests.support.plans import WANG
from tests.support.chat import RecordingIO


_updates = itertools.count(9000)


def _send(core: BotCore, user: User, *, text: str | None = None, data: str | None = None,
          reply_to: str | None = None) -> list[Action]:
    io = RecordingIO()
    n = next(_updates)
    inc = Incoming(update_id=n, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id, chat_type="private",
                   text=text, callback_id=f"cb{n}" if data else None, callback_data=data,
                   message_id=1 if data else None, reply_to_text=reply_to)
    asyncio.run(core.handle(inc, io))
    return io.actions


def _views(service: IntakeService) -> list[tuple[int | None, str, list[Any]]]:
    with Session(service.db) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.action == "view").order_by(AuditLog.id)).all()
    return [(r.actor_id, r.detail["what"], r.detail["interview_ids"]) for r in rows]


@pytest.fixture
def core(service: IntakeService, tmp_path: Path) -> BotCore:
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                        INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
    return BotCore(service, settings)


def test_find_card_history_review_card_and_download_each_write_who_what_when(service: IntakeService,
                                                                              core: BotCore) -> None:
    surveyor = make_user(service, "surveyor", UNIT, tg_id=601)
    staff = make_user(service, "staff", UNIT, tg_id=602, name="刘审核")
    hid = submit(service, surveyor)
    assert _views(service) == []
    _send(core, staff, text=f"/find {WANG['name']}")
    _send(core, staff, data=buttons.CARD.data(hid))
    _send(core, staff, data=buttons.JOURNAL.data(hid))
    _send(core, staff, data=buttons.REVIEW.data(hid))
    got = _send(core, staff, data=buttons.DOWNLOAD.data(hid))
    assert any(isinstance(a, SendDocument) for a in got)
    assert _views(service) == [(staff.id, "find", [hid]), (staff.id, "card", [hid]), (staff.id, "history", [hid]),
                               (staff.id, "review_card", [hid]), (staff.id, "download", [hid])]
    with Session(service.db) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.action == "view")).all()
    assert all(r.at is not None for r in rows)
    assert all(WANG["id_number"] not in str(r.detail) and WANG["name"] not in str(r.detail) for r in rows), \
        "the audit names the record, never its content (nor the search words)"


def test_a_refused_look_writes_no_view(service: IntakeService, core: BotCore) -> None:
    surveyor = make_user(service, "surveyor", UNIT, tg_id=611)
    other = make_user(service, "staff", OTHER_UNIT, tg_id=612)
    hid = submit(service, surveyor)
    _send(core, other, data=buttons.REVIEW.data(hid))
    _send(core, other, data=buttons.CARD.data(hid))
    assert _views(service) == []


def _audit(db_url: str, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["audit", "--db", db_url, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_intake_audit_lists_a_units_rows_for_its_staff_and_every_unit_for_admins(
        service: IntakeService, core: BotCore, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    surveyor = make_user(service, "surveyor", UNIT, tg_id=621)
    staff = make_user(service, "staff", UNIT, tg_id=622)
    other_surveyor = make_user(service, "surveyor", OTHER_UNIT, tg_id=623)
    other = make_user(service, "staff", OTHER_UNIT, tg_id=624)
    admin = make_user(service, "admin", "", tg_id=625)
    mine = submit(service, surveyor)
    theirs = submit(service, other_surveyor, dict(WANG, name="李秀英", id_number="420802197806120412",
                                                  members=[]))
    _send(core, staff, data=buttons.CARD.data(mine))
    _send(core, other, data=buttons.CARD.data(theirs))

    code, out, _ = _audit(db_url, "--by", "622", "--action", "view", capsys=capsys)
    assert code == 0 and f"[{mine}]" in out and f"[{theirs}]" not in out
    code, out, err = _audit(db_url, "--by", "622", "--unit", OTHER_UNIT, capsys=capsys)
    assert code == 2 and "only admins" in err, "staff read only their own unit's audit"
    code, out, _ = _audit(db_url, "--by", "625", "--action", "view", capsys=capsys)
    assert code == 0 and f"[{mine}]" in out and f"[{theirs}]" in out
    code, out, _ = _audit(db_url, "--by", "625", "--actor", str(other.id), "--action", "view", capsys=capsys)
    assert f"[{theirs}]" in out and f"[{mine}]" not in out
    code, out, err = _audit(db_url, "--by", str(surveyor.tg_id), capsys=capsys)
    assert code == 2, "surveyors do not read the audit"
    assert admin.role == "admin"
