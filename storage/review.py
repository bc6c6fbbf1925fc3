"""Staff review of submitted interviews: list, approve (records 审核人), return with a comment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from flows import policy
from flows.engine import hand_over, reopen_at, reopen_for_changes, set_system_answer
from flows.form_entry import stored_key
from flows.registry import load_registry
from storage.households import readable_filter
from storage.models import AnswerEvent, AuditLog, Interview, User, utcnow


RETURNS_KEY = "returns"  # state key: each return, its comment and the fields it named (the review card's diff)
SELF_APPROVAL_KEY = "self_approval"  # state key: an admin approved the record whose help plan they filled


class ReviewError(Exception):
    """The interview is not (any longer) waiting for review; ``status`` is what it is now."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def submitted(session: Session, *, user: User, limit: int = 30) -> list[Interview]:
    """Interviews waiting for review that the user may read (flows.policy.readable), oldest first.

    Unassigned self-reports come to the staff of the unit they claim (and to admins), so one of
    them can take the record over, and with it into their unit.
    """
    policy.require(policy.is_staff(user), f"{user.role} does not review")
    stmt = select(Interview).where(Interview.status == "submitted", Interview.form_key == stored_key("household"),
                                   readable_filter(user))
    return list(session.exec(stmt.order_by(col(Interview.submitted_at), col(Interview.id)).limit(limit)))


def take_over(session: Session, *, interview_id: int, taker: User) -> Interview:
    """A surveyor or staff member takes a submitted self-report over to complete the staff parts.

    The worker's signature is kept; the record becomes a draft of the taker's (and their unit's)
    until it is submitted again.
    """
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise ReviewError("missing")
    if interview.kind != "self" or interview.status != "submitted":
        raise ReviewError(interview.status)
    policy.require(policy.can_take_over(taker, interview), interview_id)
    old_unit = interview.unit
    state = hand_over(interview.state, role="staff")
    _transition(session, interview, {"state": state, "status": "draft", "kind": "survey", "created_by": taker.id,
                                     "unit": interview.unit or taker.unit})
    session.add(AuditLog(actor_id=taker.id, action="take_over",
                         detail={"interview_id": interview.id, "ref": interview.ref,
                                 "worker_user_id": interview.subject_user_id, "old_unit": old_unit,
                                 "unit": interview.unit or taker.unit}))
    session.commit()
    session.refresh(interview)
    return interview


def latest_created(session: Session, *, user_id: int, kind: str | None = None) -> Interview | None:
    """The most recent interview a user created (of one kind, if given)."""
    stmt = select(Interview).where(Interview.created_by == user_id)
    if kind is not None:
        stmt = stmt.where(Interview.kind == kind)
    return session.exec(stmt.order_by(col(Interview.id).desc())).first()


