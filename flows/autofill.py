"""Answer an interview from a plan: how tests, demos and the benchmark drive the real engine."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from flows.outputs import Ask, Completed, Input, Menu, Output, Review

OFFER = "@offer"  # in a plan: accept the value the engine offers ("对")


def next_input(outputs: Sequence[Output], plan: Mapping[str, Any], *, sign: bool = True) -> Input | None:
    """The input a person following ``plan`` would give after these outputs (None when finished).

    ``plan`` maps top-level keys to typed text, and group keys (``members``,
    ``attachments``) to lists of such mappings; a missing optional key is skipped.
    """
    prompt = next((o for o in reversed(outputs) if isinstance(o, (Ask, Menu, Review, Completed))), None)
    if prompt is None or isinstance(prompt, Completed):
        return None
    if isinstance(prompt, Review):
        if not prompt.final or not sign:
            return None
        return Input("text", text="确认签字提交")
    if isinstance(prompt, Menu):
        if prompt.key.startswith("confirm:value"):
            return Input("text", text="确认")
        if prompt.key.startswith("confirm:duplicate"):
            return Input("text", text="仍然新建")
        if prompt.key.startswith("confirm:"):
            return Input("text", text="否")
        items = plan.get(prompt.key) or []
        have = _count_items(prompt.text)
        return Input("text", text="添加" if have < len(items) else "完成")
    return Input("text", text=_answer_for(prompt.path, plan))


def _count_items(text: str) -> int:
    lines = [ln for ln in text.splitlines() if ln[:1].isdigit() and ". " in ln]
    return len(lines)


def _answer_for(path: str, plan: Mapping[str, Any]) -> str:
    parts = path.split(".")
    if len(parts) == 3:
        items = plan.get(parts[0]) or []
        idx = int(parts[1])
        value = items[idx].get(parts[2]) if idx < len(items) else None
    else:
        value = plan.get(path)
    if value is None:
        return "跳过"
    if value == OFFER:
        return "对"
    return str(value)
