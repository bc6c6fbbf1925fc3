"""The terminal as people use it (issue 12): 返回 never goes round in circles, the 附件 step says what it
needs and takes a typed file path the way Telegram takes a document, and 下一页 / 上一页 / 完成 typed work
whatever their buttons look like — in the terminal and, typed as text, in Telegram (the engine reads them).

The terminal is driven as a class over a fake stdin; the households come from tests/support.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.service import IntakeService, Reply
from bot.telegram.files import MAX_DOWNLOAD
from bot.terminal import TerminalChat
from flows.outputs import Ask, Input, Menu, Notice
from storage.models import Attachment, User
from tests.support.factory import load, make_service
from tests.support.household import follow
from tests.support.plans import WANG


@pytest.fixture
def service(tmp_path: Path) -> IntakeService:
    return make_service(f"sqlite:///{tmp_path / 'intake.db'}")


def at(service: IntakeService, user: User, until: str) -> int:
    """A new survey of the Wang household answered up to the question ``until``; its id."""
    reply = service.start_interview(user=user, kind="survey")
    return follow(service, user, reply, WANG, until=until).interview_id or 0


def chat(service: IntakeService, user: User, lines: list[str], tmp_path: Path) -> str:
    """Type ``lines`` into the terminal (resuming the active draft); everything it printed."""
    out = io.StringIO()
    TerminalChat(service, user, out=out, attachments=tmp_path / "attachments").run(io.StringIO("\n".join(lines) + "\n"))
    return out.getvalue()


def turns(transcript: str) -> list[str]:
    """What the terminal printed after each typed line (index 0: before the first)."""
    return transcript.split("\n> ")


def asking(turn: str) -> str:
    """The question a turn ends on (``请填写：…`` line), or its first line (a menu)."""
    asks = [ln for ln in turn.splitlines() if ln.startswith("请填写：")]
    return asks[-1] if asks else turn.strip().splitlines()[0]


def answers(service: IntakeService, iid: int) -> dict[str, Any]:
    return dict(load(service, iid).state["answers"])


# --- 返回 ---------------------------------------------------------------------------------------------

def test_back_at_the_first_question_says_so_and_stays(service: IntakeService, surveyor: User,
                                                      tmp_path: Path) -> None:
    out = turns(chat(service, surveyor, ["返回", "返回", "王 建国"], tmp_path))
    assert asking(out[0]).startswith("请填写：姓名")
    assert all("已经是第一项了" in out[i] and asking(out[i]).startswith("请填写：姓名") for i in (1, 2))
    assert asking(out[3]).startswith("请填写：民族")
    iv_id = service.resume_or_start(user=surveyor).interview_id or 0
    assert answers(service, iv_id) == {"name": "王建国"}


def test_back_out_of_a_just_added_member_leads_to_the_menu_not_round_in_circles(
        service: IntakeService, surveyor: User, tmp_path: Path) -> None:
    iid = at(service, surveyor, "members.0.name")  # 添加第1位家庭成员 pressed, nothing typed yet
    out = turns(chat(service, surveyor, ["返回", "返回", "保留原答案，下一项", "没有了"], tmp_path))
    assert asking(out[0]).startswith("请填写：姓名")
    assert "未登记第 1 位家庭成员" in out[1] and "是否有需要登记的家庭成员" in out[1]
    assert asking(out[2]).startswith("请填写：是否单亲")
    assert "是否有需要登记的家庭成员" in out[3]  # not the empty member's 姓名 again: the old loop
    assert asking(out[4]).startswith("请填写：本人月平均收入")
    a = load(service, iid).state
    assert a["answers"]["members"] == [] and "members" in a["groups_done"]


def test_back_twice_at_a_group_menu_and_on_again(service: IntakeService, surveyor: User, tmp_path: Path) -> None:
    iid = at(service, surveyor, "monthly_income")
    before = answers(service, iid)["members"]
    keep = "保留原答案，下一项"
    out = turns(chat(service, surveyor, ["返回", "返回", keep, keep, "返回", keep, "登记完毕"], tmp_path))
    assert asking(out[0]).startswith("请填写：本人月平均收入")
    # 赵桂兰 is 退休: 单位或学校 is not asked of her, 医保状况 is her last question
    assert asking(out[1]).startswith("请填写：医保状况") and "第 3 位家庭成员" in out[1]
    assert asking(out[2]).startswith("请填写：身份") and "第 3 位家庭成员" in out[2]
    assert asking(out[3]).startswith("请填写：医保状况")
    assert "已登记 3 位家庭成员" in out[4]
    assert asking(out[5]).startswith("请填写：医保状况")  # 返回 at the menu: its last question …
    assert "已登记 3 位家庭成员" in out[6]  # … and on again to the menu, not further back
    assert asking(out[7]).startswith("请填写：本人月平均收入")
    assert answers(service, iid)["members"] == before


# --- the 附件 step ------------------------------------------------------------------------------------

def test_the_required_file_question_says_what_is_needed_and_how_to_leave_it(
        service: IntakeService, surveyor: User, tmp_path: Path) -> None:
    iid = at(service, surveyor, "bank_card")
    out = turns(chat(service, surveyor, ["6222021234567890128", "有", "跳过", "返回", "没有"], tmp_path))
    assert "是否有需要登记的附件" in out[1]
    file_q = out[2]
    assert asking(file_q).startswith("请填写：附件文件（必填）")
    assert "跳过" not in file_q.split("可选：")[0]  # the hint no longer offers what is refused …
    assert "返回" in file_q and "输入文件的完整路径" in file_q  # … it says how to attach, and how to leave
    assert "必填项，不能跳过" in out[3]
    assert "未登记第 1 个附件" in out[4] and "是否有需要登记的附件" in out[4]
    assert asking(out[5]).startswith("请填写：是否为解困脱困对象")
    assert answers(service, iid)["attachments"] == []


def test_the_optional_file_hint_offers_skip(service: IntakeService) -> None:
    from flows.catalog import t

    assert "跳过" in t("engine.file_expected_optional") and "跳过" not in t("engine.file_expected")


def _at_the_file_question(service: IntakeService, user: User) -> int:
    iid = at(service, user, "bank_card")
    service.handle(user=user, interview_id=iid, inp=Input("text", text="6222021234567890128"))
    reply = service.handle(user=user, interview_id=iid, inp=Input("text", text="有"))
    assert any(isinstance(o, Ask) and o.path == "attachments.0.file" for o in reply.outputs)
    return iid


def test_a_typed_path_attaches_the_file_as_a_telegram_document(service: IntakeService, surveyor: User,
                                                              tmp_path: Path) -> None:
    iid = _at_the_file_question(service, surveyor)
    photo = tmp_path / "王建国 身份证.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 10)
    out = turns(chat(service, surveyor, [str(tmp_path / "nothere.jpg"), f'"{photo}"', "1", "对", "跳过", "登记完毕"],
                     tmp_path))
    assert "找不到文件" in out[1] and asking(out[2]).startswith("请填写：附件类型")
    assert "已收到文件：王建国 身份证.jpg" in out[2]
    assert "已登记 1 个附件" in out[5]
    item = answers(service, iid)["attachments"][0]
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (item["type"], item["name"]) == ("身份证", "王建国 身份证")
    assert (item["file"]["kind"], item["file"]["mime"], item["file"]["sha256"]) == ("document", "image/jpeg", digest)
    with Session(service.db) as s:
        rows = s.exec(select(Attachment).where(Attachment.interview_id == iid)).all()
    assert [(r.sha256, r.size) for r in rows] == [(digest, photo.stat().st_size)]  # linked, as a sent document
    stored = Path(rows[0].path)
    assert stored.is_relative_to((tmp_path / "attachments" / str(iid)).resolve()) and stored != photo.resolve()
    assert stored.read_bytes() == photo.read_bytes()


def test_a_file_over_the_telegram_limit_is_refused_and_nothing_is_stored(service: IntakeService, surveyor: User,
                                                                         tmp_path: Path) -> None:
    iid = _at_the_file_question(service, surveyor)
    big = tmp_path / "scan.pdf"
    with big.open("wb") as fh:
        fh.truncate(MAX_DOWNLOAD + 1)
    out = turns(chat(service, surveyor, [str(big)], tmp_path))
    assert "文件太大" in out[1]
    assert answers(service, iid)["attachments"] == [{}]
    assert not (tmp_path / "attachments").exists()


def test_a_path_typed_where_no_file_is_awaited_is_an_answer_not_a_file(service: IntakeService, surveyor: User,
                                                                      tmp_path: Path) -> None:
    iid = at(service, surveyor, "employer")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    chat(service, surveyor, [str(tmp_path / "a.txt")], tmp_path)
    assert answers(service, iid)["employer"] == str(tmp_path / "a.txt")
    assert not (tmp_path / "attachments").exists()


# --- 下一页 / 上一页 / 完成 -----------------------------------------------------------------------------

def test_page_words_and_done_typed_in_the_terminal(service: IntakeService, surveyor: User, tmp_path: Path) -> None:
    iid = at(service, surveyor, "main_cause")
    out = turns(chat(service, surveyor, ["下一页", "下一页", "上一页", "3", "重特大疾病", "下一页", "子女上学", "完成"],
                     tmp_path))
    assert "[9. 子女上学]" in out[1] and "[« 上一页]" in out[1]
    assert "已经是最后一页了" in out[2]
    assert "[1. 无劳动能力]" in out[3] and "[下一页 »]" in out[3]
    assert "[完成（已选 1）]" in out[5]
    assert "已勾选：6.重特大疾病、9.子女上学（共 2 项）" in out[7]  # typed, not on the page: added, not replacing
    assert asking(out[8]).startswith("请填写：是否享受城市低保")
    a = answers(service, iid)
    assert a["main_cause"] == "下岗失业" and a["secondary_causes"] == ["重特大疾病", "子女上学"]


def _typed(service: IntakeService, user: User, iid: int, text: str) -> Reply:
    """Text as Telegram delivers it: no label map in between, the engine alone reads it."""
    return service.handle(user=user, interview_id=iid, inp=Input("text", text=text))


def _buttons(reply: Reply) -> list[str]:
    out = next(o for o in reversed(reply.outputs) if isinstance(o, (Ask, Menu)))
    return [b.label for row in out.buttons for b in row]


@pytest.mark.parametrize("next_word,prev_word,done_word", [
    ("下一页", "上一页", "完成"), ("下一页 »", "« 上一页", "完成（已选 1）"), ("下页", "前一页", "好了")])
def test_page_words_and_done_typed_as_text_whatever_the_decoration(
        service: IntakeService, surveyor: User, next_word: str, prev_word: str, done_word: str) -> None:
    iid = at(service, surveyor, "main_cause")
    assert "9. 子女上学" in _buttons(_typed(service, surveyor, iid, next_word))
    assert "1. 无劳动能力" in _buttons(_typed(service, surveyor, iid, prev_word))
    _typed(service, surveyor, iid, "下岗失业")
    picked = service.handle(user=surveyor, interview_id=iid, inp=Input("button", data=f"{_seq(service, iid)}:t:5"))
    assert "✅ 6. 重特大疾病" in _buttons(picked)
    done = _typed(service, surveyor, iid, done_word)
    assert not [o for o in done.outputs if isinstance(o, Notice) and o.level == "error"]
    assert answers(service, iid)["secondary_causes"] == ["重特大疾病"]


def test_done_at_a_single_choice_is_not_an_option(service: IntakeService, surveyor: User) -> None:
    iid = at(service, surveyor, "main_cause")
    reply = _typed(service, surveyor, iid, "完成")
    assert [o for o in reply.outputs if isinstance(o, Notice) and o.level == "error"]
    assert "main_cause" not in answers(service, iid)


def _seq(service: IntakeService, iid: int) -> int:
    return int(load(service, iid).state["seq"])
