"""Whose record it is: a returned record never takes over the household being answered; menus by role;
/start after submitting shows the record's status."""

from __future__ import annotations

import re
import subprocess
import sys

from sqlmodel import Session, select

from storage.models import Interview, User
from tests.e2e.conftest import ADMIN_ID, BotProcess
from tests.e2e.people import Person, buttons_of, text_of
from tests.support.plans import household

LINK = re.compile(r"https://t\.me/intake_test_bot\?start=([A-Za-z0-9_-]+)")
UNIT = "东宝区总工会"
STAFF_COMMANDS = {"review", "invite", "export", "candidates", "notice", "role"}
ZHAO_ID = "420802198001013016"  # 赵大军, the household the surveyor is answering
CHEN_ID = "42080219750315202X"  # 陈国华, the record staff return


def _record(bot: BotProcess, name: str) -> Interview:
    with Session(bot.db) as s:
        return s.exec(select(Interview).where(Interview.worker_name == name)).one()


def _active(bot: BotProcess, person: Person) -> int | None:
    with Session(bot.db) as s:
        return s.exec(select(User).where(User.tg_id == person.user.id)).one().active_interview_id


def _invited(bot: BotProcess, role: str, name: str) -> Person:
    out = subprocess.run([sys.executable, "-m", "bot.cli", "invite", "--role", role, "--unit", UNIT],
                         env=bot.env, cwd=bot.workdir, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    person = bot.person(name)
    person.says(f"/start {LINK.search(out.stdout).group(1)}", prompt=False)  # type: ignore[union-attr]
    bot.api.wait_idle()
    return person


def test_a_returned_record_does_not_take_the_answers_of_the_household_being_filled(bot: BotProcess) -> None:
    surveyor = _invited(bot, "surveyor", "张调查员")
    menu = set(bot.api.menu(surveyor.chat))
    assert {"new", "drafts"} <= menu and not menu & STAFF_COMMANDS

    chen_plan = household(name="陈国华", id_number=CHEN_ID)
    surveyor.fill(surveyor.says("/new"), chen_plan)
    assert _record(bot, "陈国华").status == "submitted"

    # two drafts: 赵大军 (at 身份证号) and 李秀英; the surveyor goes back to 赵大军
    zhao_plan = household(name="赵大军", id_number=ZHAO_ID)
    surveyor.fill(surveyor.says("/new"), zhao_plan, stop_at="身份证号")
    surveyor.says("/new")
    surveyor.says("李秀英")
    listing = surveyor.says("/drafts")
    since = bot.api.mark()
    at_id = surveyor.presses(next(b for b in buttons_of(listing) if "赵大军" in b))
    said = "\n".join(text_of(c) for c in bot.api.sent_to(surveyor.chat, since=since))
    assert "已切换到：赵大军" in said
    assert "请填写：身份证号" in text_of(at_id) and text_of(at_id).startswith("赵大军 · ")
    zhao = _record(bot, "赵大军")
    assert _active(bot, surveyor) == zhao.id

    # staff return 陈国华 while the surveyor is at 赵大军's 身份证号
    staff = _invited(bot, "staff", "刘审核")
    assert STAFF_COMMANDS - {"role"} <= set(bot.api.menu(staff.chat))
    listing = staff.says("/review")
    staff.presses(next(b for b in buttons_of(listing) if "陈国华" in b))
    ask = staff.presses("↩ 退回修改", prompt=False)
    since = bot.api.mark()
    staff.says("身份证号有误，请核对", prompt=False, reply_to=ask.result)
    notice = surveyor.expect(since, prompt=True)
    assert "陈国华" in text_of(notice) and "身份证号" in text_of(notice) and "有误" in text_of(notice)
    assert buttons_of(notice) == ["继续修改"]
    chen = _record(bot, "陈国华")
    assert chen.status == "returned" and _active(bot, surveyor) == zhao.id  # the return changed nothing else

    # the next answer is 赵大军's, and it is stored in 赵大军's record
    nxt = surveyor.says(ZHAO_ID)
    assert text_of(nxt).startswith("赵大军 · ")
    zhao, chen, li = _record(bot, "赵大军"), _record(bot, "陈国华"), _record(bot, "李秀英")
    assert zhao.state["answers"]["id_number"] == ZHAO_ID
    assert chen.state["answers"]["id_number"] == CHEN_ID and ZHAO_ID not in str(chen.state["answers"])
    assert li.state["answers"] == {"name": "李秀英"}

    # only the surveyor's own choice opens the returned record: 继续修改 on the notice
    since = bot.api.mark()
    bot.api.user_presses(surveyor.user, "继续修改", message=notice.result)
    reopened = surveyor.expect(since, prompt=True)
    said = "\n".join(text_of(c) for c in bot.api.sent_to(surveyor.chat, since=since))
    assert "已切换到：陈国华" in said and "需要修改：身份证号" in said and "原因：身份证号有误" in said
    assert "请填写：身份证号" in text_of(reopened) and text_of(reopened).startswith("陈国华 · ")
    assert _active(bot, surveyor) == chen.id


def test_a_workers_menu_and_start_after_submitting(bot: BotProcess) -> None:
    worker = bot.person("孙职工")
    welcome = worker.says("/start")
    said = "\n".join(text_of(c) for c in bot.api.sent_to(worker.chat))
    assert "身份证" in said and "户口簿" in said and "分钟" in said and "保存" in said
    menu = bot.api.menu(worker.chat)
    assert "start" in menu and not set(menu) & STAFF_COMMANDS and "new" not in menu
    assert not text_of(welcome).startswith("孙职工 · ")  # one's own record carries no household head

    done = worker.fill(welcome, household(name="孙职工", id_number="420802197806120412"))
    assert "审核" in text_of(done) and "/start" in text_of(done)
    status = worker.says("/start", prompt=True)
    assert "当前状态：已提交，待审核" in text_of(status) and "无需重复填写" not in text_of(status)
    assert buttons_of(status) == ["查看", "修改"]
    shown = worker.presses("查看", prompt=False)
    assert "孙职工" in text_of(shown) and "【" in text_of(shown)

    # 修改 while staff have not acted: back at the final review, signed again
    since = bot.api.mark()
    bot.api.user_presses(worker.user, "修改", message=status.result)
    final = worker.expect(since, prompt=True)
    assert "确认签字提交" in buttons_of(final) and _record(bot, "孙职工").status == "draft"
    again = worker.presses("确认签字提交")
    assert "✅ 已提交" in text_of(again) and _record(bot, "孙职工").status == "submitted"
    assert not set(bot.api.menu(worker.chat)) & STAFF_COMMANDS
    assert bot.api.menu(ADMIN_ID) == bot.api.menu(worker.chat)  # nobody placed the admin yet: the default
