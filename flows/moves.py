"""What an accepted input does to the interview: store an answer, move on, go back, finish.

These are the engine's state transitions; ``flows.answer`` decides which one an input asks for.
"""

from __future__ import annotations

from typing import Any

from flows.catalog import t
from flows.offers import dependents_of, group_dependents, offer_for
from flows.outputs import AnswerChanged, Cancelled, Completed, InterviewCancelled, Notice, OpenOther, Submitted
from flows.run import Run
from flows.consistency import CHECKS_KEY, checks_to_json, refusals
from flows.show import household_checks, review_items, show
from flows.slots import Slot, condition_inputs, drop_value, get_value, is_done, set_value


def commit(run: Run, slot: Slot, value: Any, *, action: str = "set") -> None:
    """Store an accepted answer, flag mismatches, re-ask what depends on it, move on."""
    f = run.field_of(slot)
    answers = run.st["answers"]
    answered, old = get_value(answers, slot.path)
    set_value(answers, slot.path, value)
    run.answered()
    run.events.append(AnswerChanged(slot.path, old if answered else None, value, action))
    affects_slots = f.key in condition_inputs(run.form)
    _check_offer_mismatch(run, slot, value)
    if answered and old != value:
        for dep in dependents_of(run.form, answers, slot.path):
            was, dep_old = get_value(answers, dep)
            if was:
                drop_value(answers, dep)
                run.events.append(AnswerChanged(dep, dep_old, None, "clear"))
                affects_slots = True
    run.st["multi"] = None
    run.st["page"] = 0
    if affects_slots:
        run.invalidate()
    if f.unique and "." not in slot.path and value and run.ctx.find_duplicate:
        dup = run.ctx.find_duplicate(str(value))
        if dup:
            offer_duplicate(run, dict(dup), str(value))
            return
    move_on(run, slot)


def move_on(run: Run, slot: Slot) -> None:
    """After an answer: back to where the interview was (after 返回), or on to the first open question."""
    if run.st.get("cursor") and run.st.get("cursor_from") == "back":
        nxt = run.next_slot(slot.path)
        run.st["cursor"] = nxt.path if nxt is not None and is_done(nxt, run.st) else None
    else:
        run.st["cursor"] = next_reopened(run)
    if run.st.get("cursor") is None:
        run.st["cursor_from"] = None
    show(run)


def next_reopened(run: Run) -> str | None:
    """After a field a return reopened (flows.engine.reopen_at): the next one it named, else None (the review)."""
    waiting = run.st.get("reopened") or []
    if run.st.get("cursor_from") != "review" or not waiting:
        return None
    run.st["reopened"] = waiting[1:]
    earlier = get_value(run.st["answers"], str(waiting[0]))[1]  # a several-choice answer: edited from its ticks
    run.st["multi"] = list(earlier) if isinstance(earlier, list) else None
    return str(waiting[0])


def _check_offer_mismatch(run: Run, slot: Slot, value: Any) -> None:
    f = run.field_of(slot)
    flags = run.st.setdefault("flags", {})
    if not f.offer.get("from_id"):
        return
    offered = offer_for(run, slot)
    if offered is not None and value is not None and value != offered[0]:
        msg = t("engine.mismatch_flag", what=f.label, expected=offered[1])
        flags[slot.path] = msg
        run.outputs.append(Notice(t("engine.warning", message=msg), "warning"))
    else:
        flags.pop(slot.path, None)


def keep(run: Run, slot: Slot) -> None:
    """保留原答案: go on with the earlier answer."""
    if get_value(run.st["answers"], slot.path)[0]:
        move_on(run, slot)
    else:
        show(run)


def skip(run: Run) -> None:
    """跳过: leave an optional question empty, or close a group."""
    run.st["pending"] = None
    slot = run.current()
    if run.st.get("mode") == "review" or slot is None:
        show(run)
        return
    if slot.is_menu:
        close_group(run, slot)
        return
    f = run.field_of(slot)
    if f.required:
        run.outputs.append(Notice(t("engine.cannot_skip", label=f.label), "error"))
        show(run)
        return
    commit(run, slot, None, action="skip")


