"""其他 asks what: every list with 其他, in both forms, is followed by its 其他（注明） question, asked right
after the choice, stored beside it and exported as its own column."""

from __future__ import annotations

from typing import Any

import pytest

from exports.columns import group_tables, household_columns
from flows.engine import new_state
from flows.form import Field, Form
from flows.registry import Registry, load_registry
from flows.run import Run
from tests.support.factory import FIXED_NOW
from tests.support.household import walk
from tests.support.plans import followup_plan, household

OTHER = "其他"
# The choice questions whose 其他 note is shared (主要/次要致困原因 → one 致困原因（其他，注明）).
SHARED = {"main_cause": "causes", "secondary_causes": "causes"}


def _lists(form: Form) -> list[tuple[str | None, Field, tuple[Field, ...]]]:
    """(group key or None, the list question, the fields of its scope) for every list offering 其他."""
    out = []
    for s in form.sections:
        scope = s.group.fields if s.group else s.fields
        for f in scope:
            if f.type in ("choice", "multi_choice") and OTHER in f.choices:
                out.append((s.key if s.group else None, f, tuple(scope)))
    return out


def _note(f: Field, scope: tuple[Field, ...]) -> Field | None:
    name = SHARED.get(f.key, f.key)
    wanted = {f"{name} == {OTHER}", f"{name} has {OTHER}"}
    return next((g for g in scope if g.when_text.strip() in wanted and g.type == "text"), None)


REG = load_registry(timezone="Asia/Shanghai")
LISTS = [pytest.param(key, group, f, scope, id=f"{key}:{group + '.' if group else ''}{f.key}")
         for key in ("archive", "followup") for group, f, scope in _lists(REG.form(key))]


def test_the_new_lists_are_among_those_checked() -> None:
    seen = {p.id for p in LISTS}
    for name in ("archive:industry", "archive:attachments.type", "followup:followup_method", "followup:measures.type"):
        assert name in seen


@pytest.mark.parametrize(("form_key", "group", "field", "scope"), LISTS)
def test_every_list_with_other_has_its_note(form_key: str, group: str | None, field: Field,
                                            scope: tuple[Field, ...]) -> None:
    note = _note(field, scope)
    assert note is not None, f"{form_key}: {field.label} offers 其他 but never asks what"
    assert note.label.endswith("（其他，注明）") and note.required and note.example


@pytest.mark.parametrize(("form_key", "group", "field", "scope"), LISTS)
def test_the_note_is_asked_right_after_other_is_chosen(form_key: str, group: str | None, field: Field,
                                                       scope: tuple[Field, ...]) -> None:
    form = REG.form(form_key)
    note = _note(field, scope)
    assert note is not None
    state = new_state(form, role="staff")
    answers: dict[str, Any] = state["answers"]
    answers["relief_target"] = True  # the help plan's lists are asked of a 解困脱困对象
    target = answers.setdefault(group, [{}])[0] if group else answers
    target[field.key] = [OTHER] if field.type == "multi_choice" else OTHER
    if field.key == "secondary_causes":
        answers["main_cause"] = "下岗失业"
    prefix = f"{group}.0." if group else ""
    order = [s.path for s in Run(form, state, REG.context()).all_slots()]
    assert prefix + note.key in order
    position = order.index(prefix + field.key)
    if field.key != "main_cause":  # the shared 致困原因 note follows the last cause question
        assert order[position + 1] == prefix + note.key, order[position - 1:position + 3]
    # and without 其他 it is not asked at all
    target[field.key] = [] if field.type == "multi_choice" else next(c for c in field.choices if c != OTHER)
    if field.key in SHARED:
        answers.update(main_cause="下岗失业", secondary_causes=[])
    answers["relief_target"] = True
    assert prefix + note.key not in [s.path for s in Run(form, new_state_with(form, answers), REG.context()).all_slots()]


def new_state_with(form: Form, answers: dict[str, Any]) -> dict[str, Any]:
    state = new_state(form, role="staff")
    state["answers"] = answers
    return state


@pytest.fixture
def fixed() -> Registry:
    reg = load_registry(timezone="Asia/Shanghai")
    reg.clock = lambda: FIXED_NOW
    return reg


FILE = {"file_id": "AgADBAADr6cxG", "name": "租房合同.jpg", "mime": "image/jpeg", "size": 1234, "sha256": "ab" * 32}


def test_a_whole_archive_stores_and_exports_the_new_notes(fixed: Registry) -> None:
    plan = household(industry="其他", industry_other="社区网格员",
                     attachments=[{"file": FILE, "type": "其他", "type_other": "房屋租赁合同", "name": "租房合同"}])
    done = walk(fixed.form("archive"), plan, fixed.context(actor_id="1", actor_name="张调查员"))
    assert done.state["status"] == "submitted"
    assert done.asked.index("industry_other") == done.asked.index("industry") + 1
    assert done.asked.index("attachments.0.type_other") == done.asked.index("attachments.0.type") + 1
    answers = done.state["answers"]
    assert answers["industry"] == "其他" and answers["industry_other"] == "社区网格员"
    assert answers["attachments"][0]["type_other"] == "房屋租赁合同"
    headers = [c.header for c in household_columns(fixed.form("archive"), tz=fixed.tz)]
    assert headers.index("所属行业（其他，注明）") > headers.index("所属行业")
    table = next(g for g in group_tables(fixed.form("archive")) if g.key == "attachments")
    column = next(c for c in table.columns if c.header == "附件类型（其他，注明）")
    assert column.get(None, answers["attachments"][0]) == "房屋租赁合同"


def test_a_whole_followup_stores_the_new_notes(fixed: Registry) -> None:
    plan = followup_plan(followup_method="其他", followup_method_other="微信视频回访",
                         measures=[{"type": "其他", "type_other": "法律援助", "name": "协助申请劳动仲裁"}])
    done = walk(fixed.form("followup"), plan, fixed.context(actor_id="1", actor_name="张调查员"))
    assert done.state["status"] == "submitted"
    assert done.asked.index("followup_method_other") == done.asked.index("followup_method") + 1
    assert done.asked.index("measures.0.type_other") == done.asked.index("measures.0.type") + 1
    answers = done.state["answers"]
    assert answers["followup_method_other"] == "微信视频回访" and answers["measures"][0]["type_other"] == "法律援助"
