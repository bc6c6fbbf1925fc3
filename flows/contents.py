"""The review's table of contents: each section of the form with its state (已填 / 未填 / 有提示).

The review used to be one 64–88-line message, sent again after every correction. It now opens on
these few lines; a section is opened to read or change it, and a correction returns to that section.
"""

from __future__ import annotations

from flows.catalog import t
from flows.consistency import Check
from flows.run import Run
from flows.slots import is_done


def contents(run: Run, checks: list[Check]) -> tuple[tuple[str, str], ...]:
    """(section label, its state) for every section that applies now, in form order."""
    flagged = set(run.st.get("flags") or {}) | {c.path for c in checks}
    order: list[str] = []
    answered: dict[str, int] = {}
    open_: dict[str, int] = {}
    hints: dict[str, int] = {}
    for slot in run.all_slots():
        label = slot.section.label
        if label not in answered:
            order.append(label)
            answered[label] = open_[label] = hints[label] = 0
        if slot.is_menu:
            continue
        if is_done(slot, run.st):
            answered[label] += 1
        elif slot.field is not None and slot.field.required:
            open_[label] += 1
        scope = slot.path.rsplit(".", 1)[0] + "." if "." in slot.path else ""
        if slot.path in flagged or any(c.startswith(scope) and "." in c for c in flagged if scope):
            hints[label] += 1
    out: list[tuple[str, str]] = []
    for label in order:
        if hints[label]:
            state = t("chat.state_hint")
        elif open_[label]:
            state = t("chat.state_open", n=open_[label])
        elif not answered[label]:
            state = t("chat.state_none")  # e.g. no attachments: nothing to fill
        else:
            state = t("chat.state_done", n=answered[label])
        out.append((label, state))
    return tuple(out)
