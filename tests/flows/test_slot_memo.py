"""The question list is remembered by what its conditions read; nothing else may change it."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from flows.registry import Registry
from flows.household import BELOW_STANDARD_READS, below_standard
from flows.slots import _unroll, _plan, slots


class Recording(Mapping[str, Any]):
    """Answers that remember which keys were read."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data, self.read = data, set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return self.data.get(key, default)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("below_standard must not walk all answers")

    def __len__(self) -> int:
        return len(self.data)


FULL = {"region": "东宝区", "household_size": 3, "household_annual_income": "30000.00",
        "insurance_contrib_annual": "1200.00", "members": [{"relation": "配偶", "monthly_income": "oops"}],
        "main_cause": "下岗失业", "secondary_causes": ["重特大疾病"], "receives_dibao": False}


def test_below_standard_reads_only_the_four_answers_it_needs(registry: Registry) -> None:
    answers = Recording(dict(FULL))
    assert below_standard(answers, registry.standards) is not None  # an unusable member income does not matter
    assert answers.read <= set(BELOW_STANDARD_READS)


def test_the_remembered_question_list_equals_the_one_worked_out_afresh(registry: Registry) -> None:
    form = registry.form("archive")
    ctx = registry.context()
    variants = [
        {}, dict(FULL), dict(FULL, receives_dibao="否", household_annual_income="3000.00"),
        dict(FULL, receives_dibao="否", household_annual_income="300000.00"),  # below_standard flips
        dict(FULL, receives_dibao="否", household_annual_income="3000.00", region="未知地区"),
        dict(FULL, receives_dibao=True),
        dict(FULL, main_cause="重特大疾病", secondary_causes=[]), dict(FULL, sudden_hardship=True),
        dict(FULL, sudden_hardship=1), dict(FULL, relief_target="是", key_groups=["其他"]),
        dict(FULL, bank_name="农业银行"), dict(FULL, employer_type="国有企业"),
    ]
    for role in ("worker", "surveyor"):
        for answers in variants + variants:  # the second round is answered from the memo
            state = {"answers": answers, "role": role}
            fresh = _unroll(_plan(form, role), answers, ctx)
            assert [s.path for s in slots(form, state, ctx)] == [s.path for s in fresh], (role, answers)


def test_a_question_that_depends_on_income_comes_and_goes_with_it(registry: Registry) -> None:
    form, ctx = registry.form("archive"), registry.context()
    low = dict(FULL, receives_dibao="否", household_annual_income="3000.00")
    high = dict(low, household_annual_income="300000.00")
    asked = [("months_below_standard" in [s.path for s in slots(form, {"answers": a, "role": "surveyor"}, ctx)])
             for a in (low, high, low)]
    assert asked == [True, False, True]


def test_true_and_one_are_different_answers_to_the_memo(registry: Registry) -> None:
    plan = _plan(registry.form("archive"), "surveyor")
    ctx = registry.context()
    assert plan.signature(dict(FULL, sudden_hardship=True), ctx) != plan.signature(dict(FULL, sudden_hardship=1), ctx)
