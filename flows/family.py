"""The family as a unit, from the final review: open the member list, add a member, open one member and change
any of its answers, remove one after a confirmation that names them. Pure state transitions.

After a change the interview goes on as usual: a new member's questions are asked, and what was computed
from the members (家庭人口, 家庭年度总收入) is asked again, before the review comes back.
"""

from __future__ import annotations

from typing import Any

from flows import lexicon
from flows.catalog import t
from flows.family_view import KINDS, member_slots
from flows.moves import add_item, remove_item
from flows.outputs import Notice
from flows.run import Run
from flows.show import show


def open_family(run: Run, group: str) -> None:
    """The review's 👪 button: the member list."""
    if group not in {s.key for s in run.form.sections if s.group is not None}:
        show(run)
        return
    run.st["pending"] = {"kind": "family", "group": group}
    show(run)


def is_family(pending: dict[str, Any] | None) -> bool:
    """True when a pending value is one of the family screens."""
    return bool(pending) and pending.get("kind") in KINDS  # type: ignore[union-attr]


def on_button(run: Run, p: dict[str, Any], action: str, arg: str) -> None:
    """A button of a family screen."""
    group = str(p["group"])
    items = run.st["answers"].get(group) or []
    index = int(p.get("index", -1))
    if action == "fm" and arg.isdecimal() and int(arg) < len(items):
        run.st["pending"] = {"kind": "family_member", "group": group, "index": int(arg)}
        show(run)
    elif action == "fa":
        add_member(run, group)
    elif action == "fb":
        run.st.update(pending=None, mode="review", review_section=None)
        show(run)
    elif action == "fl":
        run.st["pending"] = {"kind": "family", "group": group}
        show(run)
    elif action == "fe" and 0 <= index < len(items):
        edit_member_field(run, group, index, arg)
    elif action == "fx" and 0 <= index < len(items):
        run.st["pending"] = {"kind": "family_remove", "group": group, "index": index}
        show(run)
    elif action in ("yes", "no") and p["kind"] == "family_remove":
        if action == "yes":
            remove_member(run, group, index)
        else:
            run.st["pending"] = {"kind": "family_member", "group": group, "index": index}
            show(run)
    else:
        run.outputs.append(Notice(t("engine.stale_button"), "warning"))
        show(run)


def on_text(run: Run, p: dict[str, Any], text: str) -> None:
    """Typed at a family screen: a member's number at the list, yes / no at the removal, else a hint."""
    key = lexicon.normalize(text)
    if p["kind"] == "family" and key.isdecimal():
        on_button(run, p, "fm", str(int(key) - 1))
        return
    if p["kind"] == "family" and lexicon.match(text, ("add",)):
        on_button(run, p, "fa", "")
        return
    if p["kind"] == "family_remove" and (word := lexicon.match(text, ("yes", "no", "decline"))):
        on_button(run, p, "yes" if word == "yes" else "no", "")
        return
    run.outputs.append(Notice(t("family.member_hint" if p["kind"] == "family_member" else "family.hint"), "error"))
    show(run)


def add_member(run: Run, group: str) -> None:
    """A new, empty member; its questions follow, then the review again."""
    run.st.update(pending=None, mode="ask", review_section=None, cursor=None, cursor_from=None)
    before = len(run.st["answers"].get(group) or [])
    g = run.form.section_of(group).group
    if g is not None and before < g.max:
        run.outputs.append(Notice(t("family.added", n=before + 1)))
    add_item(run, run.slot_at(group))


def edit_member_field(run: Run, group: str, index: int, key: str) -> None:
    """Change one answer of one member; afterwards back to the review."""
    path = f"{group}.{index}.{key}"
    if path not in {s.path for s in member_slots(run, group, index)}:
        run.outputs.append(Notice(t("engine.stale_button"), "warning"))
        show(run)
        return
    earlier = (run.st["answers"][group][index]).get(key)
    run.st.update(pending=None, mode="ask", review_section=None, cursor=path, cursor_from="review",
                  multi=list(earlier) if isinstance(earlier, list) else None, page=0)
    show(run)


def remove_member(run: Run, group: str, index: int) -> None:
    """Remove a confirmed member; what was computed from the members is asked again before the review."""
    run.st.update(mode="ask", review_section=None)
    remove_item(run, group, index)
