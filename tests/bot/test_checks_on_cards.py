"""The household's 核对提示 stored at submit are shown to staff: on the review card and on the record card."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram import buttons
from bot.telegram.actions import Incoming, SendMessage
from bot.telegram.core import BotCore
from flows.idcard import id_check_digit
from storage import review
from storage.models import User
from tests.support.factory import make_user
from tests.support.household import submit
from tests.support.plans import household
from tests.support.chat import RecordingIO

UNIT = "东宝区总工会"


def _press(core: BotCore, user: User, data: str, n: int) -> str:
    io = RecordingIO()
    inc = Incoming(update_id=n, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id, chat_type="private",
                   text=None, callback_id=f"cb{n}", callback_data=data, message_id=1, reply_to_text=None)
    asyncio.run(core.handle(inc, io))
    return "\n".join(a.text for a in io.actions if isinstance(a, SendMessage))


def test_staff_see_the_stored_checks_on_the_review_and_record_cards(service: IntakeService, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                        INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
    staff, surveyor = make_user(service, "staff", UNIT, tg_id=11), make_user(service, "surveyor", UNIT, tg_id=12)
    odd = submit(service, surveyor, household(household_size="5", months_below_standard="8"))
    body = "42080219750408123"
    plain = submit(service, surveyor, household(name="李建军", id_number=body + id_check_digit(body)))
    core, n = BotCore(service, settings), itertools.count(1)
    card = _press(core, staff, buttons.REVIEW.data(odd), next(n))
    assert "核对提示" in card and "家庭人口填的是 5 人" in card and "共 4 人" in card
    assert "核对提示" not in _press(core, staff, buttons.REVIEW.data(plain), next(n))
    with service.session() as s:
        review.approve(s, interview_id=odd, reviewer=staff)
    record = _press(core, staff, buttons.CARD.data(odd), next(n))
    assert "核对提示" in record and "家庭人口填的是 5 人" in record
