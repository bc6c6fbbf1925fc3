"""Progress that means something (flows.progress): section n of N and a percentage that never goes backwards for an
answer given and never jumps because a family member was added; answered questions become one-line records."""

from __future__ import annotations

from typing import Any

from flows.engine import advance
from flows.outputs import Answered, Ask, Input, Notice, Step
from flows.registry import Registry
from tests.support.household import steps
from tests.support.plans import WANG, household


def _run(registry: Registry, plan: dict[str, Any]) -> list[Step]:
    return list(steps(registry.form("archive"), plan, registry.context(actor_id="1", actor_name="张调查员"),
                      sign=False))


def _asks(run: list[Step]) -> list[Ask]:
    return [o for step in run for o in step.outputs if isinstance(o, Ask)]


def test_the_counter_never_decreases_and_its_total_never_grows(registry: Registry) -> None:
    asks = _asks(_run(registry, WANG))
    percents = [a.percent for a in asks]
    assert percents == sorted(percents), "the percentage never goes backwards for an answer given"
    assert percents[0] == 0 and percents[-1] >= 90
    totals = {a.progress[1] for a in asks}
    assert len(totals) == 1, f"the number of sections stays put: {totals}"
    sections = [a.progress[0] for a in asks]
    assert sections == sorted(sections)
    assert asks[0].text.startswith(f"第 1 部分，共 {asks[0].progress[1]} 部分 · 0%")


def test_a_member_added_does_not_move_the_counter(registry: Registry) -> None:
    """Four members instead of three: the same sections, the same figures after the family section."""
    three = _asks(_run(registry, WANG))
    four = _asks(_run(registry, household(members=WANG["members"] + [dict(WANG["members"][2], name="王一")],
                                          months_below_standard="8")))
    assert {a.progress[1] for a in three} == {a.progress[1] for a in four}
    family = next(a.progress[0] for a in three if a.path.startswith("members."))

    def outside(asks: list[Ask]) -> list[tuple[str, int]]:  # the sections either side of the family
        return [(a.path, a.percent) for a in asks if a.progress[0] in (family - 1, family + 1)]
    assert outside(three) == outside(four) and "monthly_income" in dict(outside(three))
    in_family = [a for a in four if a.path.startswith("members.")]
    assert max(a.percent for a in in_family) - min(a.percent for a in in_family) < 100 / four[0].progress[1]
    assert "第 2/" in next(a.text for a in in_family if a.path == "members.3.relation"), "the member's own counter"


def test_every_answer_given_becomes_a_one_line_record_and_a_refused_one_does_not(registry: Registry) -> None:
    run = _run(registry, WANG)
    form = registry.form("archive")
    ctx = registry.context(actor_id="1", actor_name="张调查员")
    records = [o for step in run for o in step.outputs if isinstance(o, Answered)]
    texts = [r.text for r in records]
    assert "✔ 民族：汉族" in texts and "✔ 性别：男" in texts and "✔ 家庭成员2·姓名：王小明" in texts
    assert all(isinstance(step.outputs[0], Answered) for step in run[1:]
               if any(isinstance(o, Answered) for o in step.outputs)), "the record comes first"
    at_phone = next(step for step in run if any(isinstance(o, Ask) and o.path == "phone" for o in step.outputs))
    wrong = advance(form, at_phone.state, Input("text", text="12"), ctx)
    assert not any(isinstance(o, Answered) for o in wrong.outputs)
    assert any(isinstance(o, Notice) and o.level == "error" for o in wrong.outputs)
    assert [o.path for o in wrong.outputs if isinstance(o, Ask)] == ["phone"], "the same question stays"
