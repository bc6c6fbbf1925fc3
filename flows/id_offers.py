"""One tap for everything an ID number gives: 性别 and 出生日期 offered together, confirmed together.

At the first question offered from an ID number (性别, asked right after 身份证号), the other questions of
the same person offered from the same number and not answered yet (出生日期) are shown with it; the ✔
button (or 对) stores them all, each with its own event. Choosing or typing a value answers only that
question, and the others are then asked one by one as before.
"""

from __future__ import annotations

from typing import Any

from flows.offers import offer_for
from flows.outputs import AnswerChanged
from flows.run import Run
from flows.slots import Slot, get_value, set_value


def id_siblings(run: Run, slot: Slot) -> list[tuple[Slot, Any, str]]:
    """The other unanswered questions of this person offered from the same ID number: (slot, value, display)."""
    f = slot.field
    source = f.offer.get("from_id") if f is not None else None
    if not source or get_value(run.st["answers"], slot.path)[0] or offer_for(run, slot) is None:
        return []
    scope = slot.path.rsplit(".", 1)[0] + "." if "." in slot.path else ""
    out: list[tuple[Slot, Any, str]] = []
    for other in run.all_slots():
        g = other.field
        if other is slot or g is None or g.offer.get("from_id") != source:
            continue
        if (other.path.rsplit(".", 1)[0] + "." if "." in other.path else "") != scope:
            continue
        if get_value(run.st["answers"], other.path)[0]:
            continue
        offered = offer_for(run, other)
        if offered is not None:
            out.append((other, offered[0], offered[1]))
    return out


def take_siblings(run: Run, slot: Slot) -> None:
    """Store the values shown with this question's offer (before the question's own answer is committed)."""
    for other, value, _ in id_siblings(run, slot):
        set_value(run.st["answers"], other.path, value)
        run.events.append(AnswerChanged(other.path, None, value, "set"))
    run.invalidate()
