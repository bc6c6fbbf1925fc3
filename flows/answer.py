"""How the engine answers an input: a typed text, a button, a file, a command, a confirmation.

Which words mean what comes from ``flows.lexicon``; what each answer does to the interview is a
transition of ``flows.moves``; what is shown next comes from ``flows.show``.
"""

from __future__ import annotations

from typing import Any

from flows import family, lexicon
from flows.catalog import t
from flows.moves import (
    add_item, ask_remove, cancel, close_group, commit, edit_item, go_back, keep, move_on, open_other,
    remove_item, skip, submit,
)
from flows.id_offers import take_siblings
from flows.card_input import take_reading
from flows.card_photo import KIND as CARD_PHOTO, resolve_keep
from flows.offers import offer_for
from flows.outputs import Input, Notice
from flows.run import Run
from flows.sent_files import on_file
from flows.show import group_options, page_count, review_items, show
from flows.slots import Slot
from flows.answers import Invalid, clip
from flows.field_types import TYPES, validate
from flows.consistency import id_conflict
from flows.dates import MonthOnly
from flows.non_answers import not_an_answer, typed_button, undecorated


def handle(run: Run, inp: Input) -> None:
    """Apply one input to the run: dispatch on its kind and on where the interview is."""
    if run.st.get("status") != "draft":
        status = t(f"engine.status.{run.st.get('status', 'submitted')}")
        run.outputs.append(Notice(t("engine.already_done", status=status)))
        return
    if inp.kind == "start":
        show(run)
    elif inp.kind == "button":
        _on_button(run, inp.data)
    elif inp.kind == "file":
        _on_file(run, inp.file or {})
    else:
        text = (inp.text or "").strip()
        command = lexicon.command(text) or lexicon.command(undecorated(text))  # "✔ 跳过" as on a button
        if command:
            _on_command(run, command)
        else:
            _on_text(run, text)


def _stale(run: Run) -> None:
    run.outputs.append(Notice(t("engine.stale_button"), "warning"))
    show(run)


def _on_button(run: Run, data: str) -> None:
    seq, _, rest = (data or "").partition(":")
    if seq != str(run.st["seq"]):
        _stale(run)
        return
    action, _, arg = rest.partition(":")
    if action in lexicon.COMMAND_WORDS:
        _on_command(run, action)
        return
    pending = run.st.get("pending")
    slot = run.current()
    if family.is_family(pending):  # the family as a unit, opened from the review (flows.family)
        family.on_button(run, pending, action, arg)
    elif pending:
        _on_pending_button(run, pending, action, arg)
    elif run.st.get("mode") == "review" or slot is None:
        _on_review_button(run, action, arg)
    elif slot.is_menu:
        _on_group_button(run, slot, action, arg)
    else:
        _on_field_button(run, slot, action, arg)


def _on_command(run: Run, command: str) -> None:
    p = run.st.get("pending")
    if p and p.get("kind") == CARD_PHOTO and command not in ("help", "resume"):
        run.st["pending"] = None  # 跳过 / 返回 / 查看 / 取消 at "keep the card photo?": not kept (asked once)
        resolve_keep(run, p, False)
    if command == "help":
        run.outputs.append(Notice(t("engine.help")))
        show(run)
    elif command == "resume":
        show(run)
    elif command == "cancel":
        run.st["pending"] = {"kind": "cancel"}
        show(run)
    elif command == "review":
        run.st.update(pending=None, mode="review", review_section=None)
        show(run)
    elif command == "back":
        go_back(run)
    elif command == "skip":
        skip(run)


def _on_text(run: Run, text: str) -> None:
    pending = run.st.get("pending")
    if pending:
        (family.on_text if family.is_family(pending) else _on_pending_text)(run, pending, text)
        return
    slot = run.current()
    if run.st.get("mode") == "review" or slot is None:
        _on_review_text(run, text)
    elif slot.is_menu:
        _on_group_text(run, slot, text)
    else:
        answer_text(run, slot, text)


def _on_file(run: Run, meta: dict[str, Any]) -> None:
    if "card" in meta:  # an ID card photo's reading (bot/ocr.py), not a file to store
        take_reading(run, meta["card"], meta.get("photo"))
        return
    on_file(run, meta)  # the 附件 question, or a new attachment at the 附件 step (flows.sent_files)


