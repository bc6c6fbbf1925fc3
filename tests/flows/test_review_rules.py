"""The review's pure rules: which fields a return comment names (by any recognisable part of a label), and the
separation of duties (whoever filled a record's help plan does not approve it, unless an admin, then marked)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from flows import policy
from flows.policy import RecordRef
from flows.registry import Registry
from flows.return_fields import label_words, named_labels, named_paths
from tests.support.plans import household


@dataclass(frozen=True)
class Person:
    id: int | None
    role: str
    unit: str = "东宝区总工会"


@pytest.fixture(scope="module")
def labels(registry: Registry) -> list[str]:
    form = registry.form("archive")
    return [f.label for section in form.sections for f in section.fields]


@pytest.mark.parametrize(("comment", "named"), [
    ("次要致困原因有误，请重选", ["次要致困原因（最多选三项）"]),
    ("次要致困原因（最多选三项）有误", ["次要致困原因（最多选三项）"]),
    ("主要致困原因和次要致困原因都不对", ["主要致困原因（限选一项）", "次要致困原因（最多选三项）"]),
    ("手机号不对；家庭年度总收入也请核对", ["手机号码", "家庭年度总收入"]),
    ("住房类型写错了", ["住房类型"]),
    ("五个一批措施不对", ["“五个一批”措施"]),
    ("零就业家庭有误", ["是否为零就业家庭"]),
    ("银行卡号和开户银行都错了", ["开户银行", "银行卡号"]),
    ("身份证号有误", ["身份证号"]),
    ("请再核实一下", []),
    ("家庭情况不清楚", []),  # 家庭 begins many labels: it names none of them
])
def test_a_comment_names_fields_by_any_recognisable_part_of_their_label(
        labels: list[str], comment: str, named: list[str]) -> None:
    assert named_labels(labels, comment) == named


def test_the_words_of_a_label() -> None:
    assert label_words("次要致困原因（最多选三项）") == ["次要致困原因（最多选三项）", "次要致困原因"]
    assert label_words("是否为零就业家庭") == ["是否为零就业家庭", "零就业家庭"]
    assert label_words("“五个一批”措施") == ["“五个一批”措施", "五个一批措施"]


def test_named_paths_are_in_interview_order_and_mean_the_workers_field(registry: Registry) -> None:
    form = registry.form("archive")
    state = {"answers": dict(household(), members=[{"name": "李秀英"}]), "groups_done": ["members"]}
    found = named_paths(form, state, "surveyor", "次要致困原因有误；姓名写错；手机号不对", registry.context())
    assert [p for p, _ in found] == ["name", "phone", "secondary_causes"]


SURVEY = RecordRef(created_by=4, kind="survey", unit="东宝区总工会")


@pytest.mark.parametrize(("person", "approve", "marked"), [
    (Person(2, "staff"), True, False),  # staff of the unit, someone else's survey
    (Person(4, "staff"), False, False),  # staff who filled it (took it over, or started it)
    (Person(4, "admin", ""), True, True),  # an admin may, and it is marked
    (Person(1, "admin", ""), True, False),
    (Person(3, "staff", "掇刀区总工会"), False, False),  # another unit's staff
    (Person(5, "surveyor"), False, False),
])
def test_whoever_filled_the_help_plan_does_not_approve_it_unless_admin(
        person: Person, approve: bool, marked: bool) -> None:
    assert policy.can_approve(person, SURVEY) is approve
    assert policy.self_approval(person, SURVEY) is marked


@pytest.mark.parametrize(("person", "editors", "approve", "marked"), [
    (Person(2, "staff"), {2}, False, False),  # edited a help-plan field of someone else's survey
    (Person(2, "staff"), {7}, True, False),  # someone else edited it
    (Person(1, "admin", ""), {1}, True, True),  # an admin who edited it may, and it is marked
])
def test_whoever_edited_the_help_plan_does_not_approve_it_unless_admin(
        person: Person, editors: set[int], approve: bool, marked: bool) -> None:
    assert policy.can_approve(person, SURVEY, editors) is approve
    assert policy.self_approval(person, SURVEY, editors) is marked


def test_the_help_plan_is_the_archive_forms_section_without_its_system_fields(registry: Registry) -> None:
    paths = policy.help_plan_paths(registry.archive_form())
    assert {"relief_target", "help_person", "filed_by", "remarks"} <= paths
    assert "reviewed_by" not in paths and "phone" not in paths
