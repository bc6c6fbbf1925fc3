"""Follow-ups, 脱困 / 返贫, search and history as plain calls for the bot and terminal commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from bot.service import IntakeService, Reply
from flows.catalog import t
from flows.display import display_value, mask_id
from flows.engine import new_state
from flows.form import Field, Form
from flows.outputs import Input, Notice
from flows.policy import engine_role
from storage import households
from storage.households import HistoryEntry
from storage.models import Interview, User

_MASKED_TYPES = ("id_number", "bank_card", "phone")


@dataclass(frozen=True)
class HouseholdSummary:
    """One line of a /find answer: no full ID number, just enough to pick the right household."""

    household_id: int
    ref: str
    name: str
    masked_id: str
    status: str
    category: str
    last_followup: date | None


def _status(iv: Interview) -> str:
    return t(f"fu.status.{iv.status}")


def _category(iv: Interview) -> str:
    return iv.override_category or iv.category or t("fu.no_category")


def find(service: IntakeService, *, user: User, query: str, limit: int = 20) -> list[HouseholdSummary]:
    """Households matching a name, 身份证号 (18 or last 6) or 职工编号, with their latest follow-up."""
    with service.session() as s:
        found = households.find_households(s, user=user, query=query, limit=limit)
        latest = households.latest_followups(s, household_ids=[h.id or 0 for h in found], tz=service.registry.tz)
    return [HouseholdSummary(
        household_id=h.id or 0, ref=h.ref or str(h.id), name=h.worker_name, masked_id=mask_id(h.id_number or ""),
        status=_status(h), category=_category(h),
        last_followup=households.followup_day(latest[h.id], service.registry.tz) if h.id in latest else None)
        for h in found]


def find_text(summaries: list[HouseholdSummary]) -> str:
    """The /find answer as text."""
    if not summaries:
        return t("fu.find.none")
    lines = [t("fu.find.title", n=len(summaries))]
    for i, h in enumerate(summaries, start=1):
        last = h.last_followup.isoformat() if h.last_followup else t("fu.find.never")
        lines.append(t("fu.find.line", n=i, name=h.name, id=h.masked_id, ref=h.ref, status=h.status,
                       category=h.category, last=last))
    return "\n".join(lines)


def start_followup(service: IntakeService, *, user: User, household_id: int) -> Reply:
    """Start a follow-up (精准帮扶工作情况) for a household and show its first question."""
    form = service.registry.followup_form()
    role = engine_role(user)
    with service.session() as s:
        household = households.get_household(s, user=user, household_id=household_id)
        followup = households.create_followup(s, household=household, user=user, form_version=form.version,
                                              state=new_state(form, role=role), form_key=form.key)
    reply = service.handle(user=user, interview_id=followup.id or 0, inp=Input("start"))
    intro = Notice(t("fu.start", name=household.worker_name, ref=household.ref or household.id))
    return Reply(followup.id, [intro, *reply.outputs])


def close(service: IntakeService, *, user: User, household_id: int, on: date, reason: str, note: str = "") -> str:
    """Mark 已脱困 (staff of the unit, admins); the confirmation text."""
    with service.session() as s:
        h = households.close_household(s, user=user, household_id=household_id, on=on, reason=reason, note=note,
                                       as_of=service.registry.today(), tz=service.registry.tz)
    return t("fu.closed", name=h.worker_name, ref=h.ref, date=on.isoformat(), reason=h.closed_reason)


def reopen(service: IntakeService, *, user: User, household_id: int, reason: str, on: date | None = None) -> str:
    """返贫: reopen a closed household (staff of the unit, admins); the confirmation text."""
    today = service.registry.today()
    with service.session() as s:
        h = households.reopen_household(s, user=user, household_id=household_id, reason=reason, on=on, as_of=today,
                                        tz=service.registry.tz)
    return t("fu.reopened", name=h.worker_name, ref=h.ref, date=(on or today).isoformat(), reason=reason.strip(),
             status=_status(h))


def candidates_text(service: IntakeService, *, user: User) -> str:
    """The households suggested for 脱困 (all of 两有五保障 met in their latest follow-up)."""
    with service.session() as s:
        found = households.closure_candidates(s, user=user, on=service.registry.today(), tz=service.registry.tz)
    if not found:
        return t("fu.candidates.none")
    lines = [t("fu.candidates.title", n=len(found))]
    lines += [t("fu.candidates.line", n=i, name=c.household.worker_name, ref=c.household.ref,
                date=households.followup_day(c.followup, service.registry.tz).isoformat())
              for i, c in enumerate(found, start=1)]
    lines.append(t("fu.candidates.footer", reasons="、".join(households.CLOSE_REASONS)))
    return "\n".join(lines)


def history_text(service: IntakeService, *, user: User, household_id: int) -> str:
    """A household's card: status, 脱困/返贫 changes and every follow-up in date order."""
    tz = service.registry.tz
    with service.session() as s:
        h = households.get_household(s, user=user, household_id=household_id)
        visits = households.followups(s, user=user, household_id=household_id, tz=tz)
        changes = households.status_changes(s, household_id=household_id)
    lines = [t("fu.card.head", name=h.worker_name, ref=h.ref or h.id, status=_status(h), category=_category(h))]
    lines += [t(f"fu.card.{c.action}", date=households.local_date(c.effective, tz).isoformat(), reason=c.reason)
              for c in changes]
    if not visits:
        lines.append(t("fu.card.no_followups"))
    for i, v in enumerate(visits, start=1):
        answers = v.state.get("answers") or {}
        met = sum(1 for k in households.GUARANTEE_KEYS if answers.get(k) is True)
        lines.append(t("fu.card.followup", n=i, date=households.followup_day(v, tz).isoformat(), status=_status(v),
                       met=met, total=len(households.GUARANTEE_KEYS), by=answers.get("surveyor") or "",
                       conclusion=answers.get("conclusion") or ""))
    return "\n".join(lines)


