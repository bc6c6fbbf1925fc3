"""Households in the archive: search, follow-ups, 脱困 (close) and 返贫 (reopen), answer history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Iterable

from sqlalchemy import and_, false, func, literal, or_, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from flows import policy
from flows.answers import compact
from flows.catalog import t
from flows.form_entry import stored_key
from flows.categories import CLOSE_REASONS, REASON_OTHER
from storage.models import AnswerEvent, AuditLog, Interview, StatusChange, User, utcnow

ARCHIVE_FORM = stored_key("household")  # the household form's key (entry.kind: household), as rows carry it
FOLLOWUP_FORM = stored_key("followup")  # the follow-up form's key (entry.kind: followup)
IN_ARCHIVE = ("submitted", "approved")  # statuses of a household in the current archive
FOLLOWUP_DONE = ("submitted", "approved")  # follow-ups that count (drafts do not)
# The 两有五保障, as keyed in flows/forms/followup.yaml (section "guarantees"); a test keeps them in step.
GUARANTEE_KEYS = ("has_food", "has_clothing", "employment_secured", "medical_secured", "education_secured",
                  "social_insurance_secured", "housing_secured")
_FULL_ID = re.compile(r"[0-9]{17}[0-9X]")
_ID_TAIL = re.compile(r"[0-9]{5}[0-9X]")
_REF = re.compile(r"[A-Z]{2}[0-9]{4,}")


class HouseholdNotFound(LookupError):
    """No archive record with that id (or the id names a follow-up, not a household)."""


class HouseholdError(ValueError):
    """An action that the household's state or the given values do not allow; str() is the Chinese text."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(t(key, **params))
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Candidate:
    """A household whose latest follow-up meets all of 两有五保障: suggested to staff for 脱困."""

    household: Interview
    followup: Interview


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a record's history: an answer change or a 脱困/返贫 status change."""

    at: datetime
    kind: str  # answer or status
    action: str  # set / skip / clear / remove, or close / reopen
    path: str
    old: Any
    new: Any
    actor_id: int | None
    actor_name: str
    note: str = ""


# --- dates and filters ------------------------------------------------------------
# Every calendar date is read in the registry's zone (Settings.timezone), passed in as ``tz``.

def day_start(day: date, tz: tzinfo) -> datetime:
    """A calendar date as stored in closed_at / effective: the instant of local midnight (aware)."""
    return datetime.combine(day, time(), tzinfo=tz)


def local_date(at: datetime, tz: tzinfo) -> date:
    """The local calendar date of a stored instant (the database returns them in UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(tz).date()


def closed_on(household: Interview, tz: tzinfo) -> date | None:
    """The 脱困 date of a closed household."""
    return local_date(household.closed_at, tz) if household.closed_at else None


def current_filter(on: date, tz: tzinfo, form_key: str = ARCHIVE_FORM) -> ColumnElement[bool]:
    """Interview is in the current archive on day ``on``: submitted/approved, not closed by then.

    ``form_key``: another form's records by the same rule (an export of a form the ledger covers).
    """
    after = day_start(on + timedelta(days=1), tz)
    return and_(
        Interview.form_key == form_key,
        or_(and_(col(Interview.status).in_(IN_ARCHIVE), col(Interview.closed_at).is_(None)),
            # closed later than ``on``: still in the archive on that day (a ledger or 附件2 for a past date)
            and_(Interview.status == "closed", col(Interview.closed_at) >= after)),
    )


def closed_filter(on: date, tz: tzinfo, form_key: str = ARCHIVE_FORM) -> ColumnElement[bool]:
    """Interview is in the 脱困档案库 on day ``on``: closed on or before that day."""
    after = day_start(on + timedelta(days=1), tz)
    return and_(Interview.form_key == form_key, Interview.status == "closed",
                col(Interview.closed_at) < after)


# --- access: flows.policy decides, this turns its answers into SQL ----------------------

def is_unit_staff(user: User, unit: str) -> bool:
    """Admins, and staff of the household's unit (flows.policy.is_unit_staff)."""
    return policy.is_unit_staff(user, unit)


