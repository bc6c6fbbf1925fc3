"""The review queue through the bot core: true count, pages, filters, confirm-and-next, bulk approval with one
confirmation, the card (override, self-approval, diff since the return, attachments), returns naming several
fields by part of their label as a plain message, and separation of duties."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram import buttons
from bot.telegram.actions import Action, EditMessage, Incoming, SendDocument, SendMessage
from bot.telegram.core import BotCore
from flows.outputs import Ask
from flows.catalog import t
from storage import review
from storage.models import Attachment, AuditLog, Interview, User
from tests.support.chat import RecordingIO
from tests.support.export_cases import make_id
from tests.support.factory import UNIT, load, make_user, override
from tests.support.household import finish, submit
from tests.support.plans import household


@dataclass
class Desk:
    """A bot core over a fresh database and the people who use it (keyed by what they are)."""

    core: BotCore
    io: RecordingIO
    people: dict[str, User]
    updates: itertools.count

    async def send(self, who: str, *, text: str | None = None, data: str | None = None) -> list[Action]:
        """One update from a person: a plain message (never a Telegram reply) or a button press."""
        user = self.people[who]
        n = next(self.updates)
        inc = Incoming(update_id=n, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id, chat_type="private",
                       text=text, callback_id=f"cb{n}" if data else None, callback_data=data,
                       message_id=1 if data else None)
        before = len(self.io.actions)
        await self.core.handle(inc, self.io)
        return self.io.actions[before:]


def shown(actions: list[Action]) -> list[SendMessage | EditMessage]:
    """The messages sent, and the ones edited in place (a page turned) with their new text."""
    return [a for a in actions if isinstance(a, SendMessage) or (isinstance(a, EditMessage) and a.text is not None)]


def texts(actions: list[Action]) -> str:
    return "\n".join(a.text or "" for a in shown(actions))


def button_data(actions: list[Action]) -> list[str]:
    return [data for a in shown(actions) for row in a.buttons for _, data in row]


def labelled(actions: list[Action], label: str) -> str:
    """The data of the button whose label contains ``label``."""
    found = [data for a in shown(actions) for row in a.buttons for lab, data in row if label in lab]
    assert found, (label, [lab for a in shown(actions) for row in a.buttons for lab, _ in row])
    return found[0]


@pytest.fixture
def desk(service: IntakeService, tmp_path: Path) -> Desk:
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                        INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
    people = {"staff": make_user(service, "staff", UNIT, tg_id=21, name="刘干事"),
              "surveyor": make_user(service, "surveyor", UNIT, tg_id=22, name="周调查"),
              "admin": make_user(service, "admin", None, tg_id=24, name="管理员"),
              "offline": make_user(service, "surveyor", UNIT, local_name="desk1", name="终端调查员")}
    with service.session() as s:
        for who in ("staff", "admin"):
            people[who] = review.register_name(s, user=people[who], name=f"{who}实名")
    return Desk(BotCore(service, settings), RecordingIO(), people, itertools.count(1))


def worker(i: int) -> str:
    """A different worker's name for each number (names hold no digits)."""
    return "职工" + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "一二三四五"[i // 10]


def review_buttons(actions: list[Action]) -> list[int]:
    return [int(d.split(":")[2]) for d in button_data(actions) if buttons.parse(d) and
            buttons.parse(d).button is buttons.REVIEW]  # type: ignore[union-attr]


async def test_35_waiting_records_are_paged_filtered_and_approved_in_bulk(desk: Desk) -> None:
    service = desk.core.service
    ids = [submit(service, desk.people["surveyor"], household(name=worker(i), id_number=make_id("19750314", i)))
           for i in range(35)]
    own = submit(service, desk.people["staff"], household(name="自建档", id_number=make_id("19760101", 1)))
    override(service, ids[3], category="意外致困户", reason="补交住院费用票据后复核", actor=desk.people["staff"])

    first = await desk.send("staff", text="/review")
    assert "待审核 36 份（第 1/4 页）" in texts(first), texts(first)
    assert review_buttons(first) == ids[:10] and not any(buttons.QUEUE.parse(d) and d.endswith(":-1")
                                                        for d in button_data(first))
    seen = list(review_buttons(first))
    page = first
    for n in (2, 3, 4):
        page = await desk.send("staff", data=labelled(page, t("queue.next")))
        assert f"（第 {n}/4 页）" in texts(page)
        seen += review_buttons(page)
    assert seen == [*ids, own] and t("queue.next") not in str(page)
    back = await desk.send("staff", data=labelled(page, t("queue.prev")))
    assert "（第 3/4 页）" in texts(back) and review_buttons(back) == ids[20:30]

    only_overrides = await desk.send("staff", data=labelled(first, t("queue.pick.overrides")))
    assert "待审核 1 份" in texts(only_overrides) and review_buttons(only_overrides) == [ids[3]]
    pick = await desk.send("staff", data=labelled(first, t("queue.pick.author")))
    by_staff = await desk.send("staff", data=labelled(pick, "刘干事（1 份）"))
    assert "待审核 1 份" in texts(by_staff) and review_buttons(by_staff) == [own]

    ask = await desk.send("staff", data=labelled(first, "全部审核通过（36 份）"))
    assert "共 35 份" in texts(ask), "the record staff filled themselves is not theirs to approve"
    done = await desk.send("staff", data=labelled(ask, "确认通过这 35 份"))
    assert "已审核通过 35 份档案，审核人：staff实名" in texts(done)
    assert all(load(service, i).status == "approved" for i in ids) and load(service, own).status == "submitted"
    assert load(service, ids[0]).state["answers"]["reviewed_by"] == "staff实名"
    with service.session() as s:
        audits = s.exec(select(AuditLog).where(AuditLog.action == "approve_interview")).all()
    assert len(audits) == 35
    again = await desk.send("staff", text="/review")
    assert "待审核 1 份（第 1/1 页）" in texts(again)


async def test_a_bulk_confirmation_for_another_count_approves_nothing(desk: Desk) -> None:
    service = desk.core.service
    ids = [submit(service, desk.people["surveyor"], household(name=worker(i), id_number=make_id("19750314", i)))
           for i in range(2)]
    stale = await desk.send("staff", data=buttons.BULK_YES.data("-", 3))
    assert "3 份，现在 2 份" in texts(stale) and all(load(service, i).status == "submitted" for i in ids)
    assert t("tg.stale_button") in texts(await desk.send("staff", data="x:qy:zz:1"))
    assert t("tg.denied_staff") in texts(await desk.send("surveyor", data=buttons.BULK_YES.data("-", 2)))
    assert all(load(service, i).status == "submitted" for i in ids)


async def test_approve_asks_once_then_moves_to_the_next_record(desk: Desk) -> None:
    service = desk.core.service
    a = submit(service, desk.people["surveyor"], household(name="甲职工", id_number=make_id("19750314", 1)))
    b = submit(service, desk.people["surveyor"], household(name="乙职工", id_number=make_id("19750314", 2)))
    card = await desk.send("staff", data=buttons.REVIEW.data(a))
    ask = await desk.send("staff", data=labelled(card, t("tg.review.approve")))
    assert "确认审核通过" in texts(ask) and load(service, a).status == "submitted"
    done = await desk.send("staff", data=labelled(ask, t("queue.confirm_button")))
    assert load(service, a).status == "approved" and "下一份待审核档案" in texts(done)
    assert "乙职工" in texts(done) and buttons.APPROVE.data(b) in button_data(done)
    last = await desk.send("staff", data=buttons.APPROVE_YES.data(b))
    assert load(service, b).status == "approved" and t("queue.all_done") in texts(last)


async def test_whoever_filled_the_help_plan_does_not_approve_it_unless_admin_and_then_it_is_marked(desk: Desk) -> None:
    service = desk.core.service
    own = submit(service, desk.people["staff"], household())
    card = await desk.send("staff", data=buttons.REVIEW.data(own))
    assert buttons.APPROVE.data(own) not in button_data(card)
    refused = await desk.send("staff", data=buttons.APPROVE_YES.data(own))
    assert "不能审核通过" in texts(refused) and load(service, own).status == "submitted"

    admin_own = submit(service, desk.people["admin"], household(name="管理员建档", id_number=make_id("19760101", 3)))
    ask = await desk.send("admin", data=buttons.APPROVE.data(admin_own))
    assert "建档人 = 审核人" in texts(ask)
    await desk.send("admin", data=labelled(ask, t("queue.confirm_button")))
    iv = load(service, admin_own)
    assert iv.status == "approved" and iv.state[review.SELF_APPROVAL_KEY]["by"] == "admin实名"
    with service.session() as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "approve_interview")).one()
    assert audit.detail["self_approval"] is True
    card = await desk.send("admin", data=buttons.REVIEW.data(admin_own))
    assert "建档人与审核人为同一人" in texts(card)


