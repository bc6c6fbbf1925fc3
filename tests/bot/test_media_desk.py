"""Shared contacts through the bot core: at a surveyor's 手机号码 another person's contact is recorded and the
message says whose it was; a number that is no mobile number is asked again; no share button for surveyors."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram.actions import Incoming, SendMessage, SharedContact
from bot.telegram.core import BotCore
from flows.catalog import t
from storage.models import User
from tests.support.chat import RecordingIO
from tests.support.factory import UNIT, load, make_user
from tests.support.household import drive


def _contact(core: BotCore, io: RecordingIO, user: User, update_id: int, phone: str) -> list[SendMessage]:
    inc = Incoming(update_id=update_id, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id,
                   chat_type="private", other="contact", contact=SharedContact(phone, 777001, "赵大军"))
    before = len(io.actions)
    asyncio.run(core.handle(inc, io))
    return [a for a in io.actions[before:] if isinstance(a, SendMessage)]


def test_a_surveyor_shares_the_workers_contact_at_the_phone_question(service: IntakeService, tmp_path: Path) -> None:
    surveyor = make_user(service, "surveyor", UNIT, tg_id=555001, name="张调查员")
    iid = drive(service, surveyor, until="phone")
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                        INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
    core, io = BotCore(service, settings), RecordingIO()
    landline = _contact(core, io, surveyor, 1, "0724-2372244")
    assert not any(t("media.contact_of", name="赵大军") == m.text for m in landline)
    assert "请填写：手机号码" in landline[-1].text  # asked again, with why
    assert "phone" not in load(service, iid).state["answers"]
    sent = _contact(core, io, surveyor, 2, "+86 139-1234-5678")
    assert sent[0].text == t("media.contact_of", name="赵大军")
    assert load(service, iid).state["answers"]["phone"] == "13912345678"
    assert not any(m.contact_button for m in sent)  # the share button shares one's own number: not a surveyor's