def require_unit_staff(user: User, unit: str) -> None:
    """Raise AccessDenied unless the user is an admin or staff of ``unit``."""
    policy.require(policy.is_unit_staff(user, unit), f"{user.role} may not manage households of unit {unit!r}")


def visibility_clause(seen: policy.Visibility) -> ColumnElement[bool]:
    """The SQL form of a flows.policy.Visibility: the same records its ``allows`` accepts."""
    if seen.all_units:
        return true()
    parts: list[ColumnElement[bool]] = []
    if seen.units:
        parts.append(col(Interview.unit).in_(seen.units))
    if seen.creator_id is not None:
        parts.append(Interview.created_by == seen.creator_id)
    if seen.subject_id is not None:
        parts.append(Interview.subject_user_id == seen.subject_id)
    if seen.claim_unit:  # policy.claims: the unit's name begins with the self-report's region
        parts.append(and_(Interview.unit == "", Interview.kind == "self", Interview.status == "submitted",
                          Interview.region != "",  # a prefix compared exactly (no LIKE: nothing in a region is a wildcard)
                          func.substr(literal(seen.claim_unit), 1, func.length(Interview.region))
                          == Interview.region))
    return or_(*parts) if parts else false()


def readable_filter(user: User) -> ColumnElement[bool]:
    """Records a user may read (flows.policy.readable): the review list's and the review card's rule."""
    return visibility_clause(policy.readable(user))


def visible_filter(user: User) -> ColumnElement[bool]:
    """Households a user may find (flows.policy.visibility); workers may not search at all."""
    policy.require(policy.may_search(user), f"{user.role} may not search households")
    return visibility_clause(policy.visibility(user))


# --- finding households ---------------------------------------------------------------

def find_households(session: Session, *, user: User, query: str, limit: int = 20) -> list[Interview]:
    """Households by 身份证号 (18 or last 6), 职工编号, or name (whole or part), that the user may see."""
    q = compact(query)
    if not q:
        return []
    up = q.upper()
    if _FULL_ID.fullmatch(up):
        match: ColumnElement[bool] = Interview.id_number == up
    elif _ID_TAIL.fullmatch(up):
        match = col(Interview.id_number).endswith(up, autoescape=True)
    elif _REF.fullmatch(up):
        match = Interview.ref == up
    else:
        match = col(Interview.worker_name).contains(q, autoescape=True)
    stmt = select(Interview).where(Interview.form_key == ARCHIVE_FORM, Interview.status != "cancelled",
                                   visible_filter(user), match)
    found = list(session.exec(stmt.order_by(col(Interview.worker_name), col(Interview.id)).limit(limit)))
    return sorted(found, key=lambda iv: iv.worker_name != q)  # exact name first, order otherwise kept


def load_household(session: Session, *, household_id: int) -> Interview:
    """The archive record with this id, or HouseholdNotFound."""
    household = session.get(Interview, household_id)
    if household is None or household.form_key != ARCHIVE_FORM:
        raise HouseholdNotFound(household_id)
    return household


def get_household(session: Session, *, user: User, household_id: int) -> Interview:
    """The archive record, if the user may see it (AccessDenied otherwise)."""
    household = load_household(session, household_id=household_id)
    policy.require(policy.can_see_household(user, household), household_id)
    return household


# --- follow-ups ----------------------------------------------------------------------

def create_followup(session: Session, *, household: Interview, user: User, form_version: str,
                    state: dict[str, Any], form_key: str = FOLLOWUP_FORM) -> Interview:
    """A new follow-up draft linked to the household, made the user's active interview (one commit)."""
    policy.require(policy.can_see_household(user, household), household.id)
    if household.status not in (*IN_ARCHIVE, "closed"):
        raise HouseholdError("fu.not_in_archive", status=t(f"fu.status.{household.status}"))
    followup = Interview(form_key=form_key, form_version=form_version, state=state, kind="survey",
                         created_by=user.id or 0, unit=household.unit, household_id=household.id)
    session.add(followup)
    session.flush()
    user.active_interview_id = followup.id
    session.add(user)
    session.commit()
    session.refresh(followup)
    return followup