# --- a question ----------------------------------------------------------------

def answer_text(run: Run, slot: Slot, text: str) -> None:
    """A typed answer to a question: accept an offer, validate, confirm if unusual, store."""
    f = run.field_of(slot)
    offered = offer_for(run, slot)
    if offered is not None and f.type != "yes_no" and lexicon.match(text, ("yes",)):
        take_siblings(run, slot)  # what was offered with it from the ID number (flows.id_offers)
        commit(run, slot, offered[0])
        return
    if offered is not None and f.type != "yes_no" and lexicon.match(text, ("no", "decline")):
        # 不对 to an offered value (the prompt itself suggests it): ask for the right one, store nothing
        run.outputs.append(Notice(t("engine.offer_declined", label=f.label)))
        show(run)
        return
    if f.type == "file":
        run.outputs.append(Notice(t("engine.file_expected" if f.required else "engine.file_expected_optional"),
                                  "error"))
        show(run)
        return
    if f.type in ("choice", "multi_choice") and _page_or_done(run, slot, text):
        return
    kind = not_an_answer(text) if TYPES[f.type].literal else None
    if kind is None and not TYPES[f.type].choices and f.type != "yes_no":
        kind = typed_button(text)  # also at 姓名 / 健康状况, whose readers know only flows.non_answers' words
    if kind is not None:
        # "没有", "不用了", 继续填写 … typed at a free-text question are not its value: an optional question
        # is left empty (and the person is told), a required one is asked again.
        if f.required or kind == "yes":
            run.outputs.append(Notice(t("engine.not_a_value", text=clip(text), label=f.label), "error"))
            show(run)
        else:
            run.outputs.append(Notice(t("engine.left_empty", label=f.label)))
            commit(run, slot, None, action="skip")
        return
    result = validate(f.type, text, options=run.field_options(slot), today=run.ctx.today)
    if isinstance(result, Invalid) and not f.required and lexicon.match(text, ("no",)) and TYPES[f.type].choices:
        run.outputs.append(Notice(t("engine.left_empty", label=f.label)))  # 无 / 没有 at optional choices
        commit(run, slot, None, action="skip")
        return
    if not isinstance(result, Invalid) and f.type == "id_number":
        clash = id_conflict(run.st["answers"], slot.path, result.value)
        if clash is not None:  # a member given the worker's (or another member's) number: never stored
            result = Invalid(clash.message)
    if isinstance(result, MonthOnly) and _offer_day(run, slot, result.month, offered):
        return
    if isinstance(result, Invalid):
        run.outputs.append(Notice(result.message, "error"))
        show(run)
        return
    if f.type == "multi_choice" and run.st.get("multi") and isinstance(result.value, list):
        _add_picks(run, slot, result.value)  # picks typed after others were ticked join them
        return
    if result.confirm:
        run.st["pending"] = {"kind": "value", "path": slot.path, "value": result.value,
                             "display": result.display, "message": result.confirm}
        show(run)
        return
    if result.warning:
        run.outputs.append(Notice(t("engine.warning", message=result.warning), "warning"))
    if result.note:  # what was read from an interpreted answer, so the person can correct it with 返回
        run.outputs.append(Notice(result.note))
    commit(run, slot, result.value)


def _offer_day(run: Run, slot: Slot, month: str, offered: tuple[Any, str] | None) -> bool:
    """1948年2月 typed where the ID number says 1948-02-17: offer that day to confirm (never a made-up day)."""
    if offered is None or not run.field_of(slot).offer.get("from_id") or not str(offered[0]).startswith(month + "-"):
        return False
    run.st["pending"] = {"kind": "value", "path": slot.path, "value": offered[0], "display": offered[1],
                         "message": t("v.date.month_from_id", month=month, date=offered[1])}
    show(run)
    return True