async def test_an_override_shows_on_the_card_with_both_categories_and_its_reason(desk: Desk) -> None:
    service = desk.core.service
    hid = submit(service, desk.people["surveyor"], household())
    before = texts(await desk.send("staff", data=buttons.REVIEW.data(hid)))
    assert "困难类别（系统认定）：低保边缘户" in before and "人工调整" not in before
    override(service, hid, category="意外致困户", reason="补交住院费用票据后复核", actor=desk.people["staff"])
    card = texts(await desk.send("staff", data=buttons.REVIEW.data(hid)))
    assert "困难类别（系统认定）：低保边缘户" in card
    assert "困难类别（人工调整）：意外致困户\n调整理由：补交住院费用票据后复核（调整人：staff实名）" in card
    listing = await desk.send("staff", text="/review")
    assert any("意外致困户 ✏" in label for a in listing if isinstance(a, SendMessage) for row in a.buttons
               for label, _ in row)


async def test_a_two_field_return_by_part_of_the_labels_as_a_plain_message_reopens_both_and_shows_the_diff(
        desk: Desk) -> None:
    service = desk.core.service
    surveyor = desk.people["surveyor"]
    hid = submit(service, surveyor, household())
    ask = await desk.send("staff", data=buttons.RETURN.data(hid))
    assert "请直接发送" in texts(ask)
    vague = await desk.send("staff", text="请再核实一下")  # a plain message, not a reply
    assert "没有找到要修改的项目" in texts(vague) and load(service, hid).status == "submitted"
    done = await desk.send("staff", text="手机号不对；家庭住址写得不全")
    assert "已退回修改（手机号码、家庭住址），已通知填表人" in texts(done)
    assert load(service, hid).status == "returned"

    author = service.user(tg_id=22)
    from flows.outputs import Input
    reply = service.handle(user=author, interview_id=hid, inp=Input("start"))
    assert [o.path for o in reply.outputs if isinstance(o, Ask)] == ["phone"]
    reply = service.handle(user=author, interview_id=hid, inp=Input("text", text="13800001111"))
    assert [o.path for o in reply.outputs if isinstance(o, Ask)] == ["address"], "the second field is asked too"
    reply = service.handle(user=author, interview_id=hid, inp=Input("text", text="荆门市东宝区象山大道1号3栋2单元202室"))
    finish(service, author, reply, household())
    card = texts(await desk.send("staff", data=buttons.REVIEW.data(hid)))
    assert "【上次退回】" in card and "手机号不对；家庭住址写得不全" in card
    assert "【退回后的修改】共 2 项" in card
    assert re.search(r"手机号码：139\*+5678 → 138\*+1111（周调查，", card), card
    assert "家庭住址：荆门市东宝区象山大道1号3栋2单元201室 → 荆门市东宝区象山大道1号3栋2单元202室" in card
    override(service, hid, category="意外致困户", reason="补交住院费用票据后复核", actor=desk.people["staff"])
    await desk.send("staff", data=buttons.APPROVE_YES.data(hid))
    journal = texts(await desk.send("staff", data=buttons.JOURNAL.data(hid)))  # 修改记录
    assert "退回修改（手机号码、家庭住址），意见：手机号不对；家庭住址写得不全" in journal
    assert "困难类别（人工调整）：意外致困户" in journal and "审核通过，审核人：staff实名" in journal


