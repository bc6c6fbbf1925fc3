"""The records desk in-process: every /export kind as a document that opens, 脱困 moving a household from the
ledger to the 脱困档案库 and back, roles refused on the server, replies parsed, the daily delivery once a day."""

from __future__ import annotations

import asyncio
import io
import itertools
import tempfile
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram.actions import Action, Incoming, SendDocument, SendMessage
from bot.telegram.core import BotCore
from bot.telegram.daily_task import DeliveryStopped, check_once, thread_sender
from bot.telegram.exports_desk import KINDS, scopes
from bot.telegram.records import split_date
from exports.form_pdf import PdfUnavailable, check_pdf_support
from exports.daily import last_run
from exports.query import FilterError
from flows.catalog import t
from storage import pending, review
from storage.models import Interview, User
from tests.support.factory import OTHER_UNIT, TZ, UNIT, make_user
from tests.support.household import submit
from tests.support.plans import household
from tests.support.chat import RecordingIO

ID_NUMBER = household()["id_number"]


@dataclass
class Office:
    """A bot core over a fresh database, the people of one unit and one approved household."""

    core: BotCore
    io: RecordingIO
    people: dict[str, User]
    household_id: int
    updates: itertools.count

    async def send(self, who: str, *, text: str | None = None, data: str | None = None,
                   reply_to: str | None = None) -> list[Action]:
        """One update from a person (a message, or a button press); the actions it caused."""
        user = self.people[who]
        n = next(self.updates)
        inc = Incoming(update_id=n, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id, chat_type="private",
                       text=text, callback_id=f"cb{n}" if data else None, callback_data=data,
                       message_id=1 if data else None, reply_to_text=reply_to)
        before = len(self.io.actions)
        await self.core.handle(inc, self.io)
        return self.io.actions[before:]

    def prompted(self, who: str, kind: str, interview_id: int, **payload: Any) -> None:
        """A prompt this person got (say, while they still had the role), as the bot stores it when sent."""
        user = self.people[who]
        with self.core.service.session() as s:
            pending.remember(s, chat_id=user.tg_id or 0, user_id=user.id or 0, kind=kind, interview_id=interview_id,
                             payload=payload)

    def household(self) -> Interview:
        found = self.core.load(self.household_id)
        assert found is not None
        return found


def texts(actions: list[Action]) -> str:
    return "\n".join(a.text for a in actions if isinstance(a, SendMessage))


def docs(actions: list[Action]) -> list[SendDocument]:
    return [a for a in actions if isinstance(a, SendDocument)]


def cells(data: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c.value for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None]


