"""What the engine shows at each point, and how menus, reviews and confirmations answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flows.catalog import t
from flows.display import display_value, mask_id
from flows.offers import group_dependents, offer_for
from flows.outputs import AnswerChanged, Ask, Button, Menu, Notice, Review, ReviewItem
from flows.slots import Slot, drop_value, get_value

if TYPE_CHECKING:
    from flows.engine import _Run

PAGE_SIZE = 8
YES = ("对", "是", "是的", "确认", "确定", "好", "好的", "ok", "y", "yes", "没错", "确认签字提交", "确认提交", "签字", "提交")
NO = ("否", "不", "不是", "不对", "no", "n", "算了", "不，继续填", "重新输入")


def _b(run: "_Run", label: str, action: str) -> Button:
    return Button(label, f"{run.st['seq']}:{action}")


def nav_row(run: "_Run", *, can_skip: bool) -> tuple[Button, ...]:
    """返回 / 跳过 / 查看 / 取消, always at hand."""
    row = [_b(run, t("engine.back"), "back")]
    if can_skip:
        row.append(_b(run, t("engine.skip"), "skip"))
    row += [_b(run, t("engine.review"), "review"), _b(run, t("engine.cancel"), "cancel")]
    return tuple(row)


def show(run: "_Run") -> None:
    """Emit the prompt for wherever the interview now is."""
    pending = run.st.get("pending")
    if pending:
        _show_pending(run, pending)
        return
    slot = run.current()
    if run.st.get("mode") == "review" or slot is None:
        show_review(run, final=slot is None)
        return
    if slot.is_menu:
        _show_group_menu(run, slot)
        return
    _ask(run, slot)


def _progress(run: "_Run", slot: Slot) -> tuple[int, int]:
    fields = [s.path for s in run.all_slots() if not s.is_menu]
    return (fields.index(slot.path) + 1 if slot.path in fields else len(fields), len(fields))


def _ask(run: "_Run", slot: Slot) -> None:
    f = run.field_of(slot)
    n, total = _progress(run, slot)
    lines = [t("engine.progress", n=n, total=total) + f" · {slot.section.label}"]
    if slot.group_index is not None and slot.section.group:
        lines.append(t("engine.group_item_title", n=slot.group_index + 1, item=slot.section.group.item,
                       counter=slot.section.group.counter))
    lines.append(f"请填写：{f.label}" + (t("engine.required_mark") if f.required else t("engine.optional_mark")))
    if f.help:
        lines.append(f.help)
    answered, current = get_value(run.st["answers"], slot.path)
    if answered:
        lines.append(t("engine.current_value", value=display_value(f, current)))
    offered = offer_for(run, slot)
    rows: list[tuple[Button, ...]] = []
    if offered is not None:
        lines.append(t("engine.offer", value=offered[1]))
        rows.append((_b(run, f"✔ {offered[1]}", "offer"),))
    if f.example and f.type not in ("choice", "multi_choice", "yes_no"):
        lines.append(t("engine.example", example=f.example))
    choices = run.choices(slot)
    if f.type == "choice":
        lines.append(t("engine.choose_hint"))
        rows += _choice_rows(run, choices, "c", set())
    elif f.type == "multi_choice":
        lines.append(t("engine.multi_hint"))
        selected = set(run.st.get("multi") or [])
        rows += _choice_rows(run, choices, "t", selected)
        rows.append((_b(run, t("engine.done_button") + (f"（已选 {len(selected)}）" if selected else ""), "done"),))
    elif f.type == "yes_no":
        rows.append((_b(run, t("engine.yes"), "yn:1"), _b(run, t("engine.no"), "yn:0")))
    elif f.type == "file":
        lines.append(t("engine.file_expected"))
    if f.quick:
        rows.append(tuple(_b(run, q, f"q:{i}") for i, q in enumerate(f.quick)))
    if answered:
        rows.append((_b(run, t("engine.keep"), "keep"),))
    rows.append(nav_row(run, can_skip=not f.required))
    run.outputs.append(Ask(path=slot.path, label=f.label, text="\n".join(lines), progress=(n, total),
                           section=slot.section.label, buttons=tuple(rows), required=f.required,
                           multi=f.type == "multi_choice"))


def _choice_rows(run: "_Run", choices: tuple[str, ...], action: str, selected: set[str]) -> list[tuple[Button, ...]]:
    page = int(run.st.get("page") or 0)
    pages = max(1, (len(choices) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    start = page * PAGE_SIZE
    shown = [(i, c) for i, c in enumerate(choices)][start:start + PAGE_SIZE]
    rows: list[tuple[Button, ...]] = []
    for k in range(0, len(shown), 2):
        rows.append(tuple(_b(run, ("✅ " if c in selected else "") + f"{i + 1}. {c}", f"{action}:{i}")
                          for i, c in shown[k:k + 2]))
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(_b(run, t("engine.page_prev"), f"pg:{page - 1}"))
        nav.append(Button(f"{page + 1}/{pages}", f"{run.st['seq']}:pg:{page}"))
        if page < pages - 1:
            nav.append(_b(run, t("engine.page_next"), f"pg:{page + 1}"))
        rows.append(tuple(nav))
    return rows


# --- repeating groups ---------------------------------------------------------

def _item_names(run: "_Run", group: str) -> list[str]:
    items = run.st["answers"].get(group) or []
    return [f"{i + 1}. {item.get('name') or item.get('type') or '（未填）'}" for i, item in enumerate(items)]


def _show_group_menu(run: "_Run", slot: Slot) -> None:
    g = slot.section.group
    assert g is not None
    names = _item_names(run, slot.section.key)
    nav = nav_row(run, can_skip=False)
    if not names:
        text = t("engine.group_start", label=slot.section.label, item=g.item) + (f"\n{g.help}" if g.help else "")
        rows = ((_b(run, t("engine.group_add_first", item=g.item, counter=g.counter), "g:add"),),
                (_b(run, t("engine.group_none"), "g:done"),), nav)
    else:
        text = t("engine.group_menu", count=len(names), item=g.item, counter=g.counter, names="\n".join(names))
        rows = ((_b(run, t("engine.group_add", counter=g.counter), "g:add"),
                 _b(run, t("engine.group_remove", counter=g.counter), "g:remove")),
                (_b(run, t("engine.group_done"), "g:done"),), nav)
    run.outputs.append(Menu(text, rows, key=slot.section.key))


def on_group_button(run: "_Run", slot: Slot, action: str, arg: str) -> None:
    """Group menu buttons: add, remove, done."""
    if action == "g" and arg == "add":
        add_item(run, slot)
    elif action == "g" and arg == "done":
        close_group(run, slot)
    elif action == "g" and arg == "remove":
        ask_remove(run, slot)
    else:
        run.outputs.append(Notice(t("engine.stale_button"), "warning"))
        run.show()


def on_group_text(run: "_Run", slot: Slot, text: str) -> None:
    """Typed answers at a group menu: 添加 / 删除 / 完成, or the button's number."""
    if any(w in text for w in ("添加", "增加", "加一")) or text in ("1", "有"):
        add_item(run, slot)
    elif "删" in text:
        ask_remove(run, slot)
    elif any(w in text for w in ("完", "没有", "无", "好了", "结束")) or text in ("2", "3"):
        close_group(run, slot)
    else:
        run.outputs.append(Notice(t("engine.group_hint"), "error"))
        run.show()


