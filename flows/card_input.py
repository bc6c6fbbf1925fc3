"""An ID card photo's reading given to the interview: offers placed, what was read told, question again.

Where a card may be sent: at the worker's or a family member's 姓名 / 身份证号 question
(``takes_card``). The reading (``flows.idcard_text.CardReading.as_state()``) is put under
``st["card"]`` for that scope's questions (replacing an earlier card's), each then offered at its turn for confirmation; nothing is
stored here.
"""

from __future__ import annotations

from typing import Any, Mapping

from flows.card_offers import CARD_KEYS, card_scope as _scope
from flows.card_photo import ask_keep, drop
from flows.catalog import t
from flows.outputs import Notice
from flows.run import Run
from flows.show import show


def takes_card(run: Run) -> bool:
    """True when the interview waits on a question an ID card photo may answer."""
    if run.st.get("status") != "draft" or run.st.get("pending") or run.st.get("mode") == "review":
        return False
    return _scope(run.current()) is not None


def take_reading(run: Run, reading: Mapping[str, Any], photo: Mapping[str, Any] | None = None) -> None:
    """Offer what was read at this scope's questions, say what was read, ask the question again.

    ``photo``: the card photo's file value when the adapter put it in the attachments folder; the person
    is then asked once whether to keep it as an attachment of type 身份证 (flows.card_photo), else it is dropped.
    """
    if not _take(run, reading, photo) and photo and photo.get("path"):
        drop(run, str(photo["path"]))  # not asked: the photo is not kept


def _take(run: Run, reading: Mapping[str, Any], photo: Mapping[str, Any] | None) -> bool:
    prefix = _scope(run.current()) if takes_card(run) else None
    if prefix is None:
        run.outputs.append(Notice(t("ocr.not_here"), "warning"))
        show(run)
        return False
    problem = reading.get("problem")
    if problem in ("unavailable", "unreadable"):
        run.outputs.append(Notice(t(f"ocr.{problem}"), "warning"))
        show(run)
        return False
    document = "hukou" if reading.get("document") == "hukou" else "id_card"
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
        run.outputs.append(Notice(t("ocr.read", fields=labels, doc=t(f"ocr.doc.{document}"))))
    else:
        run.outputs.append(Notice(t("ocr.nothing"), "warning"))
    asked = bool(offers) and ask_keep(run, photo, values.get("name", ""), document)
    show(run)  # the keep-photo question when asked (the question again once it is answered), else the question
    return asked
