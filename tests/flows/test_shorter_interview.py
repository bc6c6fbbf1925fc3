"""Shorter where the form allows: questions that cannot apply are not asked (conditions in archive.yaml), and what
an ID number gives (性别 and 出生日期) is confirmed with one tap, for the worker and for each member."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from flows.engine import advance
from flows.outputs import Ask, Input
from flows.registry import Registry
from tests.support.household import walk
from tests.support.plans import WANG, household


def _asked(registry: Registry, plan: dict[str, Any], role: str = "worker") -> list[str]:
    done = walk(registry.form("archive"), plan, registry.context(actor_id="1", actor_name="张调查员"), role=role)
    assert done.state["status"] == "submitted"
    return done.asked


@pytest.mark.parametrize(("changes", "gone", "kept"), [
    ({"employer": None}, ["employer_type", "enterprise_status"], ["employer"]),
    ({}, [], ["employer_type", "enterprise_status", "single_parent"]),
    ({"bank_name": None}, ["bank_branch", "bank_card"], ["bank_name"]),
])
def test_a_question_that_cannot_apply_is_not_asked(registry: Registry, changes: dict[str, Any], gone: list[str],
                                                   kept: list[str]) -> None:
    asked = _asked(registry, household(**changes))
    assert not set(gone) & set(asked) and set(kept) <= set(asked)


def test_a_members_unit_or_school_is_not_asked_of_the_retired_farmers_or_small_children(registry: Registry) -> None:
    asked = _asked(registry, household())
    assert "members.1.employer_or_school" in asked  # 大学生
    assert "members.2.employer_or_school" not in asked  # 退休


def test_no_family_members_one_answer_and_the_section_goes(registry: Registry) -> None:
    asked = _asked(registry, household(members=[], household_size="1"))
    assert not [p for p in asked if p.startswith("members.")]


def _at_sex(registry: Registry, member: bool) -> tuple[Any, Any, Any]:
    form, ctx = registry.form("archive"), registry.context(actor_id="1", actor_name="")
    path = "members.0.sex" if member else "sex"
    w = walk(form, household(members=copy.deepcopy(WANG["members"][:1])), ctx, role="worker", until=path)
    ask = [o for o in w.step.outputs if isinstance(o, Ask)][-1]
    return form, ctx, (w.state, ask)


@pytest.mark.parametrize(("member", "sex", "birth"), [(False, "男", "1975-03-14"), (True, "女", "1978-06-12")])
def test_sex_and_birth_date_from_the_id_number_are_confirmed_with_one_tap(registry: Registry, member: bool, sex: str,
                                                                         birth: str) -> None:
    form, ctx, (state, ask) = _at_sex(registry, member)
    tick = next(b for row in ask.buttons for b in row if b.label.startswith("✔ "))
    assert tick.label == f"✔ {sex} · {birth}" and sex in ask.text and birth in ask.text
    step = advance(form, state, Input("button", data=tick.data), ctx)
    scope = step.state["answers"]["members"][0] if member else step.state["answers"]
    assert (scope["sex"], scope["birth_date"]) == (sex, birth)
    prefix = "members.0." if member else ""
    assert {e.path for e in step.events} == {prefix + "sex", prefix + "birth_date"}
    nxt = [o for o in step.outputs if isinstance(o, Ask)][-1]
    assert nxt.path == (prefix + "health")  # 出生日期 is not asked again


def test_choosing_the_sex_by_hand_answers_only_it_and_the_birth_date_is_offered_on_its_own(registry: Registry) -> None:
    form, ctx, (state, ask) = _at_sex(registry, False)
    step = advance(form, state, Input("text", text="女"), ctx)  # not what the ID number says: flagged
    assert step.state["answers"]["sex"] == "女" and "birth_date" not in step.state["answers"]
    nxt = [o for o in step.outputs if isinstance(o, Ask)][-1]
    assert nxt.path == "birth_date" and "✔ 1975-03-14" in [b.label for row in nxt.buttons for b in row]
    step = advance(form, state, Input("text", text="对"), ctx)  # 对 typed: the same one tap
    assert (step.state["answers"]["sex"], step.state["answers"]["birth_date"]) == ("男", "1975-03-14")