def followup_day(followup: Interview, tz: tzinfo) -> date:
    """The visit date answered in the follow-up, else the day it was started."""
    answered = (followup.state.get("answers") or {}).get("followup_date")
    if isinstance(answered, str):
        try:
            return date.fromisoformat(answered)
        except ValueError:
            pass
    return local_date(followup.created_at, tz)


def _in_date_order(items: Iterable[Interview], tz: tzinfo) -> list[Interview]:
    return sorted(items, key=lambda iv: (followup_day(iv, tz), iv.id or 0))


def followups(session: Session, *, user: User, household_id: int, tz: tzinfo) -> list[Interview]:
    """A household's follow-ups (drafts included, cancelled ones not), oldest visit first."""
    get_household(session, user=user, household_id=household_id)
    stmt = select(Interview).where(Interview.household_id == household_id, Interview.form_key == FOLLOWUP_FORM,
                                   Interview.status != "cancelled")
    return _in_date_order(session.exec(stmt), tz)


def latest_followups(session: Session, *, household_ids: Iterable[int], tz: tzinfo) -> dict[int, Interview]:
    """The latest submitted follow-up of each household that has one."""
    ids = list(household_ids)
    if not ids:
        return {}
    stmt = select(Interview).where(col(Interview.household_id).in_(ids), Interview.form_key == FOLLOWUP_FORM,
                                   col(Interview.status).in_(FOLLOWUP_DONE))
    latest: dict[int, Interview] = {}
    for fu in _in_date_order(session.exec(stmt), tz):
        latest[fu.household_id or 0] = fu
    return latest


def guarantees_met(answers: dict[str, Any]) -> bool:
    """All seven of 两有五保障 answered 是."""
    return all(answers.get(k) is True for k in GUARANTEE_KEYS)


def closure_candidates(session: Session, *, user: User, on: date, tz: tzinfo) -> list[Candidate]:
    """Households in the archive whose latest follow-up meets all of 两有五保障 (staff of the unit, admins)."""
    scope = visibility_clause(policy.unit_scope(user))  # AccessDenied for anyone but staff and admins
    households = list(session.exec(select(Interview).where(current_filter(on, tz), scope)
                                   .order_by(col(Interview.id))))
    latest = latest_followups(session, household_ids=[h.id or 0 for h in households], tz=tz)
    return [Candidate(h, latest[h.id]) for h in households
            if h.id in latest and guarantees_met(latest[h.id].state.get("answers") or {})]


# --- 脱困 and 返贫 -------------------------------------------------------------

def close_household(session: Session, *, user: User, household_id: int, on: date, reason: str, as_of: date,
                    tz: tzinfo, note: str = "") -> Interview:
    """Mark a household 已脱困 from ``on`` (not after ``as_of``, today): it moves to the 脱困档案库."""
    household = load_household(session, household_id=household_id)
    require_unit_staff(user, household.unit)
    if household.status not in IN_ARCHIVE:
        raise HouseholdError("fu.close.not_in_archive", status=t(f"fu.status.{household.status}"))
    if reason not in CLOSE_REASONS:
        raise HouseholdError("fu.close.bad_reason", reason=reason, reasons="、".join(CLOSE_REASONS))
    note = note.strip()
    if reason == REASON_OTHER and not note:
        raise HouseholdError("fu.close.need_note")
    now = as_of
    if on > now:
        raise HouseholdError("fu.close.future", date=on.isoformat(), today=now.isoformat())
    text = f"{reason}：{note}" if note else reason
    old = household.status
    household.status, household.closed_at, household.closed_reason = "closed", day_start(on, tz), text
    household.changed_at = household.updated_at = utcnow()
    session.add(household)
    session.add(StatusChange(interview_id=household.id or 0, action="close", old_status=old, new_status="closed",
                             effective=day_start(on, tz), reason=text, actor_id=user.id,
                             at=household.changed_at))  # the instant it was done, as changed_at
    session.add(AuditLog(actor_id=user.id, action="close_household", detail={
        "interview_id": household.id, "ref": household.ref, "date": on.isoformat(), "reason": text,
        "old_status": old}))
    session.commit()
    return household