def go_back(run: Run) -> None:
    """返回: to the question before the current one (or the last one, from the final review)."""
    run.st["pending"] = None
    run.st["mode"] = "ask"
    cur = run.current()
    if cur is not None and _fresh_item(run, cur):
        drop_fresh_item(run, cur)
        return
    fields = [s for s in run.all_slots() if not s.is_menu]
    if cur is None:
        prev = fields[-1] if fields else None
    else:
        order = [s.path for s in run.all_slots()]
        pos = order.index(cur.path)
        earlier = [s for s in run.all_slots()[:pos] if not s.is_menu]
        prev = earlier[-1] if earlier else None
    if prev is None:
        run.outputs.append(Notice(t("engine.nothing_to_go_back"), "warning"))
    else:
        run.st["cursor"], run.st["cursor_from"] = prev.path, "back"
        run.st["multi"] = None
        run.st["page"] = 0
    show(run)


def _fresh_item(run: Run, slot: Slot) -> bool:
    """True at a question of a group item nothing has been answered in yet (just added)."""
    if slot.group_index is None or slot.section.group is None:
        return False
    items = run.st["answers"].get(slot.section.key) or []
    return slot.group_index < len(items) and not any(v is not None for v in items[slot.group_index].values())


def drop_fresh_item(run: Run, slot: Slot) -> None:
    """返回 at a just-added, still empty item: the item is not kept and the group's menu is shown again,
    where 没有 / 登记完毕 leave the group (going back to the question before would only lead here again)."""
    g = slot.section.group
    assert g is not None and slot.group_index is not None
    run.st["answers"][slot.section.key].pop(slot.group_index)
    run.outputs.append(Notice(t("engine.group_item_dropped", n=slot.group_index + 1, item=g.item, counter=g.counter)))
    run.st.update(cursor=None, cursor_from=None, multi=None, page=0)
    run.invalidate()
    show(run)


def edit_item(run: Run, index: int) -> None:
    """Jump to a reviewed item to change it; afterwards the interview returns to where it was."""
    for section, items in review_items(run):
        for it in items:
            if it.index == index:
                # a several-choice answer is edited from the choices made, ticked — not from nothing;
                # once changed, the review opens at this item's section again (not the whole list)
                earlier = get_value(run.st["answers"], it.path)[1]
                run.st.update(mode="ask", review_section=section, cursor=it.path, cursor_from="review",
                              multi=list(earlier) if isinstance(earlier, list) else None, page=0)
                show(run)
                return
    run.outputs.append(Notice(t("engine.review_bad_choice", value=index), "error"))
    show(run)


# --- repeating groups ---------------------------------------------------------

def add_item(run: Run, slot: Slot) -> None:
    """Open a new, empty item of the group."""
    g = slot.section.group
    assert g is not None
    items = run.st["answers"].setdefault(slot.section.key, [])
    if len(items) >= g.max:
        run.outputs.append(Notice(t("engine.group_full", max=g.max, item=g.item, counter=g.counter), "warning"))
        show(run)
        return
    items.append({})
    done = run.st.setdefault("groups_done", [])
    if slot.section.key in done:
        done.remove(slot.section.key)
    _clear_group_dependents(run, slot.section.key)
    run.st["cursor"] = None
    run.invalidate()
    show(run)


def close_group(run: Run, slot: Slot) -> None:
    """Mark the group finished and move on."""
    done = run.st.setdefault("groups_done", [])
    if slot.section.key not in done:
        done.append(slot.section.key)
    run.invalidate()
    move_on(run, slot)


def ask_remove(run: Run, slot: Slot) -> None:
    """Ask which item to remove (or confirm the only one)."""
    items = run.st["answers"].get(slot.section.key) or []
    if not items:
        show(run)
        return
    if len(items) == 1:
        run.st["pending"] = {"kind": "remove", "group": slot.section.key, "index": 0}
    else:
        run.st["pending"] = {"kind": "remove_pick", "group": slot.section.key}
    show(run)


def _clear_group_dependents(run: Run, group: str) -> None:
    for dep in group_dependents(run.form, group):
        was, old = get_value(run.st["answers"], dep)
        if was:
            drop_value(run.st["answers"], dep)
            run.events.append(AnswerChanged(dep, old, None, "clear"))


def remove_item(run: Run, group: str, index: int) -> None:
    """Remove one item of a group, and what was computed from the group."""
    items = run.st["answers"].get(group) or []
    if 0 <= index < len(items):
        item = items.pop(index)
        run.events.append(AnswerChanged(f"{group}.{index}", item, None, "remove"))
        name = item.get("name") or item.get("type") or ""
        section = run.form.section_of(group)
        item_label = section.group.item if section.group else ""
        counter = section.group.counter if section.group else t("form.default_counter")
        run.outputs.append(Notice(t("engine.group_removed", n=index + 1, item=item_label, counter=counter, name=name)))
        _clear_group_dependents(run, group)
        flags = run.st.get("flags") or {}
        for key in [k for k in flags if k.startswith(f"{group}.")]:
            flags.pop(key)
    run.st["pending"] = None
    run.st["cursor"] = None
    run.invalidate()
    show(run)


