"""审核人 is the name the staff member registered, never their Telegram display name (issue 13, item 11)."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.service import IntakeService
from bot.telegram import buttons
from bot.telegram.actions import SendMessage
from bot.telegram.core import BotCore
from storage.models import AuditLog, Interview, User
from tests.bot.test_audit import _send, core  # noqa: F401 - the fixture
from tests.support.factory import UNIT, make_user
from tests.support.household import submit
from tests.support.plans import household


def _texts(actions: list) -> str:  # noqa: ANN001
    return "\n".join(a.text for a in actions if isinstance(a, SendMessage))


def test_without_a_registered_name_the_card_asks_for_it_and_the_display_name_is_never_stored(
        service: IntakeService, core: BotCore) -> None:  # noqa: F811
    surveyor = make_user(service, "surveyor", UNIT, tg_id=701)
    staff = make_user(service, "staff", UNIT, tg_id=702, name="县总工会主席 张某某")
    first = submit(service, surveyor)
    second = submit(service, surveyor, household(name="李秀英", id_number="420802197806120412"))

    asked = _send(core, staff, data=buttons.APPROVE.data(first))
    assert "还没有登记" in _texts(asked) and any(isinstance(a, SendMessage) and a.force_reply for a in asked)
    with Session(service.db) as s:
        assert s.get(Interview, first).status == "submitted", "nothing approved before the name is known"
    bad = _send(core, staff, text="123", reply_to="审核人")
    assert "请重新回复您的真实姓名" in _texts(bad)
    done = _send(core, staff, text="张伟", reply_to="审核人")
    assert "已登记您的姓名：张伟" in _texts(done) and "审核人：张伟" in _texts(done)
    confirm = _send(core, staff, data=buttons.APPROVE.data(second))  # the name is known: 审核通过 asks to confirm
    assert "确认审核通过" in _texts(confirm) and "还没有登记" not in _texts(confirm), "the name asked once"
    again = _send(core, staff, data=buttons.APPROVE_YES.data(second))
    assert "审核人：张伟" in _texts(again)
    with Session(service.db) as s:
        reviewed = [s.get(Interview, i).state["answers"]["reviewed_by"] for i in (first, second)]
        user = s.exec(select(User).where(User.tg_id == 702)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "register_name")).one()
    assert reviewed == ["张伟", "张伟"] and user.registered_name == "张伟" and audit.detail["new"] == "张伟"
    assert all("主席" not in r for r in reviewed)
