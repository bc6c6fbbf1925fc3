"""Repository functions: every write the program makes goes through here, one commit per action."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from flows import policy
from storage.models import AnswerEvent, AuditLog, Interview, ProcessedUpdate, User, utcnow
from storage.step_values import assessment_values
from storage.steps import StaleInterview, UpdateAlreadyApplied  # noqa: F401  (raised through repo)

OPEN_STATUSES = ("draft", "returned")


# --- users ---------------------------------------------------------------------

def get_or_create_user(session: Session, *, tg_id: int | None = None, local_name: str | None = None,
                       name: str = "", admin: bool = False) -> User:
    """The user for a Telegram id or a terminal name, created as a worker (or admin) on first contact."""
    stmt = select(User).where(User.tg_id == tg_id) if tg_id is not None else \
        select(User).where(User.local_name == local_name)
    user = session.exec(stmt).first()
    if user is None:
        user = User(tg_id=tg_id, local_name=local_name, name=name, role="admin" if admin else "worker")
        session.add(user)
        try:
            session.commit()
        except IntegrityError:  # another worker created it at the same moment
            session.rollback()
            user = session.exec(stmt).one()
        session.refresh(user)
    else:
        changed = False
        if admin and not policy.is_admin(user):
            user.role, changed = "admin", True
        if name and name != user.name:  # a renamed Telegram account, or a name given later
            user.name, changed = name, True
        if changed:
            session.add(user)
            session.commit()
    return user


def set_active_interview(session: Session, *, user: User, interview_id: int | None) -> None:
    """Remember which interview the user's next message belongs to."""
    user.active_interview_id = interview_id
    session.add(user)
    session.commit()


def set_role(session: Session, *, user: User, role: str, unit: str | None = None, actor_id: int | None) -> None:
    """Change a user's role (audited)."""
    old, old_unit = user.role, user.unit
    user.role = role
    if unit is not None:
        user.unit = unit
    session.add(user)
    session.add(AuditLog(actor_id=actor_id, action="set_role",
                         detail={"user_id": user.id, "old": old, "new": role, "old_unit": old_unit,
                                 "unit": user.unit}))
    session.commit()


# --- interviews ----------------------------------------------------------------

def create_interview(session: Session, *, form_key: str, form_version: str, state: dict[str, Any],
                     created_by: int, kind: str, subject_user_id: int | None = None, unit: str = "",
                     active_for: User | None = None) -> Interview:
    """A new draft interview, committed (made ``active_for``'s active interview in the same transaction)."""
    interview = Interview(form_key=form_key, form_version=form_version, state=state, created_by=created_by,
                          kind=kind, subject_user_id=subject_user_id, unit=unit)
    session.add(interview)
    if active_for is not None:
        session.flush()
        active_for.active_interview_id = interview.id
        session.add(active_for)
    session.commit()
    session.refresh(interview)
    return interview


def load_interview(session: Session, *, interview_id: int) -> Interview | None:
    """One interview by id."""
    return session.get(Interview, interview_id)


def find_by_ref(session: Session, *, ref: str) -> Interview | None:
    """One interview by its 职工编号 (or numeric id)."""
    found = session.exec(select(Interview).where(Interview.ref == ref)).first()
    if found is None and ref.isdecimal():
        found = session.get(Interview, int(ref))
    return found


def open_drafts(session: Session, *, user_id: int) -> list[Interview]:
    """Drafts (and returned records) a user created, most recent first."""
    stmt = select(Interview).where(Interview.created_by == user_id, col(Interview.status).in_(OPEN_STATUSES)) \
        .order_by(col(Interview.updated_at).desc())
    return list(session.exec(stmt))


def apply_assessment(interview: Interview, assessment: dict[str, Any] | None) -> None:
    """Copy a decision onto an interview object (used where a record is re-assessed outside an answer)."""
    state = dict(interview.state)
    if assessment is not None:
        state["assessment"] = assessment
    for key, value in assessment_values(state).items():
        setattr(interview, key, value)


def override_category(session: Session, *, interview: Interview, category: str, reason: str, actor_id: int) -> None:
    """A surveyor's or staff member's override of 困难类别, with the written reason; both values kept."""
    if not reason.strip():
        raise ValueError("override needs a written reason")
    interview.override_category = category
    interview.override_reason = reason.strip()
    interview.override_by = actor_id
    session.add(interview)
    session.add(AuditLog(actor_id=actor_id, action="override_category",
                         detail={"interview_id": interview.id, "computed": interview.category,
                                 "override": category, "reason": reason.strip()}))
    session.commit()


def journal(session: Session, *, interview_id: int) -> list[AnswerEvent]:
    """The answer history of an interview, oldest first."""
    stmt = select(AnswerEvent).where(AnswerEvent.interview_id == interview_id).order_by(col(AnswerEvent.id))
    return list(session.exec(stmt))


# --- audit and delivery ------------------------------------------------------------

def audit(session: Session, *, actor_id: int | None, action: str, detail: dict[str, Any]) -> None:
    """Append to the audit log."""
    session.add(AuditLog(actor_id=actor_id, action=action, detail=detail))
    session.commit()


def claim_update(session: Session, *, update_id: int) -> bool:
    """True the first time an update id is seen; False for a redelivery."""
    session.add(ProcessedUpdate(update_id=update_id))
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
        return False


def prune_processed_updates(session: Session, *, older_than_days: int) -> int:
    """Forget applied update ids older than this (Telegram stops redelivering long before)."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    done = session.execute(delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < cutoff))
    session.commit()
    return int(done.rowcount or 0)  # type: ignore[attr-defined]


def count_interviews(session: Session, *, statuses: Iterable[str]) -> int:
    """How many interviews have one of these statuses."""
    stmt = select(func.count()).select_from(Interview).where(col(Interview.status).in_(list(statuses)))
    return int(session.exec(stmt).one())


def parse_dt(value: str) -> datetime:
    """ISO text to a naive UTC datetime (the storage convention)."""
    return datetime.fromisoformat(value).replace(tzinfo=None)