@pytest.fixture
def office(service: IntakeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                        INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
    people = {"staff": make_user(service, "staff", UNIT, tg_id=11),
              "surveyor": make_user(service, "surveyor", UNIT, tg_id=12),
              "worker": make_user(service, "worker", None, tg_id=13),
              "admin": make_user(service, "admin", None, tg_id=14),
              "other": make_user(service, "staff", OTHER_UNIT, tg_id=15)}
    hid = submit(service, people["surveyor"], household())
    with service.session() as s:
        review.approve(s, interview_id=hid, reviewer=people["staff"])
    return Office(BotCore(service, settings), RecordingIO(), people, hid, itertools.count(1))


def close_day(office: Office) -> date:
    """A 脱困 date valid for the desk (not after the registry's today) and in the archive (not after today)."""
    return min(office.core.service.registry.today(), datetime.now(TZ).date()) - timedelta(days=1)


# --- exports ---------------------------------------------------------------------------

def _check_xlsx(d: list[SendDocument]) -> None:
    assert "王建国" in cells(d[0].data) and ID_NUMBER in cells(d[0].data)


def _check_html(d: list[SendDocument]) -> None:
    page = d[0].data.decode("utf-8")
    assert "附件1" in page and "王建国" in page


def _check_stats(d: list[SendDocument]) -> None:
    values = cells(d[0].data)
    assert "困难城镇职工情况统计表" in values and f"填报单位：{UNIT}" in values


def _check_notice(d: list[SendDocument]) -> None:
    values = cells(d[0].data)
    assert "王*国" in values and "王建国" not in values and ID_NUMBER not in map(str, values)


CHECKS = {"xlsx": _check_xlsx, "html": _check_html, "stats": _check_stats,
          "notice": _check_notice}


@pytest.mark.parametrize("kind", sorted(CHECKS))
async def test_each_export_kind_arrives_as_a_document_that_opens(office: Office, kind: str, tmp_path: Path) -> None:
    out = await office.send("staff", data=f"x:eg:{kind}:ua")
    sent = docs(out)
    assert sent, texts(out)
    assert sent[0].filename.startswith(t(f"rec.export.file.{kind}")) and sent[0].chat_id == 11
    CHECKS[kind](sent)
    assert list((tmp_path / "tmp").iterdir()) == []  # written into a temp dir, deleted after sending


async def test_the_pdf_arrives_or_the_reason_why_not(office: Office) -> None:
    try:
        check_pdf_support()
    except PdfUnavailable:
        out = await office.send("staff", data="x:eg:pdf:ua")
        assert docs(out) == [] and "无法生成 PDF" in texts(out)
        return
    out = await office.send("staff", data="x:eg:pdf:ua")
    assert [d.data[:4] for d in docs(out)] == [b"%PDF"]


async def test_closing_moves_the_household_from_the_ledger_to_the_closed_archive_and_back(office: Office) -> None:
    assert "没有符合条件的档案" in texts(await office.send("staff", data="x:eg:closed:ua"))
    hid, day = office.household_id, close_day(office)
    reasons = await office.send("staff", data=f"x:fc:{hid}")
    prompt = next(a for a in reasons if isinstance(a, SendMessage) and a.buttons)
    assert [row[0][1] for row in prompt.buttons] == [f"x:fr:{hid}:{i}" for i in range(4)]
    ask = texts(await office.send("staff", data=f"x:fr:{hid}:3"))  # 其他: the reason must be typed
    assert "【办理脱困】" in ask and "原因：其他" in ask
    again = texts(await office.send("staff", text=str(day), reply_to=ask))
    assert t("fu.close.need_note") in again and office.household().status == "approved"
    done = texts(await office.send("staff", text=f"{day:%Y年%m月%d日} 家庭成员病愈后恢复就业", reply_to=again))
    assert "已办理脱困" in done
    assert (office.household().status, office.household().closed_reason) == ("closed", "其他：家庭成员病愈后恢复就业")

    assert "没有符合条件的档案" in texts(await office.send("staff", data="x:eg:xlsx:ua"))
    archive = docs(await office.send("staff", data="x:eg:closed:ua"))
    assert "王建国" in cells(archive[0].data)

    ask = texts(await office.send("staff", data=f"x:fo:{hid}"))
    assert "已办理返贫" in texts(await office.send("staff", text="再次失业，收入低于低保标准", reply_to=ask))
    assert office.household().status == "approved"
    assert "王建国" in cells(docs(await office.send("staff", data="x:eg:xlsx:ua"))[0].data)


@pytest.mark.parametrize("who", ["worker", "surveyor", "other"])
async def test_only_staff_of_the_unit_mark_tuokun_reopen_or_publish(office: Office, who: str) -> None:
    hid = office.household_id
    for data in (f"x:fc:{hid}", f"x:fr:{hid}:0", f"x:fd:{hid}:0", f"x:fo:{hid}"):
        out = await office.send(who, data=data)
        assert "只有本单位的工作人员" in texts(out) and "王建国" not in texts(out)
    forged = t("rec.close.prompt", id=hid, name="?", ref="?", reason="就业增收", today="?")
    office.prompted(who, "close_date", hid, reason="就业增收")  # a prompt they could have got as staff of the unit
    out = await office.send(who, text=str(close_day(office)), reply_to=forged)
    assert "只有本单位的工作人员" in texts(out) and "王建国" not in texts(out)
    assert office.household().status == "approved"
    out = await office.send(who, text=f"/notice {UNIT}")
    assert docs(out) == [] and "只有本单位的工作人员" in texts(out)


@pytest.mark.parametrize("who", ["worker", "surveyor"])
async def test_workers_and_surveyors_get_no_export_and_no_candidates(office: Office, who: str) -> None:
    for out in (await office.send(who, text="/export"), await office.send(who, data="x:eg:xlsx:ua"),
                await office.send(who, data="x:ef:xlsx")):
        assert docs(out) == [] and "只有工会工作人员和管理员可以导出" in texts(out)
    assert "只有本单位的工作人员" in texts(await office.send(who, text="/candidates"))


async def test_admins_choose_every_unit_and_staff_cannot(office: Office) -> None:
    menu = (await office.send("admin", text="/export"))[0]
    assert isinstance(menu, SendMessage)
    assert dict(b for row in menu.buttons for b in row)["公示名单"] == "x:ef:notice"  # no unit of their own
    assert "/notice 单位名称" in texts(await office.send("admin", data="x:ef:notice"))
    assert docs(await office.send("admin", text=f"/notice {UNIT}"))
    assert "王建国" in cells(docs(await office.send("admin", data="x:eg:xlsx:aa"))[0].data)
    assert "只能导出本单位" in texts(await office.send("staff", data="x:eg:xlsx:aa"))


def test_the_scopes_each_role_may_pick(office: Office) -> None:
    staff, admin = office.people["staff"], office.people["admin"]
    assert scopes(staff, KINDS["xlsx"]) == ["ut", "um", "ua", "utp", "ump", "uap"]  # p: approved only
    assert scopes(staff, KINDS["notice"]) == scopes(staff, KINDS["closed"]) == ["ua"]
    assert scopes(admin, KINDS["stats"]) == ["at", "am", "aa", "atp", "amp", "aap"]
    assert scopes(admin, KINDS["notice"]) == []


@pytest.mark.parametrize(("text", "day", "rest"), [
    ("2026-11-01", date(2026, 11, 1), ""),
    ("2026/11/1 已就业", date(2026, 11, 1), "已就业"),
    ("2026年11月1日，子女已工作", date(2026, 11, 1), "子女已工作"),
    (" 2026.11.01：低保兜底 ", date(2026, 11, 1), "低保兜底"),
    ("再次失业", None, "再次失业"),
    ("20261101 再次失业", None, "20261101 再次失业"),  # not a date we read: kept as text
    ("2026-11-011", None, "2026-11-011"),
])
def test_a_reply_starts_with_an_optional_date(text: str, day: date | None, rest: str) -> None:
    assert split_date(text) == (day, rest)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30 备注"])
def test_an_impossible_date_says_so(text: str) -> None:
    with pytest.raises(FilterError, match="不存在"):
        split_date(text)


async def test_the_daily_check_delivers_a_day_once(office: Office) -> None:
    sent: list[tuple[int | None, str, str]] = []

    def send(user: User, path: Path, caption: str) -> None:
        sent.append((user.tg_id, path.name, caption))

    now = datetime.now(TZ)
    assert check_once(office.core, send, at="00:00", tz="Asia/Shanghai", now=now) == 2
    assert [(who, "电子台账" in caption or "附件2" in caption) for who, _, caption in sent] == [(11, True), (11, True)]
    assert check_once(office.core, send, at="00:00", tz="Asia/Shanghai", now=now + timedelta(minutes=1)) == 0
    assert len(sent) == 2


async def test_a_delivery_cut_short_by_a_stop_leaves_the_day_owed_for_the_restart(office: Office) -> None:
    loop, now = asyncio.get_running_loop(), datetime.now(TZ)
    stopping = threading.Event()
    stopping.set()
    with pytest.raises(DeliveryStopped):
        await asyncio.to_thread(check_once, office.core, thread_sender(loop, office.io, stopping), at="00:00",
                                tz="Asia/Shanghai", now=now)
    assert last_run(office.core.service.db) is None and docs(office.io.actions) == []
    sent = await asyncio.to_thread(check_once, office.core, thread_sender(loop, office.io), at="00:00",
                                   tz="Asia/Shanghai", now=now)
    assert sent == 2 and last_run(office.core.service.db) == now.date()
    assert [(d.chat_id, d.filename) for d in docs(office.io.actions)] == [
        (11, f"电子台账_{UNIT}_{now.date()}.xlsx"), (11, f"附件2统计表_{UNIT}_{now.date()}.xlsx")]


# --- 调整困难类别 (override with a written reason) -------------------------------------

async def test_staff_override_the_category_only_with_a_reason_and_both_values_are_kept(office: Office) -> None:
    hid = office.household_id
    choose = await office.send("staff", data=f"x:oc:{hid}")
    assert "请选择调整后的困难类别" in texts(choose)
    prompt = await office.send("staff", data=f"x:c2:{hid}")
    question = texts(prompt)
    assert "意外致困户" in question and "理由" in question
    short = await office.send("staff", text="复核", reply_to=question)
    assert "理由太短" in texts(short) and office.household().override_category is None
    done = await office.send("staff", text="补交住院费用票据后复核，自付医疗费3.2万元", reply_to=question)
    assert "已由" in texts(done)
    iv = office.household()
    assert (iv.category, iv.override_category) == ("低保边缘户", "意外致困户")
    assert iv.override_reason == "补交住院费用票据后复核，自付医疗费3.2万元"
    office.prompted("surveyor", "override_reason", hid, category="意外致困户")  # received before a role change
    refused = await office.send("surveyor", text="我也想改一下理由写得很长", reply_to=question)
    assert t("tg.denied_staff") in texts(refused)
    office.prompted("other", "override_reason", hid, category="意外致困户")
    other = await office.send("other", text="另一个单位的工作人员来改类别", reply_to=question)
    assert t("bot.not_yours") in texts(other) and office.household().override_category == "意外致困户"


# --- what a reply answers is stored with its prompt ---------------------------------------

async def test_replies_still_work_when_the_prompts_are_reworded(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog's wording of every reply prompt can change (no marker, no record number) without breaking a flow."""
    from flows.catalog import MESSAGES

    for key in ("rec.close.prompt_other", "rec.reopen.prompt", "tg.override.prompt", "tg.override.need_reason",
                "tg.review.return_prompt", "tg.review.need_field"):
        monkeypatch.setitem(MESSAGES, key, "请直接回复这条消息。")
    hid, day = office.household_id, close_day(office)
    override = texts(await office.send("staff", data=f"x:c2:{hid}"))
    assert override == "请直接回复这条消息。"
    await office.send("staff", text="补交住院费用票据后复核，自付医疗费3.2万元", reply_to=override)
    assert office.household().override_category == "意外致困户"

    ask = texts(await office.send("staff", data=f"x:fr:{hid}:3"))
    done = texts(await office.send("staff", text=f"{day} 家庭成员病愈后恢复就业", reply_to=ask))
    assert "已办理脱困" in done and office.household().status == "closed"
    ask = texts(await office.send("staff", data=f"x:fo:{hid}"))
    assert "已办理返贫" in texts(await office.send("staff", text="再次失业，收入低于低保标准", reply_to=ask))
    assert office.household().status == "approved"

    other = submit(office.core.service, office.people["surveyor"], household())
    ask = texts(await office.send("staff", data=f"x:rr:{other}"))
    vague = texts(await office.send("staff", text="请再核实一下", reply_to=ask))
    assert vague == "请直接回复这条消息。"
    returned = texts(await office.send("staff", text="身份证号有误，请核对", reply_to=vague))
    assert "身份证号" in returned
    iv = office.core.load(other)
    assert iv is not None and iv.status == "returned"


async def test_a_reply_to_a_prompt_never_sent_to_that_person_is_an_ordinary_message(office: Office) -> None:
    """Quoting a prompt's text does not make a reply: only prompts the bot sent to that person are answered."""
    hid, day = office.household_id, close_day(office)
    await office.send("staff", data=f"x:fd:{hid}:0")  # 脱困 today (就业增收), no prompt to reply to
    assert office.household().status == "closed"
    forged = t("rec.reopen.prompt", id=hid, name="?", ref="?")
    out = await office.send("staff", text=f"{day} 再次失业，收入低于低保标准", reply_to=forged)
    assert "已办理返贫" not in texts(out) and office.household().status == "closed"
    assert texts(out) == t("tg.no_active_survey")  # read as an answer, and there is no interview to answer
