"""Staff records desk in the real bot: /export as documents, the daily delivery, /find, 脱困 and 返贫, /followup."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from flows.registry import load_registry
from bot.service import IntakeService
from exports.form_pdf import PdfUnavailable, check_pdf_support
from flows.autofill import OFFER
from storage import review
from storage.households import CLOSE_REASONS, local_date
from storage.migrate import ensure_schema
from storage.models import AuditLog, Interview, JobRun, User
from tests.e2e.conftest import ADMIN_ID, RUNTIMES, BotProcess, running
from tests.e2e.fake_bot_api import Call
from tests.e2e.people import Person, buttons_of, shipped_form, text_of
from tests.support.factory import OTHER_UNIT, TZ, UNIT, make_user
from tests.support.household import submit
from tests.support.plans import ALL_MET, household

ID_NUMBER = household()["id_number"]
KINDS = {"电子台账 XLSX", "附件1 打印版 PDF", "附件1 HTML", "附件2 统计表", "公示名单", "脱困档案库"}
DENIED_EXPORT = "只有工会工作人员和管理员可以导出档案"
DENIED_STAFF = "只有本单位的工作人员或管理员"


@dataclass
class Desk:
    """The people of one unit, and the household 王建国 that its surveyor registered and staff approved."""

    staff: Person
    other_staff: Person
    surveyor: Person
    worker: Person
    admin: Person
    household_id: int


@pytest.fixture(scope="module")
def desk(bot: BotProcess) -> Desk:
    """Staff, surveyor and worker of one unit, staff of another, the admin, and one approved household."""
    service = IntakeService(bot.db, load_registry())
    staff, other, surveyor, worker = (bot.person(n) for n in ("刘干事", "陈干事", "张调查员", "王建国"))
    staff_user = make_user(service, "staff", UNIT, tg_id=staff.user.id, name=staff.user.first_name)
    make_user(service, "staff", OTHER_UNIT, tg_id=other.user.id, name=other.user.first_name)
    entered_by = make_user(service, "surveyor", UNIT, tg_id=surveyor.user.id, name=surveyor.user.first_name)
    hid = submit(service, entered_by, household())  # the Wang household, as the surveyor would answer
    with service.session() as s:
        review.approve(s, interview_id=hid, reviewer=staff_user)
    return Desk(staff, other, surveyor, worker, bot.person("管理员", user_id=ADMIN_ID), hid)


def documents(bot: BotProcess, person: Person, since: int) -> list[Call]:
    """Documents the bot sent to a person since a call index."""
    return bot.api.sent_to(person.chat, since=since, methods=("sendDocument",))


def next_document(bot: BotProcess, person: Person, since: int, *, timeout: float = 30.0) -> Call:
    """The first document sent to a person after ``since`` (waits for it)."""
    return bot.api.wait_for(lambda c: c.method == "sendDocument" and c.status == 200 and c.chat_id == person.chat,
                            since=since, timeout=timeout)


def cells(content: bytes) -> list[object]:
    """Every non-empty cell value of every sheet of an XLSX file."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]


def household_row(engine: Engine, hid: int) -> Interview:
    with Session(engine) as s:
        found = s.get(Interview, hid)
        assert found is not None
        return found


def forge_press(bot: BotProcess, person: Person, data: str) -> int:
    """A hand-made button press (callback data the person was never shown) on the bot's latest message."""
    since = bot.api.mark()
    with bot.api.lock:
        latest = max(m["message_id"] for m in bot.api.messages[person.chat].values() if m["from"].get("is_bot"))
        message = {k: v for k, v in bot.api.messages[person.chat][latest].items() if not k.startswith("_")}
    bot.api.push({"callback_query": {"id": f"forged-{since}", "from": person.user.as_dict(), "chat_instance": "x",
                                     "data": data, "message": message}})
    return since


