"""Whose record it is: the household a message names, and the notice a returned record sends its author.

A surveyor or staff member works on several households at once; every switch and every returned
record names the household, and only the person's own choice (a button they press) changes which
record their next answer goes to.
"""

from __future__ import annotations

from bot.telegram import buttons
from bot.telegram.actions import SendMessage
from flows.catalog import t
from storage.models import Interview


def household(iv: Interview) -> str:
    """The household as people know it: the worker's name, else the record's number."""
    name = iv.worker_name or (iv.state or {}).get("answers", {}).get("name")
    return name if isinstance(name, str) and name else t("journey.unnamed", id=iv.id)


def returned_notice(chat_id: int, iv: Interview, *, fields: str, comment: str, reviewer: str) -> SendMessage:
    """Tell the author which record came back, which fields and why, with 继续修改 (it opens the record).

    Nothing else changes: the author's active interview stays the one they are answering.
    """
    text = t("journey.returned_notice", household=household(iv), ref=iv.ref or iv.id, fields=fields,
             comment=comment, reviewer=reviewer)
    return SendMessage(chat_id, text, (((t("tg.review.continue"), buttons.OPEN.data(iv.id or 0)),),))


def switched(chat_id: int, iv: Interview) -> SendMessage:
    """The message that says the person now works on another household."""
    return SendMessage(chat_id, t("journey.switched", household=household(iv)))


def other_record(chat_id: int, pressed: Interview, active: Interview) -> SendMessage:
    """A button of a record that is not the active one: nothing answered; a button to switch on purpose."""
    return SendMessage(chat_id, t("journey.other_record_button", household=household(pressed),
                                  active=household(active)),
                       (((t("journey.switch_to", household=household(pressed))[:60],
                          buttons.OPEN.data(pressed.id or 0)),),))
