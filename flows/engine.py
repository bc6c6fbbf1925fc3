"""The conversation engine: ``advance(form, state, input, ctx) -> Step``. Pure; no I/O.

Also the changes made to an interview's state from outside a conversation (a staff member takes a
self-report over, a reviewer returns it at named questions, a system answer such as 审核人 is
written): storage calls these instead of editing the engine's state keys by hand.
"""

from __future__ import annotations

from typing import Any

from flows.answer import handle
from flows.form import Form
from flows.outputs import Context, Input, Step
from flows.run import Run
from flows.show import answered_record, waiting_on
from flows.slots import get_value, set_value

STATE_VERSION = 1


def new_state(form: Form, *, role: str = "worker") -> dict[str, Any]:
    """A fresh interview state: small, JSON-serialisable, complete."""
    return {
        "v": STATE_VERSION, "form": form.key, "form_version": form.version, "role": role,
        "status": "draft", "answers": {}, "groups_done": [], "flags": {}, "mode": "ask",
        "cursor": None, "cursor_from": None, "pending": None, "multi": None, "page": 0, "seq": 0,
    }


def advance(form: Form, state: dict[str, Any], inp: Input, ctx: Context) -> Step:
    """Apply one input to the state; return the new state, what to show and what to record."""
    run = Run(form, _copy(state), ctx)
    before = waiting_on(run) if inp.kind != "start" and run.st.get("status") == "draft" else None
    handle(run, inp)
    record = answered_record(run, before)
    return Step(run.st, ((record,) if record else ()) + tuple(run.outputs), tuple(run.events))


def current_path(form: Form, state: dict[str, Any], ctx: Context) -> str | None:
    """The path of the question the interview is waiting on (None at the final review)."""
    slot = Run(form, state, ctx).current()
    return slot.path if slot else None


def hand_over(state: dict[str, Any], *, role: str = "staff") -> dict[str, Any]:
    """A submitted interview, reopened as a draft for ``role`` to complete; signatures are kept."""
    new = _copy(dict(state))
    new.update(status="draft", mode="ask", cursor=None, pending=None, role=role)
    return new


def reopen_for_changes(state: dict[str, Any]) -> dict[str, Any]:
    """A submitted interview, back to draft at its final review (change any answer, then sign again)."""
    new = _copy(dict(state))
    new.update(status="draft", mode="review", pending=None, multi=None, page=0, review_section=None)
    return new


def reopen_at(state: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """A submitted interview, back to draft at the first of ``paths``; once each is answered, on to the final review."""
    if not paths:
        raise ValueError("reopen_at needs at least one path")
    new = _copy(dict(state))
    # cursor_from "review": after the named question is answered the author goes on to the final review.
    new.update(status="draft", mode="ask", pending=None, multi=None, page=0, review_section=None,
               cursor=paths[0], cursor_from="review", reopened=list(paths[1:]))  # the others: flows.moves.next_reopened
    return new


def set_system_answer(state: dict[str, Any], path: str, value: Any) -> tuple[dict[str, Any], Any]:
    """The state with a program-filled answer (e.g. 审核人 ``reviewed_by``) set; also the old value (or None)."""
    new = _copy(dict(state))
    answers = new.setdefault("answers", {})
    answered, old = get_value(answers, path)
    set_value(answers, path, value)
    return new, old if answered else None


def _copy(value: Any) -> Any:
    """A deep copy of a JSON-like value (several times faster than copy.deepcopy).

    Exact types on purpose (speed); callers pass ``dict(state)`` when the top may be a subclass.
    """
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value