def test_the_menu_and_help_offer_the_new_commands(bot: BotProcess, desk: Desk) -> None:
    help_text = text_of(desk.staff.says("/help", prompt=False))
    bot.api.wait_idle()
    # the staff member's own menu (their role was set from the command line: /help brings it), not the worker's
    assert set(bot.api.menu(desk.staff.chat)) >= {"export", "find", "followup", "candidates", "notice"}
    assert not {"export", "review", "notice"} & set(bot.api.menu(desk.worker.chat))
    assert all(f"/{c}" in help_text for c in ("export", "find", "followup", "candidates", "notice"))


def test_staff_export_the_ledger_as_a_document_of_their_unit(bot: BotProcess, desk: Desk) -> None:
    staff = desk.staff
    menu = staff.says("/export", prompt=False)
    assert set(buttons_of(menu)) == KINDS
    scope = staff.presses("电子台账 XLSX", prompt=False)
    assert scope.method == "editMessageText" and buttons_of(scope) == [
        "本单位·今天", "本单位·本月", "本单位·全部时间", "本单位·今天·仅已审核", "本单位·本月·仅已审核", "本单位·全部时间·仅已审核"]

    since = bot.api.mark()
    staff.presses("本单位·全部时间", prompt=False)
    doc = next_document(bot, staff, since)
    assert doc.params["document"]["filename"] == f"电子台账_{UNIT}_全部时间.xlsx"
    values = cells(doc.params["document"]["content"])
    assert "王建国" in values and ID_NUMBER in values  # the ID number a text cell, digits intact
    assert "1 户" in doc.params["caption"]
    bot.api.wait_idle()
    assert len(documents(bot, staff, since)) == 1
    assert list(bot.tmp.iterdir()) == [], "the exported file is deleted after sending"
    with Session(bot.db) as s:
        staff_id = s.exec(select(User.id).where(User.tg_id == staff.user.id)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "export", AuditLog.actor_id == staff_id)).all()
    assert [(a.detail["format"], a.detail["filters"]["unit"], a.detail["rows"]) for a in audit] == [("xlsx", UNIT, 1)]

    # staff of another unit get nothing of this one, and cannot ask for every unit by forging the button
    other = desk.other_staff
    other.says("/export", prompt=False)
    other.presses("电子台账 XLSX", prompt=False)
    since = bot.api.mark()
    other.presses("本单位·全部时间", prompt=False)
    empty = bot.api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == other.chat, since=since)
    assert "没有符合条件的档案" in text_of(empty)
    since = forge_press(bot, other, "x:eg:xlsx:aa")
    assert "只能导出本单位" in text_of(other.expect(since))
    bot.api.wait_idle()
    assert documents(bot, other, since) == []


def test_workers_and_surveyors_cannot_export_and_admins_may_choose_every_unit(bot: BotProcess, desk: Desk) -> None:
    for person in (desk.worker, desk.surveyor):
        since = bot.api.mark()
        assert DENIED_EXPORT in text_of(person.says("/export", prompt=False))
        since = forge_press(bot, person, "x:eg:xlsx:ua")
        assert DENIED_EXPORT in text_of(person.expect(since))
        bot.api.wait_idle()
        assert documents(bot, person, since) == []
        assert DENIED_STAFF in text_of(person.says("/notice", prompt=False))

    admin = desk.admin
    admin.says("/export", prompt=False)
    scope = admin.presses("附件2 统计表", prompt=False)
    assert buttons_of(scope)[:3] == ["全部单位·今天", "全部单位·本月", "全部单位·全部时间"]
    assert buttons_of(scope)[3:] == ["全部单位·今天·仅已审核", "全部单位·本月·仅已审核", "全部单位·全部时间·仅已审核"]
    since = bot.api.mark()
    admin.presses("全部单位·本月", prompt=False)
    doc = next_document(bot, admin, since)
    values = cells(doc.params["document"]["content"])
    assert "困难城镇职工情况统计表" in values and "填报单位：市总工会" in values


