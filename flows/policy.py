"""Who may do what: every access decision of the archive in one pure module.

Users and records come in as anything with the right attributes (the storage models, a test's
small value), so this module needs nothing of storage. Storage turns ``Visibility`` into SQL;
the service and the adapters call the predicates. Change a rule here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

ROLES = ("worker", "surveyor", "staff", "admin")  # in rank order: an invite never lowers a role
STAFF_ROLES = ("staff", "admin")
SEARCH_ROLES = ("surveyor", "staff", "admin")  # who works on other people's households
WORKER, SURVEYOR = "worker", "surveyor"
OPERATOR_INVITES = ("worker", "surveyor", "staff")  # `intake invite` on the server: every role but admin
HELP_PLAN = "help_plan"  # the archive form's 帮扶计划 section: who fills it does not also approve it


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
    status: str = "draft"
    region: str = ""


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
    claim_unit: str | None = None  # submitted unassigned self-reports that claim this unit (read only)

    def allows(self, record: Record) -> bool:
        """Whether ``record`` is visible under this description."""
        if self.all_units or record.unit in self.units:
            return True
        if self.creator_id is not None and record.created_by == self.creator_id:
            return True
        if self.subject_id is not None and record.subject_user_id == self.subject_id:
            return True
        return self.claim_unit is not None and is_unassigned_self(record) \
            and getattr(record, "status", "") == "submitted" and claims(record, self.claim_unit)


def is_unassigned_self(record: Record) -> bool:
    """A worker's self-report that no unit has taken over yet."""
    return record.unit == "" and record.kind == "self"


def claims(record: Record, unit: str) -> bool:
    """Whether an unassigned self-report claims ``unit``: the unit is the union of its 户口所在地.

    The worker names no unit; the region they answered (东宝区) is the claim, and the unit whose
    name begins with it (东宝区总工会) is the one claimed. No region, no claim (admins only).
    """
    region = str(getattr(record, "region", "") or "")
    return bool(region and unit and unit.startswith(region))


def visibility(user: Actor) -> Visibility:
    """What a user may open and change: admins every unit; staff their unit's; everyone their own.

    "Their own" is what they are the subject of, and, for the roles that work on other people's
    households (surveyors, staff), what they created: the role is the one they hold now, so a
    surveyor demoted to worker keeps only their own self-report. Surveyors see only what they
    created, not the rest of their unit. Unassigned self-reports are not in it (see ``readable``).
    """
    if user.role == "admin":
        return Visibility(all_units=True)
    staff = user.role == "staff"
    return Visibility(units=(user.unit,) if staff and user.unit else (),
                      creator_id=user.id if user.role in SEARCH_ROLES else None, subject_id=user.id)


def readable(user: Actor) -> Visibility:
    """What a user may read (review card, download, review list): ``visibility``, and for staff the
    submitted unassigned self-reports that claim their unit (read only until one of them takes it over)."""
    seen = visibility(user)
    if user.role == "staff" and user.unit:
        return Visibility(units=seen.units, creator_id=seen.creator_id, subject_id=seen.subject_id,
                          claim_unit=user.unit)
    return seen


def unit_scope(user: Actor) -> Visibility:
    """The records staff manage as a unit (close, reopen, candidates, exports): their unit's; admins all."""
    if user.role == "admin":
        return Visibility(all_units=True)
    if user.role == "staff":
        return Visibility(units=(user.unit,))
    raise AccessDenied(f"{user.role} does not manage a unit's households")


def can_open(user: Actor, record: Record) -> bool:
    """Open a record as one's active interview and change its answers (``visibility``).

    A self-report is the worker's own: nobody else opens or changes it until staff take it over
    (it then becomes their unit's survey), so another person's draft never becomes theirs.
    """
    if record.kind == "self" and record.subject_user_id is not None and record.subject_user_id != user.id:
        return False
    return visibility(user).allows(record)


def can_read(user: Actor, record: Record) -> bool:
    """Read a record whole (review card, download): ``readable``."""
    return readable(user).allows(record)


def can_take_over(user: Actor, record: Record) -> bool:
    """Take a submitted self-report over (into one's unit): staff who may read it, admins."""
    return user.role in STAFF_ROLES and record.kind == "self" and can_read(user, record)


def may_change_own(user: Actor, record: Record) -> bool:
    """A worker changes their own submitted self-report, until staff act on it (approve, return, take over)."""
    return record.kind == "self" and record.subject_user_id == user.id and \
        getattr(record, "status", "") == "submitted"


def is_staff(user: Actor) -> bool:
    """Review, invite, list candidates: staff and admins."""
    return user.role in STAFF_ROLES


def is_admin(user: Actor) -> bool:
    """Roles, units, invites of any role: admins."""
    return user.role == "admin"


def may_start_survey(user: Actor) -> bool:
    """Start an interview of someone else's household (/new): surveyors, staff, admins."""
    return user.role in SEARCH_ROLES


def answers_for_self(user: Actor) -> bool:
    """A worker answers about themselves: a shared phone number must be their own (and the share button is theirs)."""
    return user.role == WORKER


def start_kind(user: Actor) -> str:
    """The kind of interview a person starts by default: workers their self-report, others a survey."""
    return "survey" if may_start_survey(user) else "self"


def may_search(user: Actor) -> bool:
    """Search the archive, read household cards and start follow-ups: surveyors, staff, admins."""
    return user.role in SEARCH_ROLES


def can_see_household(user: Actor, record: Record) -> bool:
    """A household's card, history and follow-ups: searchers, for the records they may open."""
    return may_search(user) and visibility(user).allows(record)


