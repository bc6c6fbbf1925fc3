"""Answer an interview from a plan: how tests, demos and the benchmark drive the real engine."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from flows.catalog import t
from flows.lexicon import NO_TEXT, OFFER_YES, WORDS
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
        return Input("text", text=t("engine.sign_button"))
    if isinstance(prompt, Menu):
        if prompt.key.startswith("confirm:value"):
            return Input("text", text=t("engine.confirm_value_yes"))
        if prompt.key.startswith("confirm:duplicate"):
            return Input("text", text=t("engine.duplicate_continue"))
        if prompt.key.startswith("confirm:"):
            return Input("text", text=NO_TEXT)
        items = plan.get(prompt.key) or []
        have = _count_items(prompt.text)
        return Input("text", text=WORDS["add"][0] if have < len(items) else t("engine.done_button"))
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
        return t("engine.skip")
    if value == OFFER:
        return OFFER_YES
    return str(value)
