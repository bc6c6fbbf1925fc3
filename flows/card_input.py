"""An ID card photo's reading given to the interview: offers placed, what was read told, question again.

Where a card may be sent: at the worker's or a family member's 姓名 / 身份证号 question
(``takes_card``). The reading (``flows.idcard_text.CardReading.as_state()``) is put under
``st["card"]`` for that scope's questions (replacing an earlier card's), each then offered at its turn for confirmation; nothing is
stored here.
"""

from __future__ import annotations

from typing import Any, Mapping

from flows.card_offers import CARD_KEYS, card_scope as _scope
from flows.catalog import t
from flows.outputs import Notice
from flows.run import Run
from flows.show import show


def takes_card(run: Run) -> bool:
    """True when the interview waits on a question an ID card photo may answer."""
    if run.st.get("status") != "draft" or run.st.get("pending") or run.st.get("mode") == "review":
        return False
    return _scope(run.current()) is not None


def take_reading(run: Run, reading: Mapping[str, Any]) -> None:
    """Offer what was read at this scope's questions, say what was read, ask the question again."""
    prefix = _scope(run.current()) if takes_card(run) else None
    if prefix is None:
        run.outputs.append(Notice(t("ocr.not_here"), "warning"))
        show(run)
        return
    problem = reading.get("problem")
    if problem in ("unavailable", "unreadable"):
        run.outputs.append(Notice(t(f"ocr.{problem}"), "warning"))
        show(run)
        return
    values = {k: str(v) for k, v in (reading.get("values") or {}).items() if k in CARD_KEYS and v}
    here = {s.path for s in run.all_slots()}
    offers = {prefix + k: v for k, v in values.items() if prefix + k in here}
    run.st["card"] = {"prefix": prefix, "offers": offers}
    if reading.get("rejected_number"):
        run.outputs.append(Notice(t("ocr.number_unsure"), "warning"))
    for what in reading.get("conflicts") or ():
        run.outputs.append(Notice(t(f"ocr.conflict.{what}"), "warning"))
    if offers:
        labels = "、".join(run.slot_at(p).field.label for p in offers)  # type: ignore[union-attr]
        run.outputs.append(Notice(t("ocr.read", fields=labels)))
    else:
        run.outputs.append(Notice(t("ocr.nothing"), "warning"))
    show(run)