def add_item(run: "_Run", slot: Slot) -> None:
    """Open a new, empty item of the group."""
    g = slot.section.group
    assert g is not None
    items = run.st["answers"].setdefault(slot.section.key, [])
    if len(items) >= g.max:
        run.outputs.append(Notice(t("engine.group_full", max=g.max, item=g.item, counter=g.counter), "warning"))
        run.show()
        return
    items.append({})
    done = run.st.setdefault("groups_done", [])
    if slot.section.key in done:
        done.remove(slot.section.key)
    _clear_group_dependents(run, slot.section.key)
    run.st["cursor"] = None
    run.invalidate()
    run.show()


def close_group(run: "_Run", slot: Slot) -> None:
    """Mark the group finished and move on."""
    done = run.st.setdefault("groups_done", [])
    if slot.section.key not in done:
        done.append(slot.section.key)
    run.invalidate()
    run.move_on(slot)


def ask_remove(run: "_Run", slot: Slot) -> None:
    """Ask which item to remove (or confirm the only one)."""
    items = run.st["answers"].get(slot.section.key) or []
    if not items:
        run.show()
        return
    if len(items) == 1:
        run.st["pending"] = {"kind": "remove", "group": slot.section.key, "index": 0}
    else:
        run.st["pending"] = {"kind": "remove_pick", "group": slot.section.key}
    run.show()