def test_staff_get_the_notice_list_with_masked_names(bot: BotProcess, desk: Desk) -> None:
    try:
        check_pdf_support()
        with_pdf = True
    except PdfUnavailable:
        with_pdf = False
    since = bot.api.mark()
    desk.staff.says("/notice", prompt=False)
    xlsx = next_document(bot, desk.staff, since)
    assert xlsx.params["document"]["filename"].endswith(".xlsx")
    values = cells(xlsx.params["document"]["content"])
    assert "王*国" in values and "王建国" not in values and not any(ID_NUMBER in str(v) for v in values)
    if with_pdf:
        pdf = bot.api.wait_for(lambda c: c.method == "sendDocument" and c.chat_id == desk.staff.chat
                               and c.params["document"]["filename"].endswith(".pdf"), since=since, timeout=60)
        assert pdf.params["document"]["content"].startswith(b"%PDF")


def test_a_surveyor_follows_up_by_typing_and_staff_see_the_candidate(bot: BotProcess, desk: Desk) -> None:
    surveyor = desk.surveyor
    first = surveyor.says("/followup 王建国")
    assert "开始对 王建国" in text_of(first) and "请填写：回访日期" in text_of(first)
    done = surveyor.fill(first, dict(ALL_MET, followup_date=OFFER), form=shipped_form("followup"))
    assert "✅ 已提交" in text_of(done)
    with Session(bot.db) as s:
        visit = s.exec(select(Interview).where(Interview.household_id == desk.household_id,
                                               Interview.form_key == "followup")).one()
    answers = visit.state["answers"]
    assert visit.status == "submitted" and answers["has_food"] is True and answers["surveyor"] == "张调查员"
    assert [m["name"] for m in answers["measures"]] == ["春节送温暖慰问金", "金秋助学金"]

    assert DENIED_STAFF in text_of(surveyor.says("/candidates", prompt=False))
    listing = desk.staff.says("/candidates", prompt=False)
    assert "王建国" in text_of(listing) and "两有五保障" in text_of(listing)
    card = desk.staff.presses(next(b for b in buttons_of(listing) if "王建国" in b), prompt=False)
    assert "回访1：" in text_of(card) and "7/7" in text_of(card) and "标记脱困" in buttons_of(card)


def test_staff_find_mark_tuokun_and_reopen(bot: BotProcess, desk: Desk) -> None:
    staff, hid = desk.staff, desk.household_id
    today = datetime.now(TZ).date()
    found = staff.says("/find 王建国", prompt=False)
    assert "找到 1 户" in text_of(found) and "******" in text_of(found) and ID_NUMBER not in text_of(found)
    assert {"回访", "档案", "修改记录", "标记脱困"} <= set(buttons_of(found))
    reasons = staff.presses("标记脱困", prompt=False)
    assert buttons_of(reasons) == list(CLOSE_REASONS)
    ask = staff.presses("就业增收", prompt=False)
    assert "【办理脱困】" in text_of(ask)
    assert "已办理脱困" in text_of(staff.presses(f"按今天办理（{today}）", prompt=False))
    closed = household_row(bot.db, hid)
    assert (closed.status, closed.closed_reason) == ("closed", "就业增收")

    since = forge_press(bot, desk.surveyor, f"x:fo:{hid}")  # only staff of the unit may reopen
    assert DENIED_STAFF in text_of(desk.surveyor.expect(since))
    assert household_row(bot.db, hid).status == "closed"

    found = staff.says("/find 王建国", prompt=False)
    assert "已脱困" in text_of(found) and "返贫" in buttons_of(found) and "标记脱困" not in buttons_of(found)
    ask = staff.presses("返贫", prompt=False)
    assert ask.params["reply_markup"]["force_reply"] is True
    done = staff.says("再次失业，家庭收入低于低保标准", prompt=False, reply_to=ask.result)
    assert "已办理返贫" in text_of(done)
    assert household_row(bot.db, hid).status == "approved"

    # a date typed as the reply; an impossible one is asked again
    staff.says("/find 王建国", prompt=False)
    staff.presses("标记脱困", prompt=False)
    ask = staff.presses("子女毕业就业", prompt=False)
    again = staff.says("2026-13-01", prompt=False, reply_to=ask.result)
    assert "不存在" in text_of(again) and again.params["reply_markup"]["force_reply"] is True
    assert household_row(bot.db, hid).status == "approved"
    day = today - timedelta(days=2)
    done = staff.says(f"{day} 长子已在武汉就业", prompt=False, reply_to=again.result)
    assert "已办理脱困" in text_of(done) and str(day) in text_of(done)
    closed = household_row(bot.db, hid)
    assert (closed.status, closed.closed_reason) == ("closed", "子女毕业就业：长子已在武汉就业")
    assert closed.closed_at is not None and local_date(closed.closed_at, TZ) == day

    found = staff.says("/find 141232", prompt=False)  # by the ID number's last six digits
    assert "返贫" in buttons_of(found)
    journal = staff.presses("修改记录", prompt=False)
    assert "办理脱困" in text_of(journal) and "办理返贫" in text_of(journal)
    ask = staff.presses("返贫", prompt=False)
    staff.says("再次失业", prompt=False, reply_to=ask.result)
    assert household_row(bot.db, hid).status == "approved"


