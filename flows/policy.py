"""Who may do what: every access decision of the archive in one pure module.

Users and records come in as anything with the right attributes (the storage models, a test's
small value), so this module needs nothing of storage. Storage turns ``Visibility`` into SQL;
the service and the adapters call the predicates. Change a rule here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

ROLES = ("worker", "surveyor", "staff", "admin")  # in rank order: an invite never lowers a role
STAFF_ROLES = ("staff", "admin")
SEARCH_ROLES = ("surveyor", "staff", "admin")  # who works on other people's households


class AccessDenied(Exception):
    """The user's role does not allow this action."""


class Actor(Protocol):
    """A user as policy sees them."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def unit(self) -> str: ...


class Record(Protocol):
    """An interview (household, follow-up, self-report) as policy sees it."""

    @property
    def created_by(self) -> int | None: ...
    @property
    def subject_user_id(self) -> int | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class RecordRef:
    """A record by its policy-relevant facts only (one about to be created, or a test's)."""

    created_by: int | None
    kind: str = "survey"
    unit: str = ""
    subject_user_id: int | None = None


@dataclass(frozen=True)
class Visibility:
    """Which records a user may see, as data: a record is visible when any part matches.

    Storage translates it into one SQL condition and ``allows`` is the same rule in Python, so a
    list, a search and opening one record cannot disagree.
    """

    all_units: bool = False
    units: tuple[str, ...] = ()
    creator_id: int | None = None
    subject_id: int | None = None
    unassigned_self: bool = False  # self-reports not yet taken over by any unit

    def allows(self, record: Record) -> bool:
        """Whether ``record`` is visible under this description."""
        if self.all_units or record.unit in self.units:
            return True
        if self.creator_id is not None and record.created_by == self.creator_id:
            return True
        if self.subject_id is not None and record.subject_user_id == self.subject_id:
            return True
        return self.unassigned_self and record.unit == "" and record.kind == "self"


def visibility(user: Actor) -> Visibility:
    """Admins see every unit; staff their unit's records and unassigned self-reports; others their own.

    "Their own" is what they created or are the subject of. Surveyors see only what they created,
    not the rest of their unit (the one copy that said otherwise, storage's search, was the odd one).
    """
    if user.role == "admin":
        return Visibility(all_units=True)
    # A worker's self-report that no unit has taken over yet: any unit's staff may triage it.
    staff = user.role == "staff"
    return Visibility(units=(user.unit,) if staff else (), creator_id=user.id, subject_id=user.id,
                      unassigned_self=staff)


def unit_scope(user: Actor) -> Visibility:
    """The records staff manage as a unit (close, reopen, candidates, exports): their unit's; admins all."""
    if user.role == "admin":
        return Visibility(all_units=True)
    if user.role == "staff":
        return Visibility(units=(user.unit,))
    raise AccessDenied(f"{user.role} does not manage a unit's households")


def can_open(user: Actor, record: Record) -> bool:
    """Open a record and change its answers: whoever may see it (``visibility``)."""
    return visibility(user).allows(record)


def may_search(user: Actor) -> bool:
    """Search the archive, read household cards and start follow-ups: surveyors, staff, admins."""
    return user.role in SEARCH_ROLES


def can_see_household(user: Actor, record: Record) -> bool:
    """A household's card, history and follow-ups: searchers, for the records they may open."""
    return may_search(user) and can_open(user, record)


def can_review(user: Actor, record: Record) -> bool:
    """Approve, return, take over or re-categorise a submitted record: staff who may open it, admins."""
    return user.role in STAFF_ROLES and can_open(user, record)


def can_override_category(user: Actor, record: Record) -> bool:
    """`intake override`: surveyors, staff of the record's unit, admins (both categories are kept)."""
    return user.role in SEARCH_ROLES and (user.role != "staff" or record.unit == user.unit)


def is_unit_staff(user: Actor, unit: str) -> bool:
    """Manage a unit's households (脱困, 返贫, 公示, exports): admins, and staff of ``unit``."""
    return user.role == "admin" or (user.role == "staff" and user.unit == unit)


def require(allowed: bool, what: object) -> None:
    """Raise AccessDenied(what) unless ``allowed``."""
    if not allowed:
        raise AccessDenied(what)


def outranks(role: str, than: str) -> bool:
    """Whether ``role`` is above ``than`` (unknown roles rank as worker)."""
    rank = {r: i for i, r in enumerate(ROLES)}
    return rank.get(role, 0) > rank.get(than, 0)


def engine_role(user: Actor, record: Record | None = None) -> str:
    """Which questions apply (flows.slots: the staff parts are not asked of workers).

    Workers get the worker's questions, surveyors the surveyor's, staff and admins the staff's, when a
    record is started and at every later answer alike. The role alone decides: the record (accepted
    so callers that hold one need not care) does not change the answer today.
    """
    if user.role in STAFF_ROLES:
        return "staff"
    return "surveyor" if user.role == "surveyor" else "worker"
