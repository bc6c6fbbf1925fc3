"""The corpus of natural answers (tests/data/natural_answers.yaml) put through the real engine.

Each case is typed at its question of the shipped form, exactly as a person would type it; the test
reads what the engine stored (or that it asked again). The cases were written from how people
type on a phone, not from the code: a failing case is a person misunderstood.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.answer import group_action
from flows.engine import advance, new_state
from flows.lexicon import command
from flows.outputs import Context, Input
from flows.registry import Registry, load_registry
from flows.run import Run
from flows.slots import get_value
from tests.support.factory import FIXED_NOW

CORPUS = yaml.safe_load((Path(__file__).parents[1] / "data" / "natural_answers.yaml").read_text(encoding="utf-8"))


def _text(value: Any) -> str:
    """A typed answer as the person typed it (YAML reads 1975-05-12 as a date and 1 as a number)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _expected(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


CASES = [pytest.param(group, _text(typed), _expected(expected), id=f"{group['field']}:{_text(typed)}")
         for group in CORPUS for typed, expected in group["cases"]]


@pytest.fixture(scope="module")
def registry() -> Registry:
    reg = load_registry(timezone="Asia/Shanghai")
    reg.clock = lambda: FIXED_NOW
    return reg


def _state(registry: Registry, group: dict[str, Any]) -> tuple[Any, dict[str, Any], Context]:
    form = registry.form(group.get("form", "archive"))
    state = new_state(form, role=group.get("role", "worker"))
    answers = dict(group.get("answers") or {})
    if str(group["field"]).startswith("members.") and "members" not in answers:
        answers["members"] = [{}]
    state["answers"].update(answers)
    if not group.get("menu"):
        state["cursor"] = group["field"]
    return form, state, registry.context(actor_id="1", actor_name="李干事")


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    assert len(CASES) >= 400
    kinds = {"yes_no", "choice", "money", "count", "months", "date", "id_number", "phone", "name", "health"}
    reg = load_registry()
    seen = set()
    for group in CORPUS:
        if group.get("menu"):
            seen.add("group")
            continue
        form = reg.form(group.get("form", "archive"))
        key = str(group["field"]).split(".")[-1]
        section = str(group["field"]).split(".")[0]
        fields = [f for f in form.section_of(section).group.fields] if "." in str(group["field"]) else [form.field(key)]
        seen.update(f.type for f in fields if f.key == key)
    assert kinds <= seen and "group" in seen


@pytest.mark.parametrize(("group", "typed", "expected"), CASES)
def test_natural_answer(registry: Registry, group: dict[str, Any], typed: str, expected: Any) -> None:
    form, state, ctx = _state(registry, group)
    path = str(group["field"])
    if group.get("menu"):
        run = Run(form, state, ctx)
        slot = next(s for s in run.all_slots() if s.is_menu and s.section.key == path)
        # the engine reads a command word (跳过 …) before a group menu sees the text; 跳过 closes the list
        action = "done" if command(typed) == "skip" else group_action(run, slot, typed)
        assert action == (None if expected == "ASK" else expected["menu"]), f"{typed!r} at {path}"
        return
    step = advance(form, state, Input("text", text=typed), ctx)
    answered, value = get_value(step.state["answers"], path)
    pending = step.state.get("pending")
    if expected == "ASK":
        assert not (answered and value is not None) and not pending, f"{typed!r} at {path} stored {value!r}"
        assert step.state.get("cursor") in (path, None) and step.state["status"] == "draft"
    elif expected == "SKIP":
        assert value is None and not pending, f"{typed!r} at {path} stored {value!r}"
    elif isinstance(expected, dict) and "confirm" in expected:
        assert pending and pending.get("kind") == "value" and pending["value"] == expected["confirm"], \
            f"{typed!r} at {path}: {pending!r} / stored {value!r}"
        confirmed = advance(form, step.state, Input("text", text="对"), ctx)
        assert get_value(confirmed.state["answers"], path) == (True, expected["confirm"])
    elif isinstance(expected, dict) and "offer" in expected:
        run = Run(form, state, ctx)
        from flows.offers import offer_for
        offered = offer_for(run, run.slot_at(path))
        assert offered is not None
        if expected["offer"] in (True, "yes"):  # YAML reads a bare yes as true
            assert (answered, value) == (True, offered[0]), f"{typed!r} at {path}"
        else:
            assert not answered and not pending, f"{typed!r} at {path} stored {value!r}"
    else:
        assert not pending, f"{typed!r} at {path} waits for confirmation: {pending!r}"
        assert (answered, value) == (True, expected), f"{typed!r} at {path} stored {value!r}"


def test_editing_a_several_choice_answer_starts_from_the_choices_made(registry: Registry) -> None:
    form = registry.form("archive")
    ctx = registry.context()
    state = new_state(form)
    state["answers"].update(main_cause="下岗失业", secondary_causes=["重特大疾病", "子女上学"])
    state["mode"] = "review"
    run = Run(form, state, ctx)
    from flows.show import review_items
    index = next(it.index for _, items in review_items(run) for it in items if it.path == "secondary_causes")
    step = advance(form, state, Input("text", text=str(index)), ctx)
    assert step.state["cursor"] == "secondary_causes"
    assert step.state["multi"] == ["重特大疾病", "子女上学"]
    labels = [b.label for row in step.outputs[-1].buttons for b in row]
    assert "✅ 6. 重特大疾病" in labels and "✅ 9. 子女上学" in labels and not any("3. 下岗失业" in x for x in labels)
