"""Any input at any point, of any length or kind, gets a sensible reply; nothing crashes."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.autofill import next_input
from flows.engine import advance, new_state
from flows.outputs import Ask, Cancelled, Completed, Context, Input, Menu, OpenOther, Review
from tests.support.plans import WANG

WORDS = ["返回", "跳过", "查看", "取消", "帮助", "/start", "是", "否", "对", "确认", "1", "2", "3", "0", "-5",
         "1,3", "完成", "添加", "删除", "继续", "确认签字提交", "1.2万", "420802197503141232", "19800503",
         "汉", "东宝区", "", " ", "x" * 5000, "🙂", "\x00", "第3项", "99999999999"]

inputs = st.one_of(
    st.builds(lambda t: Input("text", text=t), st.text(max_size=300)),
    st.builds(lambda t: Input("text", text=t), st.sampled_from(WORDS)),
    st.builds(lambda i: ("press", i), st.integers(min_value=0, max_value=40)),
    st.builds(lambda d: Input("button", data=d), st.text(max_size=40)),
    st.just(Input("file", file={"file_id": "f1", "name": "证明.jpg", "size": 10})),
    st.just(Input("start")),
    st.just(("plan", 0)),
)


def _buttons(outputs: list[Any]) -> list[str]:
    return [b.data for o in outputs for row in getattr(o, "buttons", ()) for b in row]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(st.lists(inputs, min_size=1, max_size=80), st.sampled_from(["worker", "surveyor", "staff"]))
def test_random_inputs_on_random_paths_never_crash(registry: Any, script: list[Any], role: str) -> None:
    form = registry.form("archive")
    ctx = Context(today=date(2026, 11, 29), now="2026-11-29 10:30", region_names=registry.standards.region_names(),
                  assess=registry.assess, find_duplicate=lambda n: None)
    state = new_state(form, role=role)
    outputs: list[Any] = []
    for item in script:
        if isinstance(item, tuple) and item[0] == "press":
            data = _buttons(outputs)
            inp = Input("button", data=data[item[1] % len(data)]) if data else Input("start")
        elif isinstance(item, tuple):
            inp = next_input(outputs, WANG) or Input("start")
        else:
            inp = item
        step = advance(form, state, inp, ctx)
        outputs = list(step.outputs)
        assert outputs, f"no reply to {inp}"
        if state["status"] == "draft":
            assert any(isinstance(o, (Ask, Menu, Review, Completed, Cancelled, OpenOther)) for o in outputs), \
                "a draft always answers with a question, a menu, the review or the end"
        state = json.loads(json.dumps(step.state))
        assert state["status"] in ("draft", "submitted", "cancelled")
