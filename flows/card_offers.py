"""Values read from an ID card photo, offered at their questions until answered (never stored unasked).

An adapter's reading lands in the interview state as ``st["card"]``: ``{"prefix": scope, "offers":
{path: value}}`` for the questions of the scope where the photo was sent (the worker: top-level
questions; or one family member: ``members.<i>.``); one card at a time. It is forgotten as soon as the
interview shows anything outside that scope (``forget_card``): after a member is added or removed,
``members.1`` may be someone else, and a card is never offered to them. ``card_offer`` gives the
offer for a question the way ``flows.offers`` gives derived ones (✔ value / type the right one); the
value is checked by the question's own type first, so an offer is always a valid answer.
"""

from __future__ import annotations

from typing import Any

from flows.answers import Valid
from flows.field_types import validate
from flows.run import Run
from flows.slots import Slot

CARD_KEYS = ("name", "ethnicity", "sex", "id_number", "birth_date", "address")
CARD_QUESTIONS = ("name", "id_number")  # where a photo of the card may be sent


def card_scope(slot: Slot | None) -> str | None:
    """"" for the worker's, "members.<i>." for a member's 姓名 / 身份证号 question; None elsewhere."""
    if slot is None or slot.is_menu or slot.field is None or slot.field.key not in CARD_QUESTIONS:
        return None
    prefix = slot.path[: -len(slot.field.key)]
    if prefix == "" or (prefix.startswith("members.") and prefix.count(".") == 2):
        return prefix
    return None


def _in_scope(prefix: str, path: str) -> bool:
    return path.startswith(prefix) and "." not in path[len(prefix):]


def forget_card(run: Run, slot: Slot | None) -> None:
    """Drop the card's offers once the interview shows something outside its scope (or the review)."""
    card = run.st.get("card")
    if card and (slot is None or slot.is_menu or run.st.get("mode") == "review"
                 or not _in_scope(str(card.get("prefix", "")), slot.path)):
        run.st.pop("card", None)


def card_offer(run: Run, slot: Slot) -> tuple[Any, str] | None:
    """(value, display) read from the card for this question, or None."""
    card = run.st.get("card") or {}
    value = (card.get("offers") or {}).get(slot.path)
    if not value or slot.field is None:
        return None
    f = run.field_of(slot)
    if f.type == "choice":
        return (value, value) if value in run.choices(slot) else None
    try:
        parsed = validate(f.type, str(value), options=run.field_options(slot), today=run.ctx.today)
    except ValueError:
        return None
    if not isinstance(parsed, Valid) or parsed.warning:
        return None
    return parsed.value, parsed.display
