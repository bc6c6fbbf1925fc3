"""What the engine shows at each point: a question, a group menu, a confirmation, the review."""

from __future__ import annotations

from typing import Any

from flows.catalog import t
from flows.consistency import MEMBERS_KEY, Check, household_warnings, refusals
from flows.display import display_value, mask_id
from flows.family_view import KINDS as FAMILY_KINDS, review_rows, show_family
from flows.field_types import TYPES
from flows.id_offers import id_siblings
from flows.card_offers import card_scope, forget_card
from flows.card_photo import KIND as CARD_PHOTO, show_keep
from flows.contents import contents
from flows.keyboard import pack
from flows.offers import offer_for
from flows.outputs import AnswerChanged, Answered, Ask, Button, Menu, Review, ReviewItem
from flows.progress import progress
from flows.run import Run
from flows.slots import Slot, get_value

PAGE_SIZE = 8


def _b(run: Run, label: str, action: str) -> Button:
    return run.button(label, action)


def nav_row(run: Run, *, can_skip: bool) -> tuple[Button, ...]:
    """返回 / 跳过 / 查看 / 取消, always at hand."""
    row = [_b(run, t("engine.back"), "back")]
    if can_skip:
        row.append(_b(run, t("engine.skip"), "skip"))
    row += [_b(run, t("engine.review"), "review"), _b(run, t("engine.cancel"), "cancel")]
    return tuple(row)


def show(run: Run) -> None:
    """Emit the prompt for wherever the interview now is; buttons of earlier prompts become stale."""
    run.st["seq"] = int(run.st.get("seq", 0)) + 1
    pending = run.st.get("pending")
    if pending:
        _show_pending(run, pending)
        return
    slot = run.current()
    forget_card(run, slot)
    if run.st.get("mode") == "review" or slot is None:
        show_review(run, final=slot is None)
        return
    if slot.is_menu:
        _show_group_menu(run, slot)
        return
    _ask(run, slot)


def _ask(run: Run, slot: Slot) -> None:
    f = run.field_of(slot)
    p = progress(run, slot)
    lines = [run.headed(t("chat.progress", n=p.n, total=p.total, pct=p.percent) + f" · {slot.section.label}")]
    if slot.group_index is not None and slot.section.group:
        lines.append(t("engine.group_item_title", n=slot.group_index + 1, item=slot.section.group.item,
                       counter=slot.section.group.counter)
                     + t("chat.item_progress", n=p.item_n, total=p.item_total))
    lines.append(t("engine.ask_label", label=f.label) + (t("engine.required_mark") if f.required else t("engine.optional_mark")))
    if f.help:
        lines.append(f.help)
    answered, current = get_value(run.st["answers"], slot.path)
    if answered:
        lines.append(t("engine.current_value", value=display_value(f, current)))
    offered = offer_for(run, slot)
    rows: list[tuple[Button, ...]] = []
    together = id_siblings(run, slot) if offered is not None else []  # 性别 and 出生日期: one tap (flows.id_offers)
    if together:
        lines.append(t("family.id_offer_both", values="，".join(
            [f"{f.label} {offered[1]}"] + [f"{o.field.label} {d}" for o, _, d in together if o.field])))
        rows.append((_b(run, "✔ " + " · ".join([offered[1]] + [d for _, _, d in together]), "offer"),))
    elif offered is not None:
        lines.append(t("engine.offer", value=offered[1]))
        rows.append((_b(run, f"✔ {offered[1]}", "offer"),))
    if f.example and not TYPES[f.type].buttons:
        lines.append(t("engine.example", example=f.example))
    if offered is None and card_scope(slot) is not None:
        lines.append(t("ocr.hint"))
    choices = run.choices(slot)
    if f.type == "choice":
        lines.append(t("engine.choose_hint"))
        # the offered (derived) value is its ✔ button: the list below offers only the other choices
        shown_once = frozenset((offered[0],)) if offered is not None and offered[0] in choices else frozenset()
        rows += _choice_rows(run, choices, "c", set(), run.hidden(slot) | shown_once)
    elif f.type == "multi_choice":
        lines.append(t("engine.multi_hint"))
        selected = set(run.st.get("multi") or [])
        rows += _choice_rows(run, choices, "t", selected, run.hidden(slot))
        rows.append((_b(run, t("engine.done_button") + (t("engine.multi_selected", n=len(selected)) if selected else ""), "done"),))
    elif f.type == "yes_no":
        rows.append((_b(run, t("engine.yes"), "yn:1"), _b(run, t("engine.no"), "yn:0")))
    elif f.type == "file":
        lines.append(t("engine.file_expected" if f.required else "engine.file_expected_optional"))
    if f.quick:
        rows += pack([_b(run, q, f"q:{i}") for i, q in enumerate(f.quick)], list(f.quick))
    if answered:
        rows.append((_b(run, t("engine.keep"), "keep"),))
    rows.append(nav_row(run, can_skip=not f.required))
    run.outputs.append(Ask(path=slot.path, label=f.label, text="\n".join(lines), progress=(p.n, p.total), percent=p.percent,
                           section=slot.section.label, buttons=tuple(rows), required=f.required,
                           multi=f.type == "multi_choice"))