def _add_picks(run: Run, slot: Slot, picks: list[Any]) -> None:
    """Options typed while a several-choice answer is being ticked are ticked too, never replace the ticks
    (a typed 9 after pressing 6 would otherwise store 9 alone); 完成 then stores them all."""
    choices = run.choices(slot)
    merged = [c for c in choices if c in set(run.st.get("multi") or []) | set(picks)]
    limit = run.field_of(slot).options.get("max")
    if limit and len(merged) > int(limit):
        run.outputs.append(Notice(t("engine.multi_max", max=limit), "warning"))
    else:
        run.st["multi"] = merged
        shown = "、".join(f"{choices.index(c) + 1}.{c}" for c in merged)
        run.outputs.append(Notice(t("engine.multi_added", picked=shown, n=len(merged))))
    show(run)


def _page_or_done(run: Run, slot: Slot, text: str) -> bool:
    """下一页 / 上一页 / 完成 typed (bare or as the button reads, 完成（已选 1）): what the button does."""
    word = lexicon.button_word(text, ("next_page", "prev_page", "done"))
    if word is None or (word == "done" and run.field_of(slot).type != "multi_choice"):
        return False
    if word == "done":
        _on_field_button(run, slot, "done", "")
        return True
    page, step = int(run.st.get("page") or 0), 1 if word == "next_page" else -1
    pages = page_count(len([c for c in run.choices(slot) if c not in run.hidden(slot)]))
    if 0 <= page + step < pages:
        run.st["page"] = page + step
    else:
        which = t("engine.page_last" if step > 0 else "engine.page_first")
        run.outputs.append(Notice(t("engine.page_none", which=which), "warning"))
    show(run)
    return True


def _index(arg: str, size: int) -> int | None:
    # isdecimal, not isdigit: int() refuses digits such as ① and ², which button data may carry
    return int(arg) if arg.isdecimal() and int(arg) < size else None


def _on_field_button(run: Run, slot: Slot, action: str, arg: str) -> None:
    f = run.field_of(slot)
    choices = run.choices(slot)
    picked = _index(arg, len(choices))
    if picked is not None and choices[picked] in run.hidden(slot) and action in ("c", "t"):
        where = run.field_options(slot).get("exclude_label", "")
        run.outputs.append(Notice(t("v.multi.excluded", option=f"{picked + 1}.{choices[picked]}", where=where,
                                    example="1"), "warning"))
        show(run)
        return
    if action == "c" and picked is not None:
        commit(run, slot, choices[picked])
    elif action == "yn" and arg in ("1", "0"):
        commit(run, slot, arg == "1")
    elif action == "t" and picked is not None:
        selected = list(run.st.get("multi") or [])
        item = choices[picked]
        selected.remove(item) if item in selected else selected.append(item)
        limit = f.options.get("max")
        if limit and len(selected) > int(limit):
            selected.remove(item)
            run.outputs.append(Notice(t("engine.multi_max", max=limit), "warning"))
        run.st["multi"] = [c for c in choices if c in selected]
        show(run)
    elif action == "done":
        selected = list(run.st.get("multi") or [])
        if not selected and f.required:
            run.outputs.append(Notice(t("engine.multi_none"), "error"))
            show(run)
        else:
            commit(run, slot, selected if selected else None, action="set" if selected else "skip")
    elif action == "offer":
        offered = offer_for(run, slot)
        if offered is not None:
            take_siblings(run, slot)
        commit(run, slot, offered[0]) if offered is not None else show(run)
    elif action == "q" and _index(arg, len(f.quick)) is not None:
        answer_text(run, slot, f.quick[int(arg)])
    elif action == "keep":
        keep(run, slot)
    elif action == "pg" and arg.isdecimal():
        run.st["page"] = int(arg)
        show(run)
    else:
        _stale(run)


# --- a group menu ----------------------------------------------------------------

_GROUP_ACTIONS = {"add": add_item, "remove": ask_remove, "done": close_group}


def _on_group_button(run: Run, slot: Slot, action: str, arg: str) -> None:
    if action == "g" and arg in _GROUP_ACTIONS:
        _GROUP_ACTIONS[arg](run, slot)
    else:
        _stale(run)


def group_action(run: Run, slot: Slot, text: str) -> str | None:
    """What a typed text asks of a group menu: add, remove or done (None when unclear).

    A number means the option shown at that place; a yes word answers "是否有…？" / "要继续添加吗？"
    with add, a no word with done; otherwise the words of the buttons, whole or in part.
    """
    options = group_options(run, slot)
    key = lexicon.normalize(text)
    if key.isdecimal():
        n = int(key)
        return options[n - 1] if 1 <= n <= len(options) else None
    word = lexicon.match(text, ("add", "remove", "done", "yes", "no"))
    if word is not None:
        return {"yes": "add", "no": "done"}.get(word, word)
    return lexicon.mentions(text, ("add", "remove", "done"))


