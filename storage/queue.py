"""The review queue in SQL: the true count, pages, filters, the next record, a filtered selection to approve.

Every query is scoped by ``storage.households.readable_filter`` (flows.policy.readable): the list, the
count and the bulk selection cannot disagree with opening one record. Pages are LIMIT/OFFSET over
(submitted_at, id), which the indexes on ``status`` and ``submitted_at`` serve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from flows import policy
from flows.categories import NOT_ELIGIBLE
from flows.consistency import CHECKS_KEY
from flows.form_entry import stored_key
from storage.households import readable_filter
from storage.models import Interview, User
from storage.review import plan_editors

PAGE_SIZE = 10
STATUSES = ("submitted", "returned", "approved")  # what the queue can list (the filter's status)
NO_CATEGORY = "-"  # the category filter for 不符合认定标准 (no category, none set by hand)
DAYS = (1, 7, 30)  # submitted within the last n days (the date filter), or ``older`` than the longest


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: a status, and optionally a 困难类别 (as decided or as overridden), a
    surveyor (the record's author), a submission window, only records with warnings or overrides."""

    status: str = "submitted"
    category: str | None = None  # a category, NO_CATEGORY, or None for all
    author_id: int | None = None
    days: int | None = None  # submitted within the last ``days`` days (negative: earlier than that)
    warnings: bool = False
    overrides: bool = False

    def but(self, **changes: object) -> QueueFilter:
        """This filter with some parts changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _conditions(user: User, f: QueueFilter, now: datetime, tz: tzinfo) -> list[ColumnElement[bool]]:
    policy.require(policy.is_staff(user), f"{user.role} does not review")
    where: list[ColumnElement[bool]] = [col(Interview.status) == f.status,
                                        col(Interview.form_key) == stored_key("household"), readable_filter(user)]
    decided = func.coalesce(col(Interview.override_category), col(Interview.category))
    if f.category == NO_CATEGORY:
        where.append(or_(decided.is_(None), decided == NOT_ELIGIBLE))
    elif f.category:
        where.append(decided == f.category)
    if f.author_id is not None:
        where.append(col(Interview.created_by) == f.author_id)
    if f.days:
        local_midnight = datetime.combine(now.astimezone(tz).date() - timedelta(days=abs(f.days) - 1), time(), tz)
        start = local_midnight.astimezone(timezone.utc)
        where.append(col(Interview.submitted_at) >= start if f.days > 0 else col(Interview.submitted_at) < start)
    if f.warnings:  # state["checks"] stored at submit: a JSON list, "[]" when the household had none
        where.append(col(Interview.state)[CHECKS_KEY].as_string().like("[{%"))
    if f.overrides:
        where.append(col(Interview.override_category).is_not(None))
    return where


def count(session: Session, *, user: User, f: QueueFilter, now: datetime, tz: tzinfo) -> int:
    """How many records the filter holds for this user (the true figure, not a page's)."""
    stmt = select(func.count()).select_from(Interview).where(*_conditions(user, f, now, tz))
    return int(session.exec(stmt).one())


def page(session: Session, *, user: User, f: QueueFilter, number: int, now: datetime, tz: tzinfo,
         size: int = PAGE_SIZE) -> list[Interview]:
    """One page (0-based) of the filter's records, oldest submission first."""
    stmt = select(Interview).where(*_conditions(user, f, now, tz))
    stmt = stmt.order_by(col(Interview.submitted_at), col(Interview.id)).offset(max(number, 0) * size).limit(size)
    return list(session.exec(stmt))


def selection(session: Session, *, user: User, f: QueueFilter, now: datetime, tz: tzinfo,
              limit: int = 1000) -> list[Interview]:
    """The filter's records this user may approve (bulk approval): waiting ones, separation of duties kept."""
    stmt = select(Interview).where(*_conditions(user, f.but(status="submitted"), now, tz))
    found = list(session.exec(stmt.order_by(col(Interview.submitted_at), col(Interview.id)).limit(limit)))
    editors = plan_editors(session, [iv.id or 0 for iv in found])
    return [iv for iv in found if policy.can_approve(user, iv, editors.get(iv.id or 0, ()))]


def next_waiting(session: Session, *, user: User, after: int, now: datetime, tz: tzinfo,
                 f: QueueFilter | None = None) -> Interview | None:
    """The oldest waiting record other than ``after`` that this user may approve (审核通过 moves on to it)."""
    stmt = select(Interview).where(*_conditions(user, (f or QueueFilter()).but(status="submitted"), now, tz),
                                   col(Interview.id) != after)
    found = list(session.exec(stmt.order_by(col(Interview.submitted_at), col(Interview.id)).limit(50)))
    editors = plan_editors(session, [iv.id or 0 for iv in found])
    for iv in found:
        if policy.can_approve(user, iv, editors.get(iv.id or 0, ())):
            return iv
    return None


def authors(session: Session, *, user: User, f: QueueFilter, now: datetime, tz: tzinfo,
            limit: int = 20) -> list[tuple[User, int]]:
    """The people whose records the filter holds (ignoring its own author part), with how many each."""
    where = _conditions(user, f.but(author_id=None), now, tz)
    stmt = (select(User, func.count()).join(Interview, col(Interview.created_by) == col(User.id)).where(*where)
            .group_by(col(User.id)).order_by(func.count().desc(), col(User.id)).limit(limit))
    return [(u, int(n)) for u, n in session.exec(stmt)]