def _clear_group_dependents(run: "_Run", group: str) -> None:
    for dep in group_dependents(run.form, group):
        was, old = get_value(run.st["answers"], dep)
        if was:
            drop_value(run.st["answers"], dep)
            run.events.append(AnswerChanged(dep, old, None, "clear"))


def _remove_item(run: "_Run", group: str, index: int) -> None:
    items = run.st["answers"].get(group) or []
    if 0 <= index < len(items):
        item = items.pop(index)
        run.events.append(AnswerChanged(f"{group}.{index}", item, None, "remove"))
        name = item.get("name") or item.get("type") or ""
        section = run.form.section_of(group)
        item_label = section.group.item if section.group else ""
        counter = section.group.counter if section.group else "位"
        run.outputs.append(Notice(t("engine.group_removed", n=index + 1, item=item_label, counter=counter, name=name)))
        _clear_group_dependents(run, group)
        flags = run.st.get("flags") or {}
        for key in [k for k in flags if k.startswith(f"{group}.")]:
            flags.pop(key)
    run.st["pending"] = None
    run.st["cursor"] = None
    run.invalidate()
    run.show()


# --- pending confirmations -----------------------------------------------------

def _show_pending(run: "_Run", p: dict[str, Any]) -> None:
    kind = p["kind"]
    before = len(run.outputs)
    _pending_menu(run, p, kind)
    if len(run.outputs) > before and isinstance(run.outputs[-1], Menu):
        menu = run.outputs[-1]
        run.outputs[-1] = Menu(menu.text, menu.buttons, key=f"confirm:{kind}")


def _pending_menu(run: "_Run", p: dict[str, Any], kind: str) -> None:
    if kind == "cancel":
        run.outputs.append(Menu(t("engine.confirm_cancel"), (
            (_b(run, t("engine.confirm_yes"), "yes"), _b(run, t("engine.confirm_no"), "no")),)))
    elif kind == "value":
        run.outputs.append(Menu(t("engine.confirm_value", message=p["message"], value=p["display"]), (
            (_b(run, t("engine.confirm_value_yes"), "yes"), _b(run, t("engine.confirm_value_no"), "no")),)))
    elif kind == "remove":
        item = (run.st["answers"].get(p["group"]) or [{}])[p["index"]]
        section = run.form.section_of(p["group"])
        run.outputs.append(Menu(t("engine.group_remove_confirm", n=p["index"] + 1, name=item.get("name") or "",
                                  item=section.group.item if section.group else "",
                                  counter=section.group.counter if section.group else "位"), (
            (_b(run, t("engine.confirm_yes"), "yes"), _b(run, t("engine.confirm_no"), "no")),)))
    elif kind == "remove_pick":
        names = _item_names(run, p["group"])
        section = run.form.section_of(p["group"])
        rows = tuple((_b(run, n, f"rm:{i}"),) for i, n in enumerate(names))
        run.outputs.append(Menu(t("engine.group_remove_which", item=section.group.item if section.group else "",
                                  names="\n".join(names)), rows + ((_b(run, t("engine.confirm_no"), "no"),),)))
    elif kind == "duplicate":
        run.outputs.append(Menu(t("engine.duplicate_found", masked=mask_id(p["id_number"]), who=p.get("who", ""),
                                  status=p.get("status", ""), ref=p.get("ref", "")), (
            (_b(run, t("engine.duplicate_open"), "dup:open"),),
            (_b(run, t("engine.duplicate_continue"), "dup:new"),))))


