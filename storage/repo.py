"""Repository functions: every write the program makes goes through here, one commit per action."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from flows.outputs import AnswerChanged, InterviewCancelled, Step, Submitted
from storage.models import AnswerEvent, Attachment, AuditLog, Interview, ProcessedUpdate, User, utcnow

REF_PREFIX = "JM"
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
    elif admin and user.role != "admin":
        user.role = "admin"
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
    old = user.role
    user.role = role
    if unit is not None:
        user.unit = unit
    session.add(user)
    session.add(AuditLog(actor_id=actor_id, action="set_role",
                         detail={"user_id": user.id, "old": old, "new": role, "unit": user.unit}))
    session.commit()


# --- interviews ----------------------------------------------------------------

def create_interview(session: Session, *, form_key: str, form_version: str, state: dict[str, Any],
                     created_by: int, kind: str, subject_user_id: int | None = None, unit: str = "") -> Interview:
    """A new draft interview, committed."""
    interview = Interview(form_key=form_key, form_version=form_version, state=state, created_by=created_by,
                          kind=kind, subject_user_id=subject_user_id, unit=unit)
    session.add(interview)
    session.commit()
    session.refresh(interview)
    return interview


def load_interview(session: Session, *, interview_id: int) -> Interview | None:
    """One interview by id."""
    return session.get(Interview, interview_id)


def find_by_ref(session: Session, *, ref: str) -> Interview | None:
    """One interview by its 职工编号 (or numeric id)."""
    found = session.exec(select(Interview).where(Interview.ref == ref)).first()
    if found is None and ref.isdigit():
        found = session.get(Interview, int(ref))
    return found


def open_drafts(session: Session, *, user_id: int) -> list[Interview]:
    """Drafts (and returned records) a user created, most recent first."""
    stmt = select(Interview).where(Interview.created_by == user_id, col(Interview.status).in_(OPEN_STATUSES)) \
        .order_by(col(Interview.updated_at).desc())
    return list(session.exec(stmt))


def find_duplicate(session: Session, *, id_number: str, exclude_id: int | None) -> dict[str, Any] | None:
    """Another live interview holding the same ID number."""
    stmt = select(Interview).where(Interview.id_number == id_number, Interview.status != "cancelled")
    if exclude_id is not None:
        stmt = stmt.where(Interview.id != exclude_id)
    other = session.exec(stmt.order_by(col(Interview.id))).first()
    if other is None:
        return None
    return {"ref": other.ref or str(other.id), "interview_id": other.id, "who": other.worker_name,
            "status": other.status, "created_by": other.created_by}


class UpdateAlreadyApplied(Exception):
    """This Telegram update was applied before (a redelivery); nothing was written."""


def save_step(session: Session, *, interview: Interview, step: Step, actor_id: int | None,
              update_id: int | None = None) -> Interview:
    """Write the new state and journal its events in one transaction, before anything is shown.

    With ``update_id`` the Telegram update is marked applied in the same transaction, so a
    redelivery (after a restart, or to another worker) raises UpdateAlreadyApplied instead.
    """
    if update_id is not None and session.get(ProcessedUpdate, update_id) is not None:
        raise UpdateAlreadyApplied(update_id)
    state = step.state
    interview.state = state
    answers = state.get("answers", {})
    if state.get("status") == "draft":
        interview.status = "returned" if interview.status == "returned" else "draft"
    else:
        interview.status = state.get("status", interview.status)
    interview.worker_name = str(answers.get("name") or "")
    interview.id_number = answers.get("id_number") or None
    interview.region = str(answers.get("region") or "")
    interview.version += 1
    interview.updated_at = utcnow()
    for ev in step.events:
        if isinstance(ev, AnswerChanged):
            session.add(AnswerEvent(interview_id=interview.id, path=ev.path, action=ev.action,
                                    old=ev.old, new=ev.new, actor_id=actor_id))
        elif isinstance(ev, Submitted):
            _on_submitted(interview, state, numbered=ev.assign_number)
        elif isinstance(ev, InterviewCancelled):
            session.add(AuditLog(actor_id=actor_id, action="cancel_interview", detail={"interview_id": interview.id}))
    if update_id is not None:
        session.add(ProcessedUpdate(update_id=update_id))
    session.add(interview)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        if update_id is not None and session.get(ProcessedUpdate, update_id) is not None:
            raise UpdateAlreadyApplied(update_id) from None  # another worker applied it meanwhile
        raise
    return interview


def _on_submitted(interview: Interview, state: dict[str, Any], *, numbered: bool) -> None:
    interview.submitted_at = utcnow()
    if not interview.ref and numbered:
        interview.ref = f"{REF_PREFIX}{interview.submitted_at:%Y}{interview.id:06d}"
    interview.changed_at = interview.submitted_at
    apply_assessment(interview, state.get("assessment"))


def apply_assessment(interview: Interview, assessment: dict[str, Any] | None) -> None:
    """Copy the decision onto the columns that exports and 附件2 aggregate on."""
    answers = interview.state.get("answers", {})
    size = answers.get("household_size")
    interview.household_size = int(size) if isinstance(size, int) or (isinstance(size, str) and size.isdigit()) else None
    if not assessment:
        return
    interview.assessment = assessment
    interview.category = assessment.get("category")
    interview.eligible = bool(assessment.get("eligible"))
    interview.criterion = assessment.get("criterion")
    interview.per_capita_income = f"{assessment.get('per_capita_monthly_income', 0):.2f}"
    interview.tags = "|" + "|".join(assessment.get("tags") or []) + "|" if assessment.get("tags") else ""
    interview.standards_version = assessment.get("standards_version")


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


def add_attachment(session: Session, *, interview_id: int, meta: dict[str, Any]) -> Attachment:
    """Record a stored file against an interview."""
    att = Attachment(interview_id=interview_id, **{k: meta[k] for k in (
        "file_id", "path", "sha256", "name", "mime", "size") if meta.get(k) is not None})
    session.add(att)
    session.commit()
    session.refresh(att)
    return att


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


def count_interviews(session: Session, *, statuses: Iterable[str]) -> int:
    """How many interviews have one of these statuses."""
    stmt = select(func.count()).select_from(Interview).where(col(Interview.status).in_(list(statuses)))
    return int(session.exec(stmt).one())


def parse_dt(value: str) -> datetime:
    """ISO text to a naive UTC datetime (the storage convention)."""
    return datetime.fromisoformat(value).replace(tzinfo=None)
