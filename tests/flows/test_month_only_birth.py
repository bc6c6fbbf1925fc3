"""A birth date given as a month only (1948年2月): the ID number's day is offered for confirmation,
never made up; without an ID number (or when the months disagree) the day is asked for."""

from __future__ import annotations

import copy
from typing import Any

from flows.catalog import t
from flows.engine import advance
from flows.outputs import Ask, Input, Menu, Notice, Step
from flows.registry import Registry
from flows.slots import get_value
from flows.validators import id_check_digit
from tests.support.household import walk
from tests.support.plans import WANG, household, sex_typed

BODY = "42080219480217001"
OLD_ID = BODY + id_check_digit(BODY)  # born 1948-02-17


def _to(registry: Registry, plan: dict[str, Any], path: str) -> tuple[Any, Step]:
    form, ctx = registry.form("archive"), registry.context(actor_id="1", actor_name="张调查员")
    return (form, ctx), walk(form, sex_typed(plan), ctx, sign=False, until=path).step


def _type(env: tuple[Any, Any], step: Step, text: str) -> Step:
    form, ctx = env
    return advance(form, step.state, Input("text", text=text), ctx)


def _errors(step: Step) -> list[str]:
    return [o.text for o in step.outputs if isinstance(o, Notice) and o.level == "error"]


def test_a_month_that_agrees_with_the_id_number_offers_its_day(registry: Registry) -> None:
    env, step = _to(registry, household(id_number=OLD_ID), "birth_date")
    offered = _type(env, step, "1948年2月")
    assert get_value(offered.state["answers"], "birth_date") == (False, None)  # nothing stored yet
    menu = [o for o in offered.outputs if isinstance(o, Menu)][-1]
    assert menu.key == "confirm:value" and "1948-02" in menu.text and "1948-02-17" in menu.text
    assert not _errors(offered)
    confirmed = _type(env, offered, "对")
    assert confirmed.state["answers"]["birth_date"] == "1948-02-17"


def test_the_offered_day_can_be_replaced_by_the_right_one(registry: Registry) -> None:
    env, step = _to(registry, household(id_number=OLD_ID), "birth_date")
    offered = _type(env, step, "48年2月")  # two-digit year too
    assert offered.state["pending"]["value"] == "1948-02-17"
    typed = _type(env, offered, "1948-02-18")
    assert typed.state["answers"]["birth_date"] == "1948-02-18"  # what was typed, not the ID's day


def test_declining_the_offered_day_stores_nothing_and_asks_again(registry: Registry) -> None:
    env, step = _to(registry, household(id_number=OLD_ID), "birth_date")
    declined = _type(env, _type(env, step, "1948年2月"), "不对")
    assert "birth_date" not in declined.state["answers"] and not declined.state.get("pending")
    assert [o for o in declined.outputs if isinstance(o, Ask)][-1].path == "birth_date"


def test_a_month_that_disagrees_with_the_id_number_is_refused(registry: Registry) -> None:
    env, step = _to(registry, household(id_number=OLD_ID), "birth_date")
    refused = _type(env, step, "1948年3月")
    assert "birth_date" not in refused.state["answers"] and not refused.state.get("pending")
    assert _errors(refused) and "例如" in _errors(refused)[0]


def test_without_an_id_number_a_month_only_asks_for_the_day(registry: Registry) -> None:
    members = copy.deepcopy(WANG["members"])
    env, step = _to(registry, household(members=members), "members.2.birth_date")  # 赵桂兰 has no ID number
    refused = _type(env, step, "1952年7月")
    assert _errors(refused) == [t("v.date.need_day", example="1952-07-15")]
    assert get_value(refused.state["answers"], "members.2.birth_date") == (False, None)
    assert not refused.state.get("pending")


def test_a_members_month_is_offered_from_the_members_own_id(registry: Registry) -> None:
    env, step = _to(registry, household(), "members.1.birth_date")  # 王小明 420802200309150017
    offered = _type(env, step, "2003年9月")
    assert offered.state["pending"]["value"] == "2003-09-15"
    assert _type(env, offered, "是").state["answers"]["members"][1]["birth_date"] == "2003-09-15"