async def test_a_return_to_an_author_without_telegram_does_not_say_they_were_told(desk: Desk) -> None:
    service = desk.core.service
    hid = submit(service, desk.people["offline"], household())
    await desk.send("staff", data=buttons.RETURN.data(hid))
    done = texts(await desk.send("staff", text="身份证号有误，请核对"))
    assert load(service, hid).status == "returned"
    assert "已通知填表人" not in done and "没有 Telegram 账号" in done


async def test_attachments_are_sent_from_the_card_on_a_tap_to_staff_who_may_read_the_record(
        desk: Desk, tmp_path: Path) -> None:
    service = desk.core.service
    hid = submit(service, desk.people["surveyor"], household())
    folder = tmp_path / "files" / str(hid)
    folder.mkdir(parents=True)
    (folder / "dibao.jpg").write_bytes(b"\xff\xd8 a photo")
    with service.session() as s:
        s.add(Attachment(interview_id=hid, path=str(folder / "dibao.jpg"), name="低保证.jpg", mime="image/jpeg",
                         size=10))
        s.add(Attachment(interview_id=hid, path="/etc/passwd", name="别处.txt"))
        s.commit()
    card = await desk.send("staff", data=buttons.REVIEW.data(hid))
    assert "附件 2 份" in texts(card)
    sent = await desk.send("staff", data=labelled(card, "低保证.jpg"))
    docs = [a for a in sent if isinstance(a, SendDocument)]
    assert [(d.filename, d.data) for d in docs] == [("低保证.jpg", b"\xff\xd8 a photo")]
    outside = await desk.send("staff", data=labelled(card, "别处.txt"))
    assert not any(isinstance(a, SendDocument) for a in outside), "only files under the attachments folder"
    other = make_user(service, "staff", "京山市总工会", tg_id=25)
    desk.people["other"] = other
    refused = await desk.send("other", data=labelled(card, "低保证.jpg"))
    assert t("bot.not_yours") in texts(refused) and not any(isinstance(a, SendDocument) for a in refused)
    with service.session() as s:
        looks = [a for a in s.exec(select(AuditLog).where(AuditLog.action == "view")).all()
                 if a.detail.get("what") == "attachment"]
    assert len(looks) == 1
