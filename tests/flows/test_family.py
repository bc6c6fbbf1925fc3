"""The family as a unit from the final review: the member list, a member opened and changed, a member added,
a member removed after a confirmation that names them; what depends on the members is asked again."""

from __future__ import annotations

from typing import Any

import pytest

from flows.catalog import t
from flows.engine import advance
from flows.outputs import Ask, Input, Menu, Review
from flows.registry import Registry
from tests.support.household import walk
from tests.support.plans import WANG, household


class Phone:
    """The engine as a person presses it: by the label of a button on the last screen."""

    def __init__(self, registry: Registry, plan: dict[str, Any]) -> None:
        self.form, self.ctx = registry.form("archive"), registry.context(actor_id="1", actor_name="张调查员")
        self.step = walk(self.form, plan, self.ctx, role="worker", sign=False).step
        assert isinstance(self.last, Review) and self.last.final

    @property
    def last(self) -> Any:
        return self.step.outputs[-1]

    @property
    def state(self) -> dict[str, Any]:
        return self.step.state

    def labels(self) -> list[str]:
        return [b.label for row in self.last.buttons for b in row]

    def press(self, label: str) -> Any:
        data = next(b.data for row in self.last.buttons for b in row if b.label == label)
        self.step = advance(self.form, self.step.state, Input("button", data=data), self.ctx)
        return self.last

    def type(self, text: str) -> Any:
        self.step = advance(self.form, self.step.state, Input("text", text=text), self.ctx)
        return self.last


def test_the_review_opens_the_members_and_one_member_shows_all_its_answers(registry: Registry) -> None:
    phone = Phone(registry, household())
    menu = phone.press(t("family.button", n=3))
    assert isinstance(menu, Menu) and "共 3 位" in menu.text
    assert phone.labels()[:3] == ["1. 李秀英（配偶）", "2. 王小明（子）", "3. 赵桂兰（母亲）"]
    member = phone.press("2. 王小明（子）")
    assert "第 2 位家庭成员：王小明" in member.text and "单位或学校：武汉大学" in member.text
    assert "改身份证号" in phone.labels() and "改姓名" in phone.labels()
    assert all(len(row) <= 2 for row in member.buttons)
    phone.press(t("family.to_list"))
    phone.press(t("family.back"))
    assert isinstance(phone.last, Review) and phone.last.final


def test_a_members_field_changed_from_the_review_and_what_depends_on_it_asked_again(registry: Registry) -> None:
    phone = Phone(registry, household())
    phone.press(t("family.button", n=3))
    phone.press("3. 赵桂兰（母亲）")
    ask = phone.press("改月收入")
    assert isinstance(ask, Ask) and ask.path == "members.2.monthly_income"
    ask = phone.type("500")
    assert isinstance(ask, Ask) and ask.path == "household_annual_income"  # recomputed: offered again
    assert phone.state["answers"]["members"][2]["monthly_income"] == "500.00"
    review = phone.type("对")
    assert isinstance(review, Review) and review.final
    assert phone.state["answers"]["household_annual_income"] != WANG["household_annual_income"]


def test_a_member_removed_after_a_confirmation_naming_them(registry: Registry) -> None:
    phone = Phone(registry, household())
    phone.press(t("family.button", n=3))
    phone.press("2. 王小明（子）")
    confirm = phone.press(t("family.remove"))
    assert "王小明" in confirm.text and "子" in confirm.text
    assert len(phone.state["answers"]["members"]) == 3  # nothing removed before the yes
    phone.press(t("family.remove_no"))
    assert "第 2 位家庭成员：王小明" in phone.last.text
    phone.press(t("family.remove"))
    after = phone.press(t("family.remove_yes"))
    assert [m["name"] for m in phone.state["answers"]["members"]] == ["李秀英", "赵桂兰"]
    assert isinstance(after, Ask) and after.path == "household_annual_income"
    phone.type("对")
    ask = phone.last
    assert isinstance(ask, Ask) and ask.path == "household_size" and "3" in ask.text  # 1 + 2 members offered
    assert isinstance(phone.type("对"), Review) and phone.state["answers"]["household_size"] == 3


def test_a_member_added_from_the_review_is_asked_in_full_then_the_review_comes_back(registry: Registry) -> None:
    phone = Phone(registry, household(members=WANG["members"][:1]))
    phone.press(t("family.button", n=1))
    ask = phone.press(t("family.add"))
    assert isinstance(ask, Ask) and ask.path == "members.1.name"
    for answer in ("王小红", "女", "群众", "420802200511200022"):  # 关系 女: a daughter
        phone.type(answer)
    assert phone.last.path == "members.1.sex"
    phone.press("✔ 女 · 2005-11-20")  # both from the ID number, one tap
    for answer in ("良好", "0", "大学生", "居民医保", "跳过"):
        phone.type(answer)
    assert isinstance(phone.last, Menu)  # the members' menu: 登记完毕
    phone.type("登记完毕")
    while isinstance(phone.last, Ask):  # 家庭年度总收入, 家庭人口: offered again
        phone.type("对")
    assert isinstance(phone.last, Review) and phone.last.final
    assert [m["name"] for m in phone.state["answers"]["members"]] == ["李秀英", "王小红"]
    assert phone.state["answers"]["household_size"] == 3


@pytest.mark.parametrize("text", ["9", "随便"])
def test_typing_something_else_at_the_member_list_gets_a_hint_and_the_list_again(registry: Registry,
                                                                                  text: str) -> None:
    phone = Phone(registry, household())
    phone.press(t("family.button", n=3))
    before = phone.state["answers"]
    again = phone.type(text)
    assert isinstance(again, Menu) and "共 3 位" in again.text and phone.state["answers"] == before
