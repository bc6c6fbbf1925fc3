"""The review card's parts beyond the answers: the category as decided and as overridden, a self-approval,
the last return and what changed since (old → new, who, when), the attachments as buttons (sent on a tap)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.followups import field_label, shown_value
from bot.render import Message, split_message
from bot.service import IntakeService
from bot.telegram import buttons
from bot.telegram.actions import Action, Rows, SendDocument, SendMessage
from flows import policy
from flows.categories import NOT_ELIGIBLE
from flows.catalog import t
from storage import review
from storage.models import Attachment, Interview, User

MAX_ATTACHMENT_BUTTONS = 10


def _who(user: User | None) -> str:
    return (user.registered_name or user.name) if user is not None else t("queue.someone")


def _at(value: Any, tz: ZoneInfo) -> str:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def category_lines(service: IntakeService, iv: Interview) -> list[str]:
    """困难类别 as the rules decided it, and the override with its reason and who made it (when there is one)."""
    lines = [t("queue.card.category", computed=iv.category or NOT_ELIGIBLE)]
    if iv.override_category:
        with service.session() as s:
            by = s.get(User, iv.override_by) if iv.override_by else None
        lines.append(t("queue.card.override", category=iv.override_category, reason=iv.override_reason or "",
                       who=_who(by)))
    marked = (iv.state or {}).get(review.SELF_APPROVAL_KEY)
    if marked:
        lines.append(t("queue.card.self_approval", name=marked.get("by", ""), at=_at(marked["at"], service.registry.tz)))
    return lines


def return_lines(service: IntakeService, iv: Interview) -> list[str]:
    """The last return (when, who, its comment) and each answer changed since, old → new, who, when."""
    back = review.last_return(iv)
    if back is None:
        return []
    tz = service.registry.tz
    form = service.registry.form(iv.form_key)
    with service.session() as s:
        reviewer = s.get(User, back.get("by")) if back.get("by") else None
        changes = review.changes_since_return(s, iv)
    lines = ["", t("queue.card.returned", at=_at(back["at"], tz), who=_who(reviewer), comment=back.get("comment", ""))]
    if iv.status == "returned":  # not resubmitted yet: nothing to compare
        return lines
    if not changes:
        return lines + [t("queue.card.no_changes")]
    lines.append(t("queue.card.changes", n=len(changes)))
    for c in changes:
        label, f = field_label(form, c.path)
        lines.append(t("queue.card.change", label=label, old=shown_value(f, c.old), new=shown_value(f, c.new),
                       who=_who(c.actor), at=_at(c.at, tz)))
    return lines


def review_history(service: IntakeService, iv: Interview) -> list[str]:
    """修改记录's review part: each return with its comment and fields, the override, the approval."""
    tz = service.registry.tz
    form = service.registry.form(iv.form_key)
    returns = (iv.state or {}).get(review.RETURNS_KEY) or []
    with service.session() as s:
        people = {u.id: u for u in (s.get(User, uid) for uid in {r.get("by") for r in returns} | {iv.approved_by}
                                    if uid) if u is not None}
    lines = [t("queue.history.title")]
    for r in returns:
        fields = "、".join(field_label(form, p)[0] for p in r.get("paths", []))
        lines.append(t("queue.history.returned", at=_at(r["at"], tz), who=_who(people.get(r.get("by"))),
                       fields=fields, comment=r.get("comment", "")))
    if iv.override_category:
        lines += category_lines(service, iv)[1:2]
    if iv.approved_at is not None:
        lines.append(t("queue.history.approved", at=_at(iv.approved_at, tz),
                       who=str((iv.state or {}).get("answers", {}).get("reviewed_by") or _who(
                           people.get(iv.approved_by)))))
    return lines if len(lines) > 1 else []


def attachments(service: IntakeService, iv: Interview) -> list[Attachment]:
    """The record's stored attachments, oldest first."""
    with service.session() as s:
        return list(s.exec(select(Attachment).where(col(Attachment.interview_id) == iv.id)
                           .order_by(col(Attachment.id)).limit(MAX_ATTACHMENT_BUTTONS)))


def attachment_rows(found: list[Attachment]) -> Rows:
    """One button per attachment, two a row."""
    cells = [(t("queue.card.attachment", name=(a.name or str(a.id))[:40]), buttons.ATTACHMENT.data(a.id or 0))
             for a in found]
    return tuple(tuple(cells[i:i + 2]) for i in range(0, len(cells), 2))


def send_attachment(service: IntakeService, root: Path, user: User, chat: int, attachment_id: int) -> list[Action]:
    """An attachment, to staff who may read its record (the look is audited); only files under ``root``."""
    with service.session() as s:
        found = s.get(Attachment, attachment_id)
        iv = s.get(Interview, found.interview_id) if found is not None else None
    if found is None or iv is None or not policy.can_see_review(user, iv):
        return [SendMessage(chat, t("bot.not_yours"))]
    path = Path(found.path).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return [SendMessage(chat, t("queue.card.attachment_gone", name=found.name))]
    service.audit_view(user, "attachment", iv)
    return [SendDocument(chat, found.name or path.name, path.read_bytes(), t("tg.review.file_caption",
                                                                              ref=iv.ref or iv.id))]


def card_messages(chat: int, text: str, rows: Rows) -> list[Action]:
    """A long card split into messages; the buttons on the last."""
    return [SendMessage(chat, m.text, m.buttons) for m in split_message(Message(text, rows))]
