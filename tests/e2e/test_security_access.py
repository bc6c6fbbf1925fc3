"""Issue 13 through the real bot: no path across units by invite, self-report or the duplicate-ID check."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from storage.models import AuditLog, Interview, User
from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.e2e.people import Person, buttons_of, text_of
from tests.e2e.test_staff import id_number
from tests.support.plans import household

LINK = re.compile(r"https://t\.me/intake_test_bot\?start=([A-Za-z0-9_-]+)")
JINGSHAN, DONGBAO = "京山市总工会", "东宝区总工会"


def _user(bot: BotProcess, person: Person) -> User:
    with Session(bot.db) as s:
        return s.exec(select(User).where(User.tg_id == person.user.id)).one()


def _invite(inviter: Person, args: str) -> str:
    created = inviter.says(f"/invite {args}", prompt=False)
    found = LINK.search(text_of(created))
    assert found, text_of(created)
    return found.group(1)


def _member(bot: BotProcess, admin: Person, name: str, role: str, unit: str) -> Person:
    person = bot.person(name)
    assert "邀请已生效" in text_of(person.says(f"/start {_invite(admin, f'{role} {unit}')}", prompt=False))
    return person


def _texts_since(bot: BotProcess, person: Person, since: int) -> str:
    return "\n".join(text_of(c) for c in bot.api.sent_to(person.chat, since=since))


def _forge(bot: BotProcess, person: Person, data: str) -> str:
    since = bot.api.mark()
    message = {"message_id": 1, "date": 0, "chat": {"id": person.chat, "type": "private"}, "text": "…",
               "from": {"id": 123456, "is_bot": True, "first_name": "Intake Test"}}  # any old message of theirs
    bot.api.push({"callback_query": {"id": f"f{since}", "from": person.user.as_dict(), "chat_instance": "x",
                                     "data": data, "message": message}})
    return text_of(person.expect(since))


def test_an_invite_never_moves_staff_across_units_nor_lowers_a_role(bot: BotProcess) -> None:
    admin = bot.person("管理员", user_id=ADMIN_ID)
    jingshan = _member(bot, admin, "京山干事", "工作人员", JINGSHAN)
    dongbao = _member(bot, admin, "东宝干事", "工作人员", DONGBAO)
    surveyor = _member(bot, admin, "东宝调查员", "调查员", DONGBAO)

    code = _invite(jingshan, "调查员")  # 京山's staff invite a surveyor; 东宝's staff open the link
    refused = text_of(dongbao.says(f"/start {code}", prompt=False))
    assert "低于您现在的角色" in refused
    assert (_user(bot, dongbao).role, _user(bot, dongbao).unit) == ("staff", DONGBAO)
    # a surveyor of 东宝 with the same (unused) link: a staff member's invite never moves a unit
    assert "只能由管理员办理" in text_of(surveyor.says(f"/start {code}", prompt=False))
    assert _user(bot, surveyor).unit == DONGBAO

    # an admin's invite may move them, after they confirm with the button
    move = _invite(admin, f"调查员 {JINGSHAN}")
    asked = surveyor.says(f"/start {move}")
    assert "调到“京山市总工会”" in text_of(asked) and _user(bot, surveyor).unit == DONGBAO
    bot.api.wait_idle()
    since = bot.api.mark()
    surveyor.presses(buttons_of(asked)[0], prompt=False)
    bot.api.wait_idle()
    assert "您现在是调查员（单位：京山市总工会）" in _texts_since(bot, surveyor, since)
    assert _user(bot, surveyor).unit == JINGSHAN
    with Session(bot.db) as s:
        moved = [a.detail for a in s.exec(select(AuditLog).where(AuditLog.action == "change_unit"))]
    assert moved and moved[-1]["old_unit"] == DONGBAO and moved[-1]["unit"] == JINGSHAN


def test_an_unassigned_self_report_is_only_for_the_unit_it_claims_and_read_only(bot: BotProcess) -> None:
    admin = bot.person("管理员", user_id=ADMIN_ID)
    jingshan = _member(bot, admin, "京山审核", "工作人员", JINGSHAN)
    dongbao = _member(bot, admin, "东宝审核", "工作人员", DONGBAO)
    worker = bot.person("王建国")
    assert "✅ 已提交" in text_of(worker.fill(worker.says("/start"), household()))  # region 东宝区
    with Session(bot.db) as s:
        iv = s.exec(select(Interview).where(Interview.kind == "self", Interview.worker_name == "王建国")).one()
    assert iv.unit == "" and iv.status == "submitted"

    assert "王建国" not in " ".join(buttons_of(jingshan.says("/review", prompt=False)))
    assert "无权查看" in _forge(bot, jingshan, f"x:rv:{iv.id}")  # the review card of another unit's report
    assert "无权查看" in _forge(bot, jingshan, f"x:dl:{iv.id}")  # and its download
    assert "无权查看" in _forge(bot, jingshan, f"x:to:{iv.id}")  # and taking it over

    listing = dongbao.says("/review")
    card = dongbao.presses(next(b for b in buttons_of(listing) if "王建国" in b))
    assert "接手并补充帮扶计划" in buttons_of(card) and "✅ 审核通过" not in buttons_of(card), "read only"
    assert "无权查看" in _forge(bot, dongbao, f"x:ra:{iv.id}")  # approving before taking over: refused
    with Session(bot.db) as s:
        views = [a.detail for a in s.exec(select(AuditLog).where(AuditLog.action == "view"))]
    assert any(v["what"] == "review_card" and v["interview_ids"] == [iv.id] for v in views)
    since = bot.api.mark()
    dongbao.presses("接手并补充帮扶计划")
    assert "已接手 王建国" in _texts_since(bot, dongbao, since)
    with Session(bot.db) as s:
        fresh = s.get(Interview, iv.id)
        audit = s.exec(select(AuditLog).where(AuditLog.action == "take_over")).all()
    assert fresh is not None and fresh.unit == DONGBAO and fresh.status == "draft"
    assert audit and audit[-1].detail["unit"] == DONGBAO and audit[-1].detail["old_unit"] == ""


def test_the_duplicate_check_discloses_nothing_of_another_units_archive(bot: BotProcess) -> None:
    admin = bot.person("管理员", user_id=ADMIN_ID)
    owner = _member(bot, admin, "东宝登记", "调查员", DONGBAO)
    number = id_number("42080219680505001")
    assert "✅ 已提交" in text_of(owner.fill(owner.says("/new"), household(name="赵国强", id_number=number)))
    other = _member(bot, admin, "京山登记", "调查员", JINGSHAN)
    other.says("/new")
    other.says("孙立")
    other.says("汉族")
    other.presses("3. 群众")
    since = bot.api.mark()
    other.says(number)
    bot.api.wait_idle()
    told = _texts_since(bot, other, since)
    assert "已经登记过" in told and "联系工作人员" in told
    for secret in ("赵国强", "submitted", "已提交", "JM20", "打开那份档案"):
        assert secret not in told, secret
    with Session(bot.db) as s:
        mine = s.exec(select(Interview).where(Interview.worker_name == "孙立")).one()
        theirs = s.exec(select(Interview).where(Interview.worker_name == "赵国强")).one()
    assert mine.status == "draft" and theirs.status == "submitted", "nobody's draft is cancelled"