def on_pending_button(run: "_Run", p: dict[str, Any], action: str, arg: str) -> None:
    """Buttons answering a pending confirmation."""
    if action == "rm" and p["kind"] == "remove_pick" and arg.isdecimal():
        run.st["pending"] = {"kind": "remove", "group": p["group"], "index": int(arg)}
        run.show()
    elif action == "dup":
        if arg == "open":
            run.open_other(str(p.get("interview_id") or ""), str(p.get("ref") or ""))
        else:
            run.st["pending"] = None
            run.move_on(_slot_at(run, "id_number"))
    elif action in ("yes", "no"):
        _resolve(run, p, action == "yes")
    else:
        run.outputs.append(Notice(t("engine.stale_button"), "warning"))
        run.show()


def on_pending_text(run: "_Run", p: dict[str, Any], text: str) -> None:
    """Typed answers to a pending confirmation; anything else re-asks (or re-answers)."""
    low = text.lower()
    if p["kind"] == "remove_pick" and text.isdecimal():  # not isdigit: int() refuses ① and ²
        on_pending_button(run, p, "rm", str(int(text) - 1))
    elif p["kind"] == "duplicate" and ("打开" in text or "新建" in text):
        on_pending_button(run, p, "dup", "open" if "打开" in text else "new")
    elif low in YES and p["kind"] != "duplicate":
        _resolve(run, p, True)
    elif low in NO and p["kind"] != "duplicate":
        _resolve(run, p, False)
    elif p["kind"] == "value":
        run.st["pending"] = None
        slot = _slot_at(run, p["path"])
        run.answer_text(slot, text)
    else:
        run.outputs.append(Notice(t("engine.pending_hint"), "error"))
        run.show()


def _slot_at(run: "_Run", path: str) -> Slot:
    for s in run.all_slots():
        if s.path == path:
            return s
    raise KeyError(path)


def _resolve(run: "_Run", p: dict[str, Any], yes: bool) -> None:
    kind = p["kind"]
    run.st["pending"] = None
    if kind == "cancel":
        if yes:
            run.cancel()
        else:
            run.outputs.append(Notice(t("engine.cancel_aborted")))
            run.show()
    elif kind == "value":
        if yes:
            run.commit(_slot_at(run, p["path"]), p["value"])
        else:
            run.show()
    elif kind == "remove" and yes:
        _remove_item(run, p["group"], int(p["index"]))
    else:
        run.show()


def offer_duplicate(run: "_Run", dup: dict[str, Any], id_number: str) -> None:
    """Tell a surveyor the ID is already on file; a worker's record is only flagged."""
    if run.st.get("role") == "worker":
        run.st.setdefault("flags", {})["id_number"] = t("engine.duplicate_flag", ref=dup.get("ref", ""))
        slot = _slot_at(run, "id_number")
        run.move_on(slot)
        return
    run.st["pending"] = {"kind": "duplicate", "id_number": id_number, **{k: dup.get(k) for k in (
        "ref", "who", "status", "interview_id")}}
    run.show()


# --- review ----------------------------------------------------------------------