def _on_group_text(run: Run, slot: Slot, text: str) -> None:
    action = group_action(run, slot, text)
    if action is None:
        run.outputs.append(Notice(t("engine.group_hint"), "error"))
        show(run)
    else:
        _GROUP_ACTIONS[action](run, slot)


# --- a pending confirmation ----------------------------------------------------------

def _on_pending_button(run: Run, p: dict[str, Any], action: str, arg: str) -> None:
    if action == "rm" and p["kind"] == "remove_pick" and arg.isdecimal():
        run.st["pending"] = {"kind": "remove", "group": p["group"], "index": int(arg)}
        show(run)
    elif action == "dup":
        if arg == "open":
            open_other(run, str(p.get("interview_id") or ""), str(p.get("ref") or ""))
        else:
            run.st["pending"] = None
            move_on(run, run.slot_at("id_number"))
    elif action in ("yes", "no"):
        _resolve(run, p, action == "yes")
    else:
        _stale(run)


def _on_pending_text(run: Run, p: dict[str, Any], text: str) -> None:
    """Typed answers to a pending confirmation; anything else re-asks (or re-answers)."""
    word = lexicon.match(text, ("yes", "no", "decline")) if p["kind"] != "duplicate" else None
    if p["kind"] == "remove_pick" and text.isdecimal():  # not isdigit: int() refuses ① and ²
        _on_pending_button(run, p, "rm", str(int(text) - 1))
    elif p["kind"] == "duplicate" and (choice := lexicon.mentions(text, ("open_existing", "create_new"))):
        _on_pending_button(run, p, "dup", "open" if choice == "open_existing" else "new")
    elif word is not None:
        _resolve(run, p, word == "yes")
    elif p["kind"] == "value":
        run.st["pending"] = None
        answer_text(run, run.slot_at(p["path"]), text)
    else:
        run.outputs.append(Notice(t("engine.pending_hint"), "error"))
        show(run)


def _resolve(run: Run, p: dict[str, Any], yes: bool) -> None:
    kind = p["kind"]
    run.st["pending"] = None
    if kind == "cancel":
        if yes:
            cancel(run)
        else:
            run.outputs.append(Notice(t("engine.cancel_aborted")))
            show(run)
    elif kind == "value" and yes:
        commit(run, run.slot_at(p["path"]), p["value"])
    elif kind == CARD_PHOTO:  # keep the ID card photo as a 身份证 attachment, or drop it; then the question
        resolve_keep(run, p, yes)
        show(run)
    elif kind == "remove" and yes:
        remove_item(run, p["group"], int(p["index"]))
    else:
        show(run)


# --- the review ----------------------------------------------------------------------

def _on_review_button(run: Run, action: str, arg: str) -> None:
    sections = review_items(run)
    if action == "rs" and _index(arg, len(sections)) is not None:
        run.st["review_section"] = sections[int(arg)][0]
        show(run)
    elif action == "toc":  # from an opened section back to the review's contents
        run.st["review_section"] = None
        show(run)
    elif action == "e" and arg.isdecimal():
        edit_item(run, int(arg))
    elif action == "fam":
        family.open_family(run, arg)
    elif action == "cont":
        run.st.update(mode="ask", review_section=None)
        show(run)
    elif action == "sign" and run.current() is None:
        submit(run)
    else:
        _stale(run)


def _on_review_text(run: Run, text: str) -> None:
    """Typed at a review: an item number to edit, 继续, or (at the end) 确认 to sign."""
    number = lexicon.without(text, "edit")
    if number.isdecimal():  # not isdigit: a typed ① would reach int() and fail
        edit_item(run, int(number))
    elif run.st.get("mode") == "review" and lexicon.match(text, ("continue",)):
        _on_review_button(run, "cont", "")
    elif run.current() is None and lexicon.match(text, ("sign", "yes")):
        submit(run)
    else:
        run.outputs.append(Notice(t("engine.review_hint"), "error"))
        show(run)
