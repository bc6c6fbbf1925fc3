"""A photo or document sent during the 附件 step: stored as an attachment, never dropped.

At the 附件 file question the file is its answer. At the group's menu ("现在登记“附件”…", or after
an attachment), and while an earlier attachment's type or name is still being asked, it opens a
new attachment holding that file: the questions of the earlier one go on first, then this one's.
So the back of an ID card sent before the front's type is chosen, or an album of several photos
(one update each), becomes one attachment per file.
"""

from __future__ import annotations

from typing import Any

from flows.catalog import t
from flows.form import Field, Form, Section
from flows.moves import commit
from flows.outputs import AnswerChanged, Context, Notice
from flows.run import Run
from flows.show import show
from flows.slots import Slot

FILE_KEYS = ("file_id", "name", "mime", "size", "sha256", "path", "kind")


def file_field(section: Section) -> Field | None:
    """The group's file question when a sent file can open an item of it (the item's first question)."""
    g = section.group
    if g is None or not g.fields or g.fields[0].type != "file":
        return None
    return g.fields[0]


def _takes(run: Run) -> tuple[str, Slot] | None:
    """Where a file sent now goes: ("answer", the file question) or ("item", a slot of the 附件 group)."""
    if run.st.get("pending") or run.st.get("mode") == "review":
        return None
    slot = run.current()
    if slot is None:
        return None
    if slot.field is not None and slot.field.type == "file":
        return ("answer", slot)
    if file_field(slot.section) is not None:
        return ("item", slot)
    return None


def takes_file(form: Form, state: dict[str, Any], ctx: Context) -> bool:
    """True when the interview, as it stands, would store a file sent now (the adapters' gate)."""
    return _takes(Run(form, state, ctx)) is not None


def asked_type(form: Form, state: dict[str, Any], ctx: Context) -> str | None:
    """The type of the question the interview waits on (``phone`` …); None at a menu, a confirmation, the review."""
    if state.get("status") != "draft" or state.get("pending") or state.get("mode") == "review":
        return None
    slot = Run(form, state, ctx).current()
    return slot.field.type if slot is not None and slot.field is not None else None


def on_file(run: Run, meta: dict[str, Any]) -> None:
    """A sent file: the answer to the file question, or a new attachment of the group the interview is in."""
    where = _takes(run)
    value = {k: meta.get(k) for k in FILE_KEYS}
    if where is None:
        run.outputs.append(Notice(t("media.file_not_now"), "warning"))
        show(run)
        return
    how, slot = where
    if how == "answer":
        run.outputs.append(Notice(t("engine.file_received", name=value.get("name") or "")))
        commit(run, slot, value)
        return
    _new_item(run, slot.section, value)


def _new_item(run: Run, section: Section, value: dict[str, Any]) -> None:
    g = section.group
    f = file_field(section)
    assert g is not None and f is not None
    items = run.st["answers"].setdefault(section.key, [])
    if len(items) >= g.max:
        run.outputs.append(Notice(t("engine.group_full", max=g.max, item=g.item, counter=g.counter), "warning"))
        show(run)
        return
    items.append({f.key: value})
    path = f"{section.key}.{len(items) - 1}.{f.key}"
    run.events.append(AnswerChanged(path, None, value, "set"))
    done = run.st.setdefault("groups_done", [])
    if section.key in done:
        done.remove(section.key)
    run.st.update(multi=None, page=0)
    if run.st.get("cursor_from") != "review":  # a correction asked from the review is finished first
        run.st.update(cursor=None, cursor_from=None)
    run.invalidate()
    run.outputs.append(Notice(t("media.file_added", n=len(items), counter=g.counter, item=g.item,
                                name=value.get("name") or "")))
    show(run)
