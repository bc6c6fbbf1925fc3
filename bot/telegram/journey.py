"""Whose record it is: the household a message names, and the notice a returned record sends its author.

A surveyor or staff member works on several households at once; every switch and every returned
record names the household, and only the person's own choice (a button they press) changes which
record their next answer goes to.
"""

from __future__ import annotations

from bot.telegram import buttons
from bot.telegram.actions import SendMessage
from flows import policy
from flows.catalog import t
from storage.models import Interview, User
from storage.repo import OPEN_STATUSES


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


def elsewhere(chat_id: int, user: User, active: Interview | None, pressed: Interview | None) -> SendMessage | None:
    """A button of another record while one is being filled: what to say instead of answering it.

    None when there is no other open record in hand, or the pressed one is closed or not the person's
    (the press then goes on as before: it opens its own record, or the usual refusal says why).
    """
    def in_hand(iv: Interview | None) -> bool:
        return iv is not None and iv.status in OPEN_STATUSES and policy.can_open(user, iv)

    if active is None or pressed is None or not in_hand(active) or not in_hand(pressed):
        return None
    return SendMessage(chat_id, t("journey.other_record_button", household=household(pressed),
                                  active=household(active)),
                       (((t("journey.switch_to", household=household(pressed))[:60],
                          buttons.OPEN.data(pressed.id or 0)),),))
