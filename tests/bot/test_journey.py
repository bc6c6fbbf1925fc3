"""Whose record it is (bot core): only the person's choice changes the active interview, every question of
someone else's record names the household, and each role gets its own command menu."""

from __future__ import annotations

from pathlib import Path

from bot.service import IntakeService
from bot.telegram import buttons
from bot.telegram.actions import Action, SendMessage, SetMenu
from bot.telegram.menus import STAFF, commands_for
from tests.support.chat import CoreChat
from tests.support.factory import UNIT, approve, load, make_user
from tests.support.household import submit
from tests.support.plans import household


def _sent(actions: list[Action]) -> list[SendMessage]:
    return [a for a in actions if isinstance(a, SendMessage)]


def _button(actions: list[Action], label: str) -> str:
    return next(data for m in _sent(actions) for row in m.buttons for lab, data in row if label in lab)


def _active(service: IntakeService, tg_id: int) -> int | None:
    return service.user(tg_id=tg_id).active_interview_id


def test_a_button_of_another_household_answers_nothing_until_the_person_switches(
        service: IntakeService, tmp_path: Path) -> None:
    chat = CoreChat(service, tmp_path)
    surveyor = make_user(service, "surveyor", UNIT, tg_id=501, name="张调查员")
    chat.send(surveyor, text="/new")
    chat.send(surveyor, text="赵大军")
    zhao = _active(service, 501)
    chat.send(surveyor, text="/new")
    chat.send(surveyor, text="李秀英")
    at_politics = chat.send(surveyor, text="回族")
    li = _active(service, 501)
    assert _sent(at_politics)[-1].text.startswith("李秀英 · ")  # a surveyor's question names the household
    li_button = _button(at_politics, "群众")

    opened = chat.send(surveyor, data=_button(chat.send(surveyor, text="/drafts"), "赵大军"))
    assert _active(service, 501) == zhao and any("已切换到：赵大军" in m.text for m in _sent(opened))

    refused = chat.send(surveyor, data=li_button)  # 李秀英's old keyboard, pressed while filling 赵大军
    assert any("属于 李秀英" in m.text for m in _sent(refused))
    assert _active(service, 501) == zhao and "political_status" not in load(service, li or 0).state["answers"]

    switched = chat.send(surveyor, data=_button(refused, "切换到 李秀英"))
    assert _active(service, 501) == li and any("已切换到：李秀英" in m.text for m in _sent(switched))
    chat.send(surveyor, data=_button(switched, "群众"))  # now it is the record in hand: answered
    assert load(service, li or 0).state["answers"]["political_status"] == "群众"


def test_a_workers_own_record_carries_no_household_head(service: IntakeService, tmp_path: Path) -> None:
    chat = CoreChat(service, tmp_path)
    worker = make_user(service, "worker", tg_id=502)
    chat.send(worker, text="/start")
    asked = chat.send(worker, text="孙职工")
    assert "请填写：民族" in _sent(asked)[-1].text and not _sent(asked)[-1].text.startswith("孙职工 · ")


def test_each_role_has_its_own_menu(service: IntakeService, tmp_path: Path) -> None:
    assert not set(commands_for("worker")) & set(STAFF) and "new" not in commands_for("worker")
    assert "new" in commands_for("surveyor") and not set(commands_for("surveyor")) & set(STAFF)
    assert set(STAFF) <= set(commands_for("staff")) and set(STAFF) <= set(commands_for("admin"))
    chat = CoreChat(service, tmp_path)
    assert [c for c, _ in chat.core.menu()] == list(commands_for("worker"))  # the default menu

    worker = make_user(service, "worker", tg_id=503)
    menus = [a for a in chat.send(worker, text="/start") if isinstance(a, SetMenu)]
    assert [(m.chat_id, [c for c, _ in m.commands]) for m in menus] == [(503, list(commands_for("worker")))]

    admin = make_user(service, "admin", UNIT, tg_id=504)
    made = [a for a in chat.send(admin, text=f"/role 503 工作人员 {UNIT}") if isinstance(a, SetMenu)]
    assert [(m.chat_id, [c for c, _ in m.commands]) for m in made] == [(503, list(commands_for("staff")))]
    refused = chat.send(worker, text="/role 504 职工")  # not an admin: no role, no menu changed
    assert not [a for a in refused if isinstance(a, SetMenu)]
    placed = {a.chat_id for a in chat.core.placed_menus() if isinstance(a, SetMenu)}
    assert placed == {503, 504}
    assert buttons.VIEW_OWN.parse(buttons.VIEW_OWN.data(7)) is not None


def test_start_after_submitting_shows_the_status_and_changing_ends_with_review(
        service: IntakeService, tmp_path: Path) -> None:
    chat = CoreChat(service, tmp_path)
    worker = make_user(service, "worker", tg_id=505)
    iid = submit(service, worker, household(name="孙职工", id_number="420802197806120412"), kind="self")
    status = _sent(chat.send(worker, text="/start"))[-1]
    assert "当前状态：已提交，待审核" in status.text and "无需重复填写" not in status.text
    assert [label for row in status.buttons for label, _ in row] == ["查看", "修改"]
    shown = _sent(chat.send(worker, data=_button([status], "查看")))
    assert "孙职工" in shown[0].text and load(service, iid).status == "submitted"

    # an unassigned self-report is taken over before a unit's staff act on it; an admin may approve it at once
    approve(service, iid, make_user(service, "admin", tg_id=506))
    late = _sent(chat.send(worker, data=_button([status], "修改")))  # staff came first: nothing reopened
    assert "不能再自行修改" in late[-1].text and load(service, iid).status == "approved"
    after = _sent(chat.send(worker, text="/start"))[-1]
    assert "审核通过" in after.text and [label for row in after.buttons for label, _ in row] == ["查看"]

    other = make_user(service, "worker", tg_id=507)
    mine = submit(service, other, household(name="钱职工", id_number="420802198001013016"), kind="self")
    assert "无权" in _sent(chat.send(worker, data=buttons.EDIT_OWN.data(mine)))[-1].text  # a forged button
    assert "无权" in _sent(chat.send(worker, data=buttons.VIEW_OWN.data(mine)))[-1].text
    assert load(service, mine).status == "submitted"
    reopened = _sent(chat.send(other, data=buttons.EDIT_OWN.data(mine)))
    assert load(service, mine).status == "draft" and "确认签字提交" in str(reopened[-1].buttons)