def _choice_rows(run: Run, choices: tuple[str, ...], action: str, selected: set[str],
                 hidden: frozenset[str] = frozenset()) -> list[tuple[Button, ...]]:
    # Numbers are the paper form's codes: an option not offered now keeps its number, so 9 is 子女上学
    # whether or not 3 was taken as the main cause.
    offered = [(i, c) for i, c in enumerate(choices) if c not in hidden]
    pages = page_count(len(offered))
    page = min(max(int(run.st.get("page") or 0), 0), pages - 1)
    start = page * PAGE_SIZE
    shown = offered[start:start + PAGE_SIZE]
    labels = [("✅ " if c in selected else "") + f"{i + 1}. {c}" for i, c in shown]
    rows: list[tuple[Button, ...]] = pack(
        [_b(run, label, f"{action}:{i}") for label, (i, _c) in zip(labels, shown)], labels, most=3)
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(_b(run, t("engine.page_prev"), f"pg:{page - 1}"))
        nav.append(_b(run, f"{page + 1}/{pages}", f"pg:{page}"))
        if page < pages - 1:
            nav.append(_b(run, t("engine.page_next"), f"pg:{page + 1}"))
        rows.append(tuple(nav))
    return rows


def page_count(offered: int) -> int:
    """How many pages of buttons a list of ``offered`` options takes."""
    return max(1, (offered + PAGE_SIZE - 1) // PAGE_SIZE)


def _item_names(run: Run, group: str) -> list[str]:
    items = run.st["answers"].get(group) or []
    return [f"{i + 1}. {item.get('name') or item.get('type') or t('engine.item_unnamed')}" for i, item in enumerate(items)]


def group_options(run: Run, slot: Slot) -> tuple[str, ...]:
    """The group menu's actions in the order shown: what a typed 1, 2, 3 means."""
    return ("add", "remove", "done") if run.st["answers"].get(slot.section.key) else ("add", "done")


def _show_group_menu(run: Run, slot: Slot) -> None:
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


def _show_pending(run: Run, p: dict[str, Any]) -> None:
    kind = p["kind"]
    before = len(run.outputs)
    _pending_menu(run, p, kind)
    if len(run.outputs) > before and isinstance(run.outputs[-1], Menu):
        menu = run.outputs[-1]
        run.outputs[-1] = Menu(menu.text, menu.buttons, key=f"confirm:{kind}")


def _pending_menu(run: Run, p: dict[str, Any], kind: str) -> None:
    if kind in FAMILY_KINDS:  # the family as a unit, from the review (flows.family_view)
        show_family(run, p)
    elif kind == CARD_PHOTO:  # keep an ID card photo as a 身份证 attachment? (flows.card_photo)
        show_keep(run, p)
    elif kind == "cancel":
        run.outputs.append(Menu(run.headed(t("engine.confirm_cancel")), (
            (_b(run, t("engine.confirm_yes"), "yes"), _b(run, t("engine.confirm_no"), "no")),)))
    elif kind == "value":
        run.outputs.append(Menu(t("engine.confirm_value", message=p["message"], value=p["display"]), (
            (_b(run, t("engine.confirm_value_yes"), "yes"), _b(run, t("engine.confirm_value_no"), "no")),)))
    elif kind == "remove":
        item = (run.st["answers"].get(p["group"]) or [{}])[p["index"]]
        section = run.form.section_of(p["group"])
        run.outputs.append(Menu(t("engine.group_remove_confirm", n=p["index"] + 1, name=item.get("name") or "",
                                  item=section.group.item if section.group else "",
                                  counter=section.group.counter if section.group else t("form.default_counter")), (
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


def waiting_on(run: Run) -> Slot | None:
    """The question the interview waits on before an input (a value being confirmed counts), else None."""
    pending = run.st.get("pending")
    if pending:
        if pending.get("kind") != "value":
            return None
        try:
            return run.slot_at(pending["path"])
        except KeyError:
            return None
    if run.st.get("mode") == "review":
        return None
    slot = run.current()
    return slot if slot is not None and not slot.is_menu else None


def answered_record(run: Run, slot: Slot | None) -> Answered | None:
    """The one-line record of ``slot`` when this step stored (or skipped) its answer."""
    if slot is None or slot.field is None:
        return None
    change = next((e for e in run.events if isinstance(e, AnswerChanged) and e.path == slot.path
                   and e.action in ("set", "skip")), None)
    if change is None:
        return None
    label = slot.field.label
    if slot.group_index is not None and slot.section.group:
        label = f"{slot.section.group.item}{slot.group_index + 1}·{label}"
    if change.action == "skip" or change.new in (None, "", []):
        return Answered(slot.path, t("chat.record_skipped", label=label))
    return Answered(slot.path, t("chat.record", label=label, value=display_value(slot.field, change.new)))


def review_items(run: Run) -> list[tuple[str, list[ReviewItem]]]:
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


def show_review(run: Run, *, final: bool) -> None:
    """The review list: by section; at the end, with the eligibility result and the signature."""
    sections = review_items(run)
    selected = run.st.get("review_section")
    if selected and selected not in [label for label, _ in sections]:
        selected = run.st["review_section"] = None
    rows: list[tuple[Button, ...]] = []
    if selected:
        for label, items in sections:
            if label == selected:  # the section's text lists each item: its button needs only the number
                marks = [f"✏ {it.index}" for it in items]
                rows += pack([_b(run, mark, f"e:{it.index}") for mark, it in zip(marks, items)], marks)
        rows.append((_b(run, t("chat.toc_back"), "toc"),))
    else:
        labels = [t("engine.review_section_button", section=label) for label, _ in sections]
        rows += pack([_b(run, label, f"rs:{i}") for i, label in enumerate(labels)], labels, most=2)
        rows += review_rows(run)  # 👪 the family as a unit: add, open, change, remove a member
    assessment = None
    by_surveyor = run.by_surveyor()
    checks = household_checks(run) if final else []
    if final:
        assessment = run.ctx.assess(run.st["answers"]) if run.ctx.assess and run.form.eligibility else None
        rows[0:0] = _fix_rows(run, checks, sections)
        blocked = bool(refusals(checks))
        if not blocked:  # a refusal (a repeated ID number) must be corrected before anyone signs
            rows.insert(0, (_b(run, t("engine.sign_button_surveyor" if by_surveyor else "engine.sign_button"), "sign"),))
        footer = "\n\n".join(part for part in (_checks_text(checks), _footer(
            sections, selected, "chat.footer_blocked" if blocked else
            "chat.footer_sign_surveyor" if by_surveyor else "chat.footer_sign")) if part)
        title = t("engine.final_review_title_surveyor" if by_surveyor else "engine.final_review_title")
    else:
        rows.insert(0, (_b(run, t("engine.review_continue"), "cont"),))
        footer = _footer(sections, selected, "chat.footer_continue")
        title = t("engine.review_title")
    rows.append((_b(run, t("engine.back"), "back"), _b(run, t("engine.cancel"), "cancel")))
    run.outputs.append(Review(title=title, sections=tuple((s, tuple(items)) for s, items in sections),
                              footer=footer, buttons=tuple(rows), final=final, assessment=assessment,
                              eligibility=run.form.eligibility, contents=contents(run, checks),
                              selected=selected or ""))


def _footer(sections: list[tuple[str, list[ReviewItem]]], selected: str | None, then: str) -> str:
    """What to do in this view: in the contents, open a section (numbers show only inside one); in a
    section, tap ✏ n or type n (an n of that section as the example); then ``then`` (sign, go on...)."""
    if not selected:
        return t(then)
    first = next((items[0].index for label, items in sections if label == selected and items), 1)
    return t("chat.footer_section", example=first) + "\n" + t(then)


# --- the household checked against itself, at the final review -----------------------------------

def household_checks(run: Run) -> list[Check]:
    """The household's inconsistencies (flows.consistency), for a form that registers family members."""
    if not any(s.key == MEMBERS_KEY for s in run.form.sections):
        return []
    return household_warnings(run.st["answers"], today=run.ctx.today)


def fix_target(check: Check, sections: list[tuple[str, list[ReviewItem]]]) -> ReviewItem | None:
    """The review item a check's 修改 button opens: its own answer, else the ID number it was read from."""
    by_path = {it.path: it for _, items in sections for it in items}
    scope = check.path.rsplit(".", 1)[0] + "." if "." in check.path else ""
    return by_path.get(check.path) or by_path.get(scope + "id_number")


def _fix_rows(run: Run, checks: list[Check], sections: list[tuple[str, list[ReviewItem]]]) -> list[tuple[Button, ...]]:
    rows: list[tuple[Button, ...]] = []
    seen: set[int] = set()
    for check in checks:
        item = fix_target(check, sections)
        if item is not None and item.index not in seen:  # the engine's edit-from-review: e:<item number>
            seen.add(item.index)
            rows.append((_b(run, t("check.fix_button", label=item.label), f"e:{item.index}"),))
    return rows


def _checks_text(checks: list[Check]) -> str:
    refused = [c for c in checks if c in refusals(checks)]
    warned = [c for c in checks if c not in refused]
    parts: list[str] = []
    if refused:
        parts.append("\n".join([t("check.review_refused")] + [
            t("check.review_item", n=i, message=c.message) for i, c in enumerate(refused, start=1)]))
    if warned:
        parts.append("\n".join([t("check.review_title", n=len(warned))] + [
            t("check.review_item", n=i, message=c.message) for i, c in enumerate(warned, start=1)]
            + ([] if refused else [t("check.review_warned")])))
    return "\n\n".join(parts)