def journal_text(service: IntakeService, *, user: User, interview_id: int) -> str:
    """A record's full answer history: who changed what, when (ID, card and phone numbers masked)."""
    with service.session() as s:
        record = s.get(Interview, interview_id)
        entries = households.record_history(s, user=user, interview_id=interview_id, tz=service.registry.tz)
    assert record is not None  # record_history raised otherwise
    form = service.registry.form(record.form_key)
    lines = [t("fu.journal.head", ref=record.ref or record.id, n=len(entries))]
    lines += [_journal_line(form, e, service.registry.tz) for e in entries]
    return "\n".join(lines)


def _journal_line(form: Form, e: HistoryEntry, tz: tzinfo) -> str:
    at = e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    who = e.actor_name or t("fu.journal.someone")
    if e.kind == "status":
        return t(f"fu.journal.{e.action}", at=at, who=who, note=e.note)
    label, f = _label(form, e.path)
    return t(f"fu.journal.{e.action}", at=at, who=who, label=label, old=_shown(f, e.old), new=_shown(f, e.new))


def _label(form: Form, path: str) -> tuple[str, Field | None]:
    parts = path.split(".")
    try:
        if len(parts) == 1:
            f = form.field(path)
            return f.label, f
        section = form.section_of(parts[0])
        item = f"{section.group.item if section.group else section.label}{int(parts[1]) + 1}"
        if len(parts) == 2:
            return item, None
        f = form.group_field(parts[0], parts[2])
        return f"{item}·{f.label}", f
    except (KeyError, ValueError):
        return path, None


def _shown(f: Field | None, value: Any) -> str:
    if value is None:
        return t("fu.journal.empty")
    if isinstance(value, dict) and f is None:
        return str(value.get("name") or value.get("type") or "")
    if f is not None and f.type == "phone" and isinstance(value, str) and len(value) > 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if f is not None and f.type in _MASKED_TYPES and isinstance(value, str):
        return mask_id(value)
    return display_value(f, value) if f is not None else str(value)


field_label = _label  # a journal path's label and field (the review card's diff reads them the same way)
shown_value = _shown  # a journal value as shown (ID, card and phone numbers masked)
