"""Values offered from earlier answers, and what must be asked again when a source changes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from flows.card_offers import card_offer
from flows.catalog import t
from flows.display import money_text
from flows.form import Form
from flows.run import Run
from flows.slots import Slot, scope_of
from flows.answers import Valid
from flows.field_types import validate

INCOME_SOURCES = ("monthly_income", "other_income_annual")


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def income_total(answers: Mapping[str, Any]) -> Decimal:
    """本人月平均收入×12 + members' 月收入×12 + 家庭其他非薪资年收入."""
    monthly = _dec(answers.get("monthly_income"))
    monthly += sum((_dec(m.get("monthly_income")) for m in answers.get("members") or []), Decimal(0))
    return (monthly * 12 + _dec(answers.get("other_income_annual"))).quantize(Decimal("0.01"))


def offer_for(run: Run, slot: Slot) -> tuple[Any, str] | None:
    """(value, display) offered for this question, or None (derived values first, then an ID card's)."""
    derived = _derived_offer(run, slot)
    return derived if derived is not None else card_offer(run, slot)


def _derived_offer(run: Run, slot: Slot) -> tuple[Any, str] | None:
    f = slot.field
    if f is None or not f.offer:
        return None
    answers = run.st["answers"]
    scope = scope_of(answers, slot.path)
    offer = f.offer
    if "from_id" in offer:
        number = scope.get(offer["from_id"])
        if not number:
            return None
        parsed = validate("id_number", str(number), today=run.ctx.today)
        if not isinstance(parsed, Valid):
            return None
        value = parsed.derived.get(offer.get("part", f.key))
        return (value, str(value)) if value else None
    if "sum" in offer:
        total = income_total(answers)
        return (f"{total:.2f}", money_text(total))
    if "count" in offer:
        n = 1 + len(answers.get("members") or [])
        return (n, t("engine.people", n=n))
    if "today" in offer:
        return (run.ctx.today.isoformat(), run.ctx.today.isoformat())
    if "actor_name" in offer:
        return (run.ctx.actor_name, run.ctx.actor_name) if run.ctx.actor_name else None
    if "file_name" in offer:
        meta = scope.get(offer["file_name"]) or {}
        name = str(meta.get("name") or "").rsplit(".", 1)[0] if isinstance(meta, dict) else ""
        return (name[:60], name[:60]) if name else None
    if "likely_type" in offer:
        return _likely_type(answers, slot, offer, f.choices)
    return None


def _likely_type(answers: Mapping[str, Any], slot: Slot, offer: Mapping[str, Any],
                 choices: tuple[str, ...]) -> tuple[Any, str] | None:
    """The type a sent file most likely is: the next of the form's list for its kind (photos: 身份证,
    身份证, 户口簿 …) that the earlier attachments have not taken yet; None when the list is used up."""
    scope = scope_of(answers, slot.path)
    meta = scope.get(offer["likely_type"])
    kind = meta.get("kind") if isinstance(meta, dict) else None
    left = [c for c in offer.get(f"{kind}s") or () if c in choices]
    group, idx = slot.path.split(".")[0], slot.group_index or 0
    for item in (answers.get(group) or [])[:idx]:
        if item.get(slot.field.key if slot.field else "") in left:
            left.remove(item[slot.field.key])  # type: ignore[union-attr]
    return (left[0], left[0]) if left else None


def dependents_of(form: Form, answers: Mapping[str, Any], path: str) -> list[str]:
    """Paths whose offered value is computed from ``path``: asked again when it changes."""
    parts = path.split(".")
    out: list[str] = []
    if len(parts) == 3:
        group, idx, key = parts
        section = form.section_of(group)
        for f in section.group.fields if section.group else ():
            if f.offer.get("from_id") == key or f.offer.get("file_name") == key:
                out.append(f"{group}.{idx}.{f.key}")
        if group == "members" and key == "monthly_income":
            out.extend(_top_with(form, "sum"))
        return out
    for section in form.sections:
        for f in section.fields:
            if f.offer.get("from_id") == path:
                out.append(f.key)
            if "sum" in f.offer and path in INCOME_SOURCES:
                out.append(f.key)
    return out


def group_dependents(form: Form, group: str) -> list[str]:
    """Top-level paths to ask again when an item is added to or removed from ``group``."""
    if group != "members":
        return []
    return _top_with(form, "sum") + _top_with(form, "count")


def _top_with(form: Form, kind: str) -> list[str]:
    return [f.key for s in form.sections for f in s.fields if kind in f.offer]