def reopen_household(session: Session, *, user: User, household_id: int, reason: str, as_of: date, tz: tzinfo,
                     on: date | None = None) -> Interview:
    """返贫 from ``on`` (default ``as_of``, today): a closed household returns with its earlier status."""
    household = load_household(session, household_id=household_id)
    require_unit_staff(user, household.unit)
    if household.status != "closed":
        raise HouseholdError("fu.reopen.not_closed", status=t(f"fu.status.{household.status}"))
    reason = reason.strip()
    if not reason:
        raise HouseholdError("fu.reopen.need_reason")
    now = as_of
    day = on or now
    if day > now:
        raise HouseholdError("fu.reopen.future", date=day.isoformat(), today=now.isoformat())
    closed = closed_on(household, tz)
    if closed is not None and day < closed:
        raise HouseholdError("fu.reopen.before_close", date=day.isoformat(), closed=closed.isoformat())
    last_close = session.exec(select(StatusChange).where(
        StatusChange.interview_id == household_id, StatusChange.action == "close")
        .order_by(col(StatusChange.id).desc())).first()
    back_to = last_close.old_status if last_close and last_close.old_status in IN_ARCHIVE else "submitted"
    household.status, household.closed_at, household.closed_reason = back_to, None, None
    household.changed_at = household.updated_at = utcnow()
    session.add(household)
    session.add(StatusChange(interview_id=household.id or 0, action="reopen", old_status="closed",
                             new_status=back_to, effective=day_start(day, tz), reason=reason, actor_id=user.id,
                             at=household.changed_at))
    session.add(AuditLog(actor_id=user.id, action="reopen_household", detail={
        "interview_id": household.id, "ref": household.ref, "date": day.isoformat(), "reason": reason,
        "closed_on": closed.isoformat() if closed else None, "new_status": back_to}))
    session.commit()
    return household


def status_changes(session: Session, *, household_id: int) -> list[StatusChange]:
    """Every 脱困 / 返贫 of a household, oldest first."""
    stmt = select(StatusChange).where(StatusChange.interview_id == household_id).order_by(col(StatusChange.id))
    return list(session.exec(stmt))


# --- history ---------------------------------------------------------------------------

def _utc(at: datetime) -> datetime:
    return at.astimezone(timezone.utc) if at.tzinfo else at.replace(tzinfo=timezone.utc)


def record_history(session: Session, *, user: User, interview_id: int, tz: tzinfo) -> list[HistoryEntry]:
    """Who changed which answer (or the 脱困 status) of a record, and when; oldest first."""
    record = session.get(Interview, interview_id)
    if record is None:
        raise HouseholdNotFound(interview_id)
    policy.require(policy.can_see_household(user, record), interview_id)
    events = list(session.exec(select(AnswerEvent).where(AnswerEvent.interview_id == interview_id)
                               .order_by(col(AnswerEvent.id))))
    changes = status_changes(session, household_id=interview_id)
    actor_ids = [a for a in {e.actor_id for e in events} | {c.actor_id for c in changes} if a is not None]
    names = {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(actor_ids)))} \
        if actor_ids else {}
    out = [HistoryEntry(_utc(e.at), "answer", e.action, e.path, e.old, e.new, e.actor_id,
                        names.get(e.actor_id, "")) for e in events]
    out += [HistoryEntry(_utc(c.at), "status", c.action, "", c.old_status, c.new_status, c.actor_id,
                         names.get(c.actor_id, ""), note=f"{local_date(c.effective, tz).isoformat()} {c.reason}")
            for c in changes]
    return sorted(out, key=lambda h: h.at)  # stable: the journal's own order is kept within a moment
