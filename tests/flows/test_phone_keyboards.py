"""Buttons laid out for a phone: the one width rule (flows.keyboard), checked over every keyboard the archive form
shows on the way through whole households: questions and their pages, ticked multi-choices, group menus, the
review's contents and every section opened, confirmations; a derived value is offered once."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from flows.engine import advance
from flows.keyboard import ROW_WIDTH, label_width, pack, row_fits, row_width
from flows.outputs import Ask, Button, Input, Menu, Review, Step
from flows.registry import Registry
from tests.support.household import steps, walk
from tests.support.plans import WANG, household


def test_width_counts_cjk_one_and_ascii_half() -> None:
    assert label_width("民族") == 2
    assert label_width("1. 男") == 2.5
    assert label_width("✔ 男") == 2.5
    assert row_width(["返回", "跳过"]) == 2 + 2 + 2  # each button has its padding


def test_a_row_of_two_long_labels_does_not_fit_but_either_alone_does() -> None:
    a, b = "1. 低保范围内有劳动能力而未充分就业", "2. 收入或生活水平低于低保线而未纳入低保"
    assert not row_fits([a, b])
    assert row_fits([a]) and row_fits([b])
    assert pack([a, b], [a, b]) == [(a,), (b,)]


def test_short_labels_share_rows_up_to_the_width() -> None:
    labels = ["1. 汉", "2. 回", "3. 满", "4. 壮", "5. 苗"]
    rows = pack(labels, labels, most=3)
    assert rows == [("1. 汉", "2. 回", "3. 满"), ("4. 壮", "5. 苗")]
    assert all(row_width(r) <= ROW_WIDTH for r in rows)


def _keyboards(step: Step) -> Iterator[tuple[tuple[Button, ...], ...]]:
    for o in step.outputs:
        if isinstance(o, (Ask, Menu, Review)):
            yield o.buttons


def _data(step: Step, prefix: str) -> list[str]:
    return [b.data for rows in _keyboards(step) for row in rows for b in row if b.data.split(":", 2)[1] == prefix]


def _explore(form: Any, ctx: Any, plan: dict[str, Any], role: str) -> list[tuple[str, tuple[tuple[Button, ...], ...]]]:
    """Every keyboard on the way through ``plan``, with side trips: each page, each tick, each review section."""
    seen: list[tuple[str, tuple[tuple[Button, ...], ...]]] = []

    def note(step: Step, where: str) -> None:
        seen.extend((where, rows) for rows in _keyboards(step))

    for n, step in enumerate(steps(form, plan, ctx, role=role, sign=False)):
        note(step, f"step {n}")
        for data in _data(step, "pg") + _data(step, "t")[:4] + _data(step, "rs"):
            note(advance(form, step.state, Input("button", data=data), ctx), data)
        if n == 3:
            note(advance(form, step.state, Input("text", text="取消"), ctx), "cancel")
    return seen


FIVE = household(members=WANG["members"] + [dict(WANG["members"][2], name=f"王{n}") for n in ("一", "二")],
                 months_below_standard="8")


@pytest.mark.parametrize("plan,role", [(WANG, "surveyor"), (WANG, "worker"), (FIVE, "surveyor")])
def test_no_row_of_any_archive_keyboard_exceeds_the_width_rule(registry: Registry, plan: dict[str, Any],
                                                               role: str) -> None:
    form = registry.form("archive")
    ctx = registry.context(actor_id="1", actor_name="张调查员")
    seen = _explore(form, ctx, plan, role)
    assert len(seen) > 100, "the walk saw the keyboards of a whole interview"
    wide = [(where, [b.label for b in row]) for where, rows in seen for row in rows
            if not row_fits([b.label for b in row])]
    assert wide == []
    labels = {b.label for _, rows in seen for row in rows for b in row}
    assert any(label.startswith("✅ ") for label in labels), "ticked choices were among the keyboards checked"
    assert any("/" in label for label in labels), "paged lists were among the keyboards checked"


def test_a_derived_value_is_offered_once(registry: Registry) -> None:
    form = registry.form("archive")
    ctx = registry.context(actor_id="1", actor_name="张调查员")
    step = walk(form, WANG, ctx, until="sex").step
    ask = [o for o in step.outputs if isinstance(o, Ask)][-1]
    labels = [b.label for row in ask.buttons for b in row]
    assert labels[0] == "✔ 男 · 1975-03-14"  # with 出生日期 from the same number (flows.id_offers)
    assert "1. 男" not in labels and "2. 女" in labels, "the other choice keeps its paper-form number"
    boy = advance(form, step.state, Input("text", text="1"), ctx)  # typing the code still works
    assert boy.state["answers"]["sex"] == "男"