# --- finishing ---------------------------------------------------------------

def offer_duplicate(run: Run, dup: dict[str, Any], id_number: str) -> None:
    """Tell a surveyor the ID is already on file; a worker's record is only flagged.

    ``hidden``: the record on file is not the person's to read (another unit's): they are told only
    that the number is registered and to contact staff, and the record is flagged without its 编号.
    """
    if dup.get("hidden"):
        run.st.setdefault("flags", {})["id_number"] = t("engine.duplicate_flag_hidden")
        if run.st.get("role") != "worker":
            run.outputs.append(Notice(t("engine.duplicate_hidden"), "info"))
        move_on(run, run.slot_at("id_number"))
        return
    if run.st.get("role") == "worker":
        run.st.setdefault("flags", {})["id_number"] = t("engine.duplicate_flag", ref=dup.get("ref", ""))
        move_on(run, run.slot_at("id_number"))
        return
    run.st["pending"] = {"kind": "duplicate", "id_number": id_number, **{k: dup.get(k) for k in (
        "ref", "who", "status", "interview_id")}}
    show(run)


def submit(run: Run) -> None:
    """Sign and submit: prune what no longer applies, assess, record the signature."""
    answers = run.st["answers"]
    prune_irrelevant(run)
    checks = household_checks(run)
    blocked = refusals(checks)
    if blocked:  # e.g. a member given the worker's ID number: say why; the review offers 修改
        run.outputs.append(Notice(t("check.blocked", message=blocked[0].message), "error"))
        show(run)
        return
    run.st[CHECKS_KEY] = checks_to_json(checks)  # the warnings go with the record, for staff and the ledger
    found = run.ctx.assess(answers) if run.ctx.assess and run.form.eligibility else None
    assessment = dict(found) if found is not None else None
    if assessment is not None:
        run.st["assessment"] = assessment
    by_surveyor = run.by_surveyor()
    signer = run.ctx.actor_name if by_surveyor else str(answers.get("name") or "")
    if run.completing():  # the worker signed already; staff completed their parts
        run.st["completed"] = {"name": signer, "at": run.ctx.now, "actor": run.ctx.actor_id}
    else:
        run.st["signature"] = {"name": signer, "at": run.ctx.now, "actor": run.ctx.actor_id,
                               "role": run.form.signed_by}
    run.st["status"] = "submitted"
    run.st["pending"] = None
    numbered = any(f.system == "assigned_on_submit" for _, f in run.form.all_fields())
    run.events.append(Submitted(run.ctx.now, signer, numbered))
    text = t("engine.submitted_surveyor" if by_surveyor else "engine.submitted", name=signer, at=run.ctx.now)
    run.outputs.append(Completed(run.headed(text), assessment, eligibility=run.form.eligibility))


def prune_irrelevant(run: Run) -> None:
    """Drop answers to questions that no longer apply (e.g. after a changed 是/否)."""
    applies = {s.path for s in run.all_slots() if not s.is_menu}
    answers = run.st["answers"]
    for section in run.form.sections:
        if section.group:
            for i, item in enumerate(answers.get(section.key) or []):
                for key in list(item):
                    path = f"{section.key}.{i}.{key}"
                    if path not in applies:
                        run.events.append(AnswerChanged(path, item.pop(key), None, "clear"))
        else:
            for f in section.fields:
                if f.key in answers and f.key not in applies:
                    run.events.append(AnswerChanged(f.key, answers.pop(f.key), None, "clear"))
    run.invalidate()


def cancel(run: Run) -> None:
    """取消 confirmed: the interview is void."""
    run.st["status"] = "cancelled"
    run.st["pending"] = None
    run.events.append(InterviewCancelled(run.ctx.now))
    run.outputs.append(Cancelled(run.headed(t("engine.cancelled"))))


def open_other(run: Run, interview_id: str, ref: str) -> None:
    """The surveyor opens the record already on file instead; this draft stays (nobody's is cancelled)."""
    run.st["pending"] = None
    run.outputs.append(OpenOther(interview_id, t("engine.duplicate_opening", ref=ref)))