# --- the daily delivery --------------------------------------------------------------------

@pytest.fixture(params=RUNTIMES)
def daily_bot(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BotProcess]:
    """A bot whose daily delivery time has just passed today (Asia/Shanghai); not started yet."""
    proc = BotProcess(request.param, tmp_path)
    now = datetime.now(TZ)
    at = max(now - timedelta(minutes=2), now.replace(hour=0, minute=0))
    proc.env.update({"INTAKE_DAILY_EXPORT_AT": f"{at:%H:%M}", "INTAKE_TIMEZONE": "Asia/Shanghai"})
    with running(proc, start=False):  # each test starts it when its database is ready
        yield proc


def _checks_done(proc: BotProcess) -> int:
    return proc.log().count("daily delivery: first check done")


def _wait_checks(proc: BotProcess, n: int, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while _checks_done(proc) < n:
        assert time.monotonic() < end, f"the daily check did not run:\n{proc.log()}"
        time.sleep(0.1)


def test_the_daily_ledger_arrives_once_and_not_again_after_a_restart(daily_bot: BotProcess) -> None:
    proc = daily_bot
    ensure_schema(proc.db)
    service = IntakeService(proc.db, load_registry())
    staff = proc.person("刘干事")
    make_user(service, "staff", UNIT, tg_id=staff.user.id, name=staff.user.first_name)
    surveyor = proc.person("张调查员")
    submit(service, make_user(service, "surveyor", UNIT, tg_id=surveyor.user.id, name=surveyor.user.first_name),
           household())

    proc.start()
    ledger = next_document(proc, staff, 0)
    today = datetime.now(TZ).date()
    assert "电子台账" in ledger.params["caption"] and str(today) in ledger.params["caption"]
    assert ledger.params["document"]["filename"] == f"电子台账_{UNIT}_{today}.xlsx"
    assert "王建国" in cells(ledger.params["document"]["content"])
    _wait_checks(proc, 1)
    proc.api.wait_idle()
    sent = [c.params["caption"] for c in documents(proc, staff, 0)]
    assert len(sent) == 2 and sum("电子台账" in c for c in sent) == 1 and sum("附件2" in c for c in sent) == 1
    assert list(proc.tmp.iterdir()) == []

    assert proc.stop() in (0, None, -15)
    since = proc.api.mark()
    proc.start()
    _wait_checks(proc, 2)
    proc.api.wait_idle()
    assert documents(proc, staff, since) == []
    with Session(proc.db) as s:
        assert date.fromisoformat(s.get(JobRun, "daily_export").last_run) == today  # type: ignore[union-attr]
