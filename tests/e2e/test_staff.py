"""Invites, a surveyor with two interviews at once, and staff review (approve / return with a comment)."""

from __future__ import annotations

import re
import subprocess
import sys

from sqlmodel import Session, select

from storage.models import AnswerEvent, AuditLog, Interview, User
from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.e2e.people import Person, buttons_of, text_of
from tests.support.plans import household

LINK = re.compile(r"https://t\.me/intake_test_bot\?start=([A-Za-z0-9_-]+)")
UNIT = "东宝区总工会"


def id_number(first17: str) -> str:
    """A valid 18-digit ID number (GB 11643 check digit)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def _user(bot: BotProcess, person: Person) -> User:
    with Session(bot.db) as s:
        return s.exec(select(User).where(User.tg_id == person.user.id)).one()


def _by_name(bot: BotProcess, name: str) -> Interview:
    with Session(bot.db) as s:
        return s.exec(select(Interview).where(Interview.worker_name == name)).one()


def _open_draft(person: Person, name: str) -> None:
    listing = person.says("/drafts")
    label = next(b for b in buttons_of(listing) if name in b)
    return person.presses(label)


def test_invites_a_surveyor_with_two_interviews_and_staff_review(bot: BotProcess) -> None:
    admin = bot.person("管理员", user_id=ADMIN_ID)
    created = admin.says(f"/invite 调查员 {UNIT}", prompt=False)
    code = LINK.search(text_of(created)).group(1)  # type: ignore[union-attr]

    surveyor = bot.person("张调查员")
    assert "您现在是调查员" in text_of(surveyor.says(f"/start {code}", prompt=False))
    assert (_user(bot, surveyor).role, _user(bot, surveyor).unit) == ("surveyor", UNIT)
    assert "已经被使用过" in text_of(bot.person("路人").says(f"/start {code}", prompt=False))

    # two households at once: /new, /new, then /drafts to switch back and forth
    assert "请填写：姓名" in text_of(surveyor.says("/new"))
    surveyor.says("王建国")
    surveyor.says("汉族")
    assert "请填写：姓名" in text_of(surveyor.says("/new"))
    assert "请填写：民族" in text_of(surveyor.says("李秀英"))
    assert "请填写：政治面貌" in text_of(_open_draft(surveyor, "王建国"))
    surveyor.presses("3. 群众")
    assert "请填写：民族" in text_of(_open_draft(surveyor, "李秀英"))
    surveyor.says("回族")
    wang, li = _by_name(bot, "王建国"), _by_name(bot, "李秀英")
    assert wang.state["answers"] == {"name": "王建国", "ethnicity": "汉族", "political_status": "群众"}
    assert li.state["answers"] == {"name": "李秀英", "ethnicity": "回族"}
    assert {wang.kind, li.kind, wang.unit, li.unit} == {"survey", UNIT}

    # both finished, staff part included (建档人 offered as the surveyor's name)
    surveyor.fill(_open_draft(surveyor, "王建国"), household())
    li_plan = household(name="李秀英", ethnicity="回族", id_number="420802197806120412")
    surveyor.fill(_open_draft(surveyor, "李秀英"), li_plan)
    wang, li = _by_name(bot, "王建国"), _by_name(bot, "李秀英")
    assert (wang.status, li.status) == ("submitted", "submitted")
    assert wang.state["answers"]["filed_by"] == "张调查员" and wang.state["answers"]["relief_target"] is True

    # a staff member invited from the command line reviews the unit's records
    out = subprocess.run([sys.executable, "-m", "bot.cli", "invite", "--role", "staff", "--unit", UNIT],
                         env=bot.env, cwd=bot.workdir, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    staff = bot.person("刘审核")
    staff.says(f"/start {LINK.search(out.stdout).group(1)}", prompt=False)  # type: ignore[union-attr]
    assert _user(bot, staff).role == "staff"

    forged = bot.api.mark()  # the surveyor forges a review button: refused on the server
    bot.api.push({"callback_query": {"id": "f1", "from": surveyor.user.as_dict(), "chat_instance": "x",
                                     "data": f"x:ra:{wang.id}", "message": last_keyboard(surveyor)}})
    assert "只有工会工作人员" in text_of(surveyor.expect(forged))

    listing = staff.says("/review")
    assert "待审核 2 份（第 1/1 页）" in text_of(listing)
    assert len([b for b in buttons_of(listing) if " · " in b]) == 2 and "✅ 全部审核通过（2 份）" in buttons_of(listing)
    detail = staff.presses(next(b for b in buttons_of(listing) if "王建国" in b))
    assert "王建国" in text_of(detail) and "【家庭主要成员】" in text_of(detail)
    doc = staff.presses("📄 下载档案文本", prompt=False)
    assert doc.method == "sendDocument" and "王建国" in doc.params["document"]["content"].decode("utf-8")
    since = bot.api.mark()
    staff.presses("✅ 审核通过", prompt=False)
    ask_name = staff.expect(since)  # 审核人 is a registered real name, never the Telegram display name
    assert "还没有登记" in text_of(ask_name) and _by_name(bot, "王建国").status == "submitted"
    since = bot.api.mark()
    staff.says("刘审核", prompt=False, reply_to=ask_name.result)
    bot.api.wait_idle()
    assert "审核人：刘审核" in "\n".join(text_of(c) for c in bot.api.sent_to(staff.chat, since=since))
    assert "已审核通过" in text_of(surveyor.expect(since))
    wang = _by_name(bot, "王建国")
    assert (wang.status, wang.approved_by, wang.state["answers"]["reviewed_by"]) == \
        ("approved", _user(bot, staff).id, "刘审核")
    with Session(bot.db) as s:
        assert [e.new for e in s.exec(select(AnswerEvent).where(
            AnswerEvent.interview_id == wang.id, AnswerEvent.path == "reviewed_by"))] == ["刘审核"]
        assert s.exec(select(AuditLog).where(AuditLog.action == "approve_interview")).one()

    # returned with a comment naming a field: reopens there for the surveyor
    listing = staff.says("/review")
    staff.presses(next(b for b in buttons_of(listing) if "李秀英" in b))
    ask = staff.presses("↩ 退回修改", prompt=False)
    assert "【退回意见】" in text_of(ask) and ask.params["reply_markup"]["force_reply"] is True
    vague = staff.says("请再核实一下", prompt=False, reply_to=ask.result)
    assert "没有找到要修改的项目名称" in text_of(vague) and _by_name(bot, "李秀英").status == "submitted"
    since = bot.api.mark()
    staff.says("身份证号有误，请核对", prompt=False, reply_to=vague.result)
    assert "已退回修改（身份证号）" in text_of(staff.expect(since))
    notice = surveyor.expect(since, prompt=True)
    assert "身份证号有误" in text_of(notice) and buttons_of(notice) == ["继续修改"]
    assert _by_name(bot, "李秀英").status == "returned"
    reopened = surveyor.presses("继续修改")
    assert "请填写：身份证号" in text_of(reopened) and "当前填写：420802197806120412" in text_of(reopened)
    fixed = id_number("42080219780612051")  # not ...0420: that is the spouse's number in this plan (refused)
    surveyor.fill(surveyor.says(fixed), li_plan)
    li = _by_name(bot, "李秀英")
    assert (li.status, li.state["answers"]["id_number"], li.review_comment) == \
        ("submitted", fixed, "身份证号有误，请核对")
    assert li.state["answers"]["ethnicity"] == "回族"  # everything else kept


def test_admin_sets_a_role(bot: BotProcess) -> None:
    admin = bot.person("管理员", user_id=ADMIN_ID)
    assert "设为工作人员" in text_of(admin.says(f"/role 7123456 工作人员 {UNIT}", prompt=False))
    assert "用法" in text_of(admin.says("/role nobody", prompt=False))
    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == 7123456)).one()
        assert (user.role, user.unit) == ("staff", UNIT)


def last_keyboard(person: Person) -> dict:
    """The latest bot message in a person's chat (a forged press needs one; answered questions keep no buttons)."""
    with person.api.lock:
        latest = max(person.api.messages[person.chat].values(), key=lambda m: m["message_id"])
    return {k: v for k, v in latest.items() if not k.startswith("_")}