def can_review(user: Actor, record: Record) -> bool:
    """Approve or return a submitted record: staff whose unit's it is (``visibility``), admins.

    An unassigned self-report is only readable: it is taken over (into a unit) before anything else.
    """
    return user.role in STAFF_ROLES and visibility(user).allows(record)


class FormSections(Protocol):
    """A form as policy sees it (flows.form.Form; not imported: flows.form reads ROLES from here)."""

    @property
    def sections(self) -> Sequence[Any]: ...


def help_plan_paths(form: FormSections) -> frozenset[str]:
    """The answer-journal paths of the form's 帮扶计划 fields a person fills (审核人, set by approval, is not one)."""
    return frozenset(f.key for s in form.sections if s.key == HELP_PLAN for f in s.fields if f.asked)


def authored(user: Actor, record: Record, plan_editors: Collection[int] = ()) -> bool:
    """Whether the user filled the record's staff parts (帮扶计划): its author (who took it over or started
    it), or anyone who answered one of its help-plan fields (``plan_editors``: their user ids, from the
    answer journal, storage.review.plan_editors)."""
    return user.id is not None and (record.created_by == user.id or user.id in plan_editors)


def can_approve(user: Actor, record: Record, plan_editors: Collection[int] = ()) -> bool:
    """审核通过: ``can_review``, and separation of duties: whoever filled a record's help plan (its author,
    who took it over, who edited a help-plan field) does not also approve it, unless an admin (then
    ``self_approval`` marks it)."""
    return can_review(user, record) and (not authored(user, record, plan_editors) or user.role == "admin")


def self_approval(user: Actor, record: Record, plan_editors: Collection[int] = ()) -> bool:
    """An approval that breaks the separation of duties (an admin approving what they filled): marked and audited."""
    return authored(user, record, plan_editors) and user.role == "admin"


def can_see_review(user: Actor, record: Record) -> bool:
    """The review card and the record as a file: staff who may read it, admins."""
    return user.role in STAFF_ROLES and can_read(user, record)


def can_override_category(user: Actor, record: Record) -> bool:
    """Change the 困难类别 (bot and `intake override` alike; both categories are kept).

    Surveyors for the records they created, staff for their unit's, admins for any (``visibility``),
    in a role that works on other people's households.
    """
    return user.role in SEARCH_ROLES and visibility(user).allows(record)


def can_audit(user: Actor, unit: str | None) -> bool:
    """`intake audit`: admins for every unit (``unit`` None) or one; staff for their own unit only."""
    if user.role == "admin":
        return True
    return user.role == "staff" and bool(user.unit) and unit == user.unit


def role_rank(role: str) -> int:
    """A role's place in ROLES (unknown roles rank as worker)."""
    return ROLES.index(role) if role in ROLES else 0


def invitable_roles(user: Actor) -> tuple[str, ...]:
    """The roles a user may invite to: admins surveyors, staff and workers (any unit); staff surveyors."""
    if user.role == "admin":
        return ("surveyor", "staff", "worker")
    return ("surveyor",) if user.role == "staff" else ()


def invite_unit(user: Actor, asked: str) -> str:
    """The unit an invite binds to: admins name any unit, staff always invite to their own."""
    return asked if user.role == "admin" and asked else user.unit


@dataclass(frozen=True)
class InviteDecision:
    """What redeeming an invite does to a person: ``refused`` (a reason), else the role and unit after it.

    ``move`` is True when the person would change unit: that needs their explicit confirmation,
    and is only allowed for invites an admin made (a unit change is an admin action).
    """

    refused: str = ""
    role: str = ""
    unit: str = ""
    move: bool = False


def redeem_decision(person: Actor, invite_role: str, invite_unit: str, *, by_admin: bool) -> InviteDecision:
    """The rule for redeeming an invite: never lower a role, never move a unit unasked or unadmin'd.

    ``by_admin``: the invite was made by an admin (or on the command line by the operator).
    Reasons: ``lower`` (the invite's role is below the person's), ``other_unit`` (it would move
    them to another unit and was not made by an admin).
    """
    if role_rank(invite_role) < role_rank(person.role):
        return InviteDecision(refused="lower")
    role = invite_role if outranks(invite_role, person.role) else person.role
    unit = invite_unit or person.unit
    move = bool(person.unit) and unit != person.unit
    if move and not by_admin:
        return InviteDecision(refused="other_unit")
    return InviteDecision(role=role, unit=unit, move=move)


def is_unit_staff(user: Actor, unit: str) -> bool:
    """Manage a unit's households (脱困, 返贫, 公示, exports): admins, and staff of ``unit``."""
    return user.role == "admin" or (user.role == "staff" and user.unit == unit)


def require(allowed: bool, what: object) -> None:
    """Raise AccessDenied(what) unless ``allowed``."""
    if not allowed:
        raise AccessDenied(what)


def outranks(role: str, than: str) -> bool:
    """Whether ``role`` is above ``than`` (unknown roles rank as worker)."""
    return role_rank(role) > role_rank(than)


def duplicate_details(user: Actor, found: Record) -> bool:
    """Whether the duplicate-ID check may tell the user who holds the number (name, status, 编号).

    Only those who may read the record on file; everyone else is told just that the number is
    registered already and to contact staff, so the check discloses nothing of another unit.
    """
    return can_read(user, found)


def engine_role(user: Actor, record: Record | None = None) -> str:
    """Which questions apply (flows.slots: the staff parts are not asked of workers).

    Workers get the worker's questions, surveyors the surveyor's, staff and admins the staff's, when a
    record is started and at every later answer alike. The role alone decides: the record (accepted
    so callers that hold one need not care) does not change the answer today.
    """
    if user.role in STAFF_ROLES:
        return "staff"
    return "surveyor" if user.role == "surveyor" else "worker"