def review_items(run: "_Run") -> list[tuple[str, list[ReviewItem]]]:
    """Answered fields by section, numbered in interview order."""
    out: list[tuple[str, list[ReviewItem]]] = []
    index = 0
    for slot in run.all_slots():
        if slot.is_menu or slot.field is None:
            continue
        answered, value = get_value(run.st["answers"], slot.path)
        if not answered:
            continue
        index += 1
        label = slot.field.label
        if slot.group_index is not None and slot.section.group:
            label = f"{slot.section.group.item}{slot.group_index + 1}·{label}"
        display = display_value(slot.field, value)
        if slot.path in (run.st.get("flags") or {}):
            display += " ⚠"
        if not out or out[-1][0] != slot.section.label:
            out.append((slot.section.label, []))
        out[-1][1].append(ReviewItem(index, slot.path, label, display))
    return out


def show_review(run: "_Run", *, final: bool) -> None:
    """The review list: by section; at the end, with the eligibility result and the signature."""
    sections = review_items(run)
    selected = run.st.get("review_section")
    rows: list[tuple[Button, ...]] = []
    if selected:
        for label, items in sections:
            if label == selected:
                rows += [(_b(run, f"✏ {it.index}. {it.label}", f"e:{it.index}"),) for it in items]
    else:
        keys = [label for label, _ in sections]
        rows += [tuple(_b(run, f"修改：{k}", f"rs:{i}") for i, k in enumerate(keys[j:j + 2], start=j))
                 for j in range(0, len(keys), 2)]
    assessment = None
    by_surveyor = run.form.signed_by == "surveyor" or run.completing()
    if final:
        assessment = run.ctx.assess(run.st["answers"]) if run.ctx.assess and run.form.eligibility else None
        rows.insert(0, (_b(run, t("engine.sign_button_surveyor" if by_surveyor else "engine.sign_button"), "sign"),))
        footer = t("engine.sign_prompt_surveyor" if by_surveyor else "engine.sign_prompt")
        title = t("engine.final_review_title_surveyor" if by_surveyor else "engine.final_review_title")
    else:
        rows.insert(0, (_b(run, t("engine.review_continue"), "cont"),))
        footer = t("engine.review_edit_prompt")
        title = t("engine.review_title")
    rows.append((_b(run, t("engine.back"), "back"), _b(run, t("engine.cancel"), "cancel")))
    run.outputs.append(Review(title=title, sections=tuple((s, tuple(items)) for s, items in sections),
                              footer=footer, buttons=tuple(rows), final=final, assessment=assessment,
                              eligibility=run.form.eligibility))


def on_review_button(run: "_Run", action: str, arg: str) -> None:
    """Review buttons: a section's items, edit one, continue, sign."""
    sections = review_items(run)
    if action == "rs" and arg.isdecimal() and int(arg) < len(sections):
        run.st["review_section"] = sections[int(arg)][0]
        run.show()
    elif action == "e" and arg.isdecimal():
        edit_item(run, int(arg))
    elif action == "cont":
        run.st["mode"] = "ask"
        run.st["review_section"] = None
        run.show()
    elif action == "sign" and run.current() is None:
        run.submit()
    else:
        run.outputs.append(Notice(t("engine.stale_button"), "warning"))
        run.show()


def on_review_text(run: "_Run", text: str) -> None:
    """Typed at a review: an item number to edit, 继续, or (at the end) 确认 to sign."""
    digits = text.replace("修改", "").strip()
    if digits.isdecimal():  # not isdigit: a typed ① would reach int() and fail
        edit_item(run, int(digits))
    elif text in ("继续", "继续填写") and run.st.get("mode") == "review":
        on_review_button(run, "cont", "")
    elif text.lower() in YES and run.current() is None:
        run.submit()
    else:
        run.outputs.append(Notice(t("engine.review_hint"), "error"))
        run.show()


def edit_item(run: "_Run", index: int) -> None:
    """Jump to a reviewed item to change it; afterwards the interview returns to where it was."""
    for _, items in review_items(run):
        for it in items:
            if it.index == index:
                run.st.update(mode="ask", review_section=None, cursor=it.path, cursor_from="review",
                              multi=None, page=0)
                run.show()
                return
    run.outputs.append(Notice(t("engine.review_bad_choice", value=index), "error"))
    run.show()
