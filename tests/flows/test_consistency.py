"""A household checked against itself: one case that must be flagged and one that must not, for every rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.consistency import REFUSE, WARN, Check, checks_to_json, household_warnings, id_conflict
from flows.idcard import id_check_digit

TODAY = date(2026, 11, 29)


def idn(birth: str, seq: str = "001") -> str:
    """A valid 东宝区 ID number for birth YYYYMMDD (seq's last digit odd = 男)."""
    first17 = "420802" + birth + seq
    return first17 + id_check_digit(first17)


WORKER_ID = idn("19750314", "123")  # 男
SPOUSE_ID = idn("19780612", "042")  # 女
SON_ID = idn("20030915", "001")     # 男


def household(**changes: Any) -> dict[str, Any]:
    """王建国's consistent household (worker, wife, son at university); ``members`` may be replaced."""
    answers: dict[str, Any] = {
        "name": "王建国", "id_number": WORKER_ID, "birth_date": "1975-03-14", "sex": "男", "household_size": 3,
        "members": [
            {"name": "李秀英", "relation": "配偶", "id_number": SPOUSE_ID, "birth_date": "1978-06-12", "sex": "女",
             "identity": "灵活就业", "health": "良好", "monthly_income": "800"},
            {"name": "王小明", "relation": "子", "id_number": SON_ID, "birth_date": "2003-09-15", "sex": "男",
             "identity": "大学生", "health": "良好", "monthly_income": "0"},
        ],
    }
    answers.update(changes)
    return answers


def member(**fields: Any) -> dict[str, Any]:
    base = {"name": "王小红", "relation": "女", "birth_date": "2008-01-01", "identity": "高中生", "health": "良好"}
    base.update(fields)
    return base


def codes(answers: dict[str, Any]) -> list[str]:
    return [c.code for c in household_warnings(answers, today=TODAY)]


def test_a_consistent_household_has_no_warnings() -> None:
    assert household_warnings(household(), today=TODAY) == []


# rule -> (answers that break it, the path to correct, numbers the message must show, severity)
BROKEN: dict[str, tuple[dict[str, Any], str, tuple[str, ...], str]] = {
    "check.member_id_same": (
        household(members=[member(id_number=WORKER_ID, birth_date="1975-03-14")], household_size=2),
        "members.0.id_number", ("420802********1232", "职工本人"), REFUSE),
    "check.member_id_twice": (
        household(members=[member(name="甲", id_number=SON_ID, birth_date="2003-09-15", sex="男", identity="大学生"),
                           member(name="乙", id_number=SON_ID, birth_date="2003-09-15", sex="男", identity="大学生")]),
        "members.1.id_number", ("第 2 位家庭成员（乙）", "第 1 位家庭成员（甲）"), REFUSE),
    "check.child_older": (
        household(members=[member(relation="子", birth_date="1972-05-01", identity="在职职工")], household_size=2),
        "members.0.birth_date", ("1972-05-01", "1975-03-14"), WARN),
    "check.child_too_close": (
        household(members=[member(relation="女", birth_date="1985-01-01", identity="在职职工")], household_size=2),
        "members.0.birth_date", ("1985-01-01", "1975-03-14", "9 岁"), WARN),
    "check.parent_too_close": (
        household(members=[member(relation="母亲", birth_date="1980-01-01", identity="退休")], household_size=2),
        "members.0.birth_date", ("1980-01-01", "1975-03-14"), WARN),
    "check.spouse_minor": (
        household(members=[member(relation="配偶", birth_date="2010-02-01", identity="灵活就业")], household_size=2),
        "members.0.birth_date", ("2010-02-01", "16 岁", "18 岁"), WARN),
    "check.student_age": (
        household(members=[member(relation="女", birth_date="1994-01-01", identity="大学生")], household_size=2,
                  birth_date="1960-01-01", id_number=idn("19600101", "123")),
        "members.0.identity", ("大学生", "1994-01-01", "32 岁", "30 岁"), WARN),
    "check.household_size": (
        household(household_size=5), "household_size", ("5 人", "2 位", "共 3 人"), WARN),
    "check.birth_id": (
        household(birth_date="1975-03-15"), "birth_date", ("1975-03-15", "1975-03-14"), WARN),
    "check.sex_id": (
        household(sex="女"), "sex", ("“女”", "“男”"), WARN),
}

# rule -> answers that come close to breaking it but do not
CLOSE_BUT_FINE: dict[str, dict[str, Any]] = {
    "check.member_id_same": household(members=[member(id_number=None)], household_size=2),
    "check.member_id_twice": household(members=[member(name="甲", id_number=None), member(name="乙", id_number="")],
                                       household_size=3),
    "check.child_older": household(members=[member(relation="子", birth_date="1995-03-14", identity="在职职工")],
                                   household_size=2),
    "check.child_too_close": household(members=[member(relation="女", birth_date="1987-03-14", identity="在职职工")],
                                       household_size=2),
    "check.parent_too_close": household(members=[member(relation="母亲", birth_date="1950-01-01", identity="退休")],
                                        household_size=2),
    "check.spouse_minor": household(members=[member(relation="配偶", birth_date="2008-11-29", identity="灵活就业")],
                                    household_size=2),
    "check.student_age": household(members=[member(relation="子", birth_date="1996-11-30", identity="大学生")],
                                   household_size=2, birth_date="1960-01-01", id_number=idn("19600101", "123")),
    "check.household_size": household(household_size=3),
    "check.birth_id": household(birth_date="1975-03"),  # a month-only birth date agrees with its month
    "check.sex_id": household(sex="男"),
}


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_rule_flags_its_case_with_the_numbers(code: str) -> None:
    answers, path, shown, severity = BROKEN[code]
    found = [c for c in household_warnings(answers, today=TODAY) if c.code == code]
    assert found, f"{code} not raised: {codes(answers)}"
    check = found[0]
    assert (check.path, check.severity) == (path, severity)
    for text in shown:
        assert text in check.message, f"{text!r} missing from {check.message!r}"
    assert "修改" in check.message or "改为" in check.message  # says how to correct it


@pytest.mark.parametrize("code", sorted(CLOSE_BUT_FINE))
def test_each_rule_is_quiet_when_the_household_is_fine(code: str) -> None:
    assert code not in codes(CLOSE_BUT_FINE[code])


def test_every_rule_has_both_cases() -> None:
    assert set(BROKEN) == set(CLOSE_BUT_FINE)


def test_the_issue_example_son_with_the_workers_id_and_a_1972_birth_date() -> None:
    answers = household(members=[{"name": "王小明", "relation": "子", "id_number": WORKER_ID, "birth_date": "1972-01-01",
                                  "identity": "高中生", "sex": "男"}], household_size=2)
    found = household_warnings(answers, today=TODAY)
    assert [c.code for c in found if c.severity == REFUSE] == ["check.member_id_same"]
    assert {"check.child_older", "check.student_age", "check.birth_id"} <= {c.code for c in found}
    assert found[0].severity == REFUSE  # refusals come first


def test_id_conflict_when_a_members_id_is_typed() -> None:
    answers = household()
    check = id_conflict(answers, "members.1.id_number", WORKER_ID.lower()[:-1] + WORKER_ID[-1])
    assert check is not None and check.severity == REFUSE and check.code == "check.member_id_same"
    assert "第 2 位家庭成员（王小明）" in check.message
    same_as_spouse = id_conflict(answers, "members.1.id_number", " ".join(SPOUSE_ID))
    assert same_as_spouse is not None and same_as_spouse.code == "check.member_id_twice"
    assert "李秀英" in same_as_spouse.message


def test_id_conflict_for_a_member_being_added() -> None:
    answers = household()
    third = id_conflict(answers, "members.2.id_number", SON_ID)  # members[2] not stored yet
    assert third is not None and "第 3 位家庭成员" in third.message and "王小明" in third.message


def test_id_conflict_is_quiet_for_the_members_own_number_and_a_new_one() -> None:
    answers = household()
    assert id_conflict(answers, "members.1.id_number", SON_ID) is None  # re-typing one's own number
    assert id_conflict(answers, "members.1.id_number", idn("20050101", "011")) is None
    assert id_conflict(answers, "members.1.id_number", "") is None
    assert id_conflict(answers, "members.1.name", WORKER_ID) is None  # only ID number questions are checked


def test_id_conflict_for_the_workers_own_number() -> None:
    answers = household()
    check = id_conflict(answers, "id_number", SPOUSE_ID)
    assert check is not None and check.code == "check.worker_id_member" and "李秀英" in check.message
    assert id_conflict(answers, "id_number", WORKER_ID) is None


def test_household_size_without_members() -> None:
    assert codes({"household_size": 1}) == []
    assert codes({"household_size": 1, "members": []}) == []
    assert codes({"household_size": 2, "members": []}) == ["check.household_size"]
    assert codes({"members": []}) == []  # not answered yet: nothing to compare


def test_ages_come_from_the_id_when_no_birth_date_was_typed() -> None:
    answers = household(members=[member(relation="配偶", birth_date=None, id_number=idn("20100201", "021"),
                                        identity="灵活就业", sex="女")], household_size=2)
    assert "check.spouse_minor" in codes(answers)


def test_checks_are_json_for_the_record() -> None:
    stored = checks_to_json(household_warnings(household(household_size=4), today=TODAY))
    assert stored == [{"code": "check.household_size", "path": "household_size", "severity": WARN,
                       "message": stored[0]["message"]}]
    assert isinstance(household_warnings(household(), today=TODAY), list)
    assert Check("c", "p", "m", WARN) == Check("c", "p", "m", WARN)


_values = st.one_of(st.none(), st.text(max_size=20), st.integers(-5, 50), st.booleans(),
                    st.sampled_from(["1975-03-14", "2003-09", "2003-02-30", WORKER_ID, SON_ID, "配偶", "子", "女",
                                     "大学生", "学生", "母亲"]))
_person = st.dictionaries(st.sampled_from(["name", "relation", "id_number", "birth_date", "sex", "identity"]),
                          _values)


@settings(max_examples=300, deadline=None)
@given(_person, st.one_of(st.none(), st.lists(_person, max_size=5), st.text(max_size=5)), _values,
       st.sampled_from(["id_number", "members.0.id_number", "members.3.id_number", "members.x", ""]))
def test_nothing_raises(worker: dict[str, Any], members: Any, size: Any, path: str) -> None:
    answers: dict[str, Any] = {**worker, "members": members, "household_size": size}
    for check in household_warnings(answers, today=TODAY):
        assert check.severity in (REFUSE, WARN) and check.message and check.path
    conflict = id_conflict(answers, path, worker.get("id_number"))
    assert conflict is None or conflict.severity == REFUSE