def _transition(session: Session, interview: Interview, values: dict[str, Any]) -> None:
    """Move a submitted interview on, unless someone else changed it first (compare-and-set on version)."""
    done = session.execute(
        update(Interview)
        .where(col(Interview.id) == interview.id, col(Interview.version) == interview.version,
               col(Interview.status) == "submitted")
        .values(version=interview.version + 1, updated_at=utcnow(), **values)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        fresh = session.get(Interview, interview.id)
        raise ReviewError(fresh.status if fresh is not None else "missing")


def register_name(session: Session, *, user: User, name: str) -> User:
    """Record the real name a staff member gives for 审核人 (audited); the Telegram name is never used."""
    fresh = session.get(User, user.id)
    assert fresh is not None
    old, fresh.registered_name = fresh.registered_name, name
    session.add(fresh)
    session.add(AuditLog(actor_id=fresh.id, action="register_name", detail={"user_id": fresh.id, "old": old,
                                                                            "new": name}))
    session.commit()
    session.refresh(fresh)
    return fresh


@cache
def _help_plan_paths() -> frozenset[str]:
    """The shipped archive form's 帮扶计划 paths (the section's keys do not depend on settings)."""
    return policy.help_plan_paths(load_registry().archive_form())


def plan_editors(session: Session, interview_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Who answered a help-plan field of each record (answer journal: AnswerEvent actor_id + path), one select."""
    ids = sorted(set(interview_ids))
    if not ids:
        return {}
    rows = session.exec(select(AnswerEvent.interview_id, AnswerEvent.actor_id).where(
        col(AnswerEvent.interview_id).in_(ids), col(AnswerEvent.path).in_(sorted(_help_plan_paths())),
        col(AnswerEvent.actor_id).is_not(None)).distinct())
    out: dict[int, set[int]] = {}
    for interview_id, actor_id in rows:
        out.setdefault(interview_id, set()).add(actor_id)
    return {k: frozenset(v) for k, v in out.items()}


def may_approve(session: Session, user: User, interview: Interview) -> bool:
    """policy.can_approve with the record's help-plan editors read from the journal."""
    return policy.can_approve(user, interview, plan_editors(session, [interview.id or 0]).get(interview.id or 0, ()))


def is_self_approval(session: Session, user: User, interview: Interview) -> bool:
    """policy.self_approval with the record's help-plan editors read from the journal."""
    return policy.self_approval(user, interview,
                                plan_editors(session, [interview.id or 0]).get(interview.id or 0, ()))


def approve(session: Session, *, interview_id: int, reviewer: User, name: str | None = None) -> Interview:
    """Approve: 审核人 = ``name`` or the reviewer's registered name (journalled), approved_at/by, audited.

    The bot never passes the Telegram display name: without a registered name it asks for one.
    """
    interview = session.get(Interview, interview_id)
    if interview is None or interview.status != "submitted":
        raise ReviewError(interview.status if interview else "missing")
    editors = plan_editors(session, [interview_id]).get(interview_id, frozenset())
    policy.require(policy.can_approve(reviewer, interview, editors), interview_id)  # unit, role, separation of duties
    reviewed_by = name or reviewer.registered_name or reviewer.name
    state, old = set_system_answer(interview.state, "reviewed_by", reviewed_by)
    now = utcnow()
    self_approved = policy.self_approval(reviewer, interview, editors)
    if self_approved:  # an admin approving the help plan they filled: kept with the record
        state[SELF_APPROVAL_KEY] = {"by": reviewed_by, "user_id": reviewer.id, "at": now.isoformat()}
    _transition(session, interview, {"status": "approved", "state": state, "approved_at": now,
                                     "approved_by": reviewer.id, "changed_at": now})
    session.add(AnswerEvent(interview_id=interview_id, path="reviewed_by", action="set", old=old,
                            new=reviewed_by, actor_id=reviewer.id))
    session.add(AuditLog(actor_id=reviewer.id, action="approve_interview",
                         detail={"interview_id": interview_id, "ref": interview.ref,
                                 **({"self_approval": True} if self_approved else {})}))
    session.commit()
    session.expire_all()
    approved = session.get(Interview, interview_id)
    assert approved is not None
    return approved


def return_to_author(session: Session, *, interview_id: int, reviewer: User, comment: str,
                     paths: list[str]) -> Interview:
    """Return for changes: back to draft with the cursor at the first named field.

    The author's active interview is left alone: they may be answering another household right now,
    and their next answer must land there. They are told (with a button that opens this record); only
    their own choice makes it the active one.
    """
    interview = session.get(Interview, interview_id)
    if interview is None or interview.status != "submitted":
        raise ReviewError(interview.status if interview else "missing")
    if not comment.strip() or not paths:
        raise ValueError("a return needs a comment that names at least one field")
    state = reopen_at(interview.state, paths)
    state[RETURNS_KEY] = [*state.get(RETURNS_KEY, []),  # what the next review compares against (last_return)
                          {"at": utcnow().isoformat(), "by": reviewer.id, "comment": comment.strip(), "paths": paths,
                           "version": interview.version + 1}]
    _transition(session, interview, {"status": "returned", "state": state, "review_comment": comment.strip(),
                                     "changed_at": utcnow()})
    session.add(AuditLog(actor_id=reviewer.id, action="return_interview",
                         detail={"interview_id": interview_id, "ref": interview.ref, "paths": paths}))
    session.commit()
    session.expire_all()
    returned = session.get(Interview, interview_id)
    assert returned is not None
    return returned


@dataclass(frozen=True)
class Change:
    """One answer changed since the record was last returned: old → new, who, when."""

    path: str
    old: Any
    new: Any
    actor: User | None
    at: datetime


def last_return(interview: Interview) -> dict[str, Any] | None:
    """The latest return of this record (its time, reviewer id, comment, fields), if it was ever returned."""
    returns = (interview.state or {}).get(RETURNS_KEY) or []
    return returns[-1] if returns else None


def changes_since_return(session: Session, interview: Interview) -> list[Change]:
    """Each answer changed after the last return, once (the first old value, the last new one), in order."""
    back = last_return(interview)
    if back is None:
        return []
    since = datetime.fromisoformat(str(back["at"]))
    events = session.exec(select(AnswerEvent).where(col(AnswerEvent.interview_id) == interview.id,
                                                    col(AnswerEvent.at) >= since, col(AnswerEvent.path) != "reviewed_by")
                          .order_by(col(AnswerEvent.id))).all()
    first: dict[str, AnswerEvent] = {}
    last: dict[str, AnswerEvent] = {}
    for ev in events:
        first.setdefault(ev.path, ev)
        last[ev.path] = ev
    people = {u.id: u for u in session.exec(select(User).where(
        col(User.id).in_({ev.actor_id for ev in last.values() if ev.actor_id is not None})))}
    return [Change(path, first[path].old, ev.new, people.get(ev.actor_id), ev.at)
            for path, ev in last.items() if first[path].old != ev.new]
def reopen_for_author(session: Session, *, interview_id: int, author: User) -> Interview:
    """The worker changes their submitted self-report before staff acted on it: a draft again, at the
    final review, until they sign again (audited; a review that came first wins, compare-and-set)."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise ReviewError("missing")
    if interview.status != "submitted":
        raise ReviewError(interview.status)
    policy.require(policy.may_change_own(author, interview), interview_id)
    _transition(session, interview, {"status": "draft", "state": reopen_for_changes(interview.state),
                                     "changed_at": utcnow()})
    session.add(AuditLog(actor_id=author.id, action="reopen_own",
                         detail={"interview_id": interview_id, "ref": interview.ref}))
    session.commit()
    session.expire_all()
    reopened = session.get(Interview, interview_id)
    assert reopened is not None
    return reopened
