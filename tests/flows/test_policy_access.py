"""Issue 13 in flows.policy: invites, unassigned self-reports, the current role, the duplicate check."""

from __future__ import annotations

from dataclasses import dataclass

from flows import policy
from flows.policy import RecordRef

DONGBAO, DUODAO = "东宝区总工会", "掇刀区总工会"


@dataclass(frozen=True)
class Person:
    id: int | None
    role: str
    unit: str = ""


ADMIN = Person(1, "admin")
STAFF_A = Person(2, "staff", DONGBAO)
STAFF_B = Person(3, "staff", DUODAO)
SURVEYOR_A = Person(4, "surveyor", DONGBAO)
WORKER = Person(6, "worker")

SELF_SUBMITTED = RecordRef(created_by=6, kind="self", unit="", subject_user_id=6, status="submitted", region="东宝区")
SELF_DRAFT = RecordRef(created_by=6, kind="self", unit="", subject_user_id=6, status="draft", region="东宝区")
SELF_NO_REGION = RecordRef(created_by=6, kind="self", unit="", subject_user_id=6, status="submitted")
SURVEY_A = RecordRef(created_by=4, kind="survey", unit=DONGBAO, status="submitted", region="东宝区")


# --- finding 1: invites ---------------------------------------------------------------------

def test_an_invite_of_a_lower_role_is_refused_not_half_applied() -> None:
    decided = policy.redeem_decision(STAFF_A, "surveyor", DUODAO, by_admin=True)
    assert decided.refused == "lower" and not decided.unit


def test_a_staff_members_invite_never_moves_a_person_to_another_unit() -> None:
    assert policy.redeem_decision(SURVEYOR_A, "surveyor", DUODAO, by_admin=False).refused == "other_unit"
    assert policy.redeem_decision(SURVEYOR_A, "staff", DUODAO, by_admin=False).refused == "other_unit"


def test_an_admins_invite_moves_only_with_the_move_marked_for_confirmation() -> None:
    decided = policy.redeem_decision(SURVEYOR_A, "staff", DUODAO, by_admin=True)
    assert (decided.refused, decided.role, decided.unit, decided.move) == ("", "staff", DUODAO, True)


def test_a_person_without_a_unit_joins_one_without_a_move() -> None:
    decided = policy.redeem_decision(WORKER, "surveyor", DONGBAO, by_admin=False)
    assert (decided.refused, decided.role, decided.unit, decided.move) == ("", "surveyor", DONGBAO, False)
    same = policy.redeem_decision(SURVEYOR_A, "surveyor", "", by_admin=False)
    assert (same.refused, same.unit, same.move) == ("", DONGBAO, False), "an invite without a unit keeps it"


def test_who_may_invite_which_role_and_to_which_unit() -> None:
    assert policy.invitable_roles(STAFF_A) == ("surveyor",) and policy.invitable_roles(SURVEYOR_A) == ()
    assert "staff" in policy.invitable_roles(ADMIN)
    assert policy.invite_unit(STAFF_A, DUODAO) == DONGBAO and policy.invite_unit(ADMIN, DUODAO) == DUODAO


# --- finding 2: unassigned self-reports -----------------------------------------------------

def test_an_unassigned_self_report_is_read_only_by_staff_of_the_unit_it_claims() -> None:
    assert policy.can_read(STAFF_A, SELF_SUBMITTED) and not policy.can_read(STAFF_B, SELF_SUBMITTED)
    assert not policy.can_open(STAFF_A, SELF_SUBMITTED), "read only until taken over"
    assert not policy.can_review(STAFF_A, SELF_SUBMITTED)
    assert policy.can_take_over(STAFF_A, SELF_SUBMITTED) and not policy.can_take_over(STAFF_B, SELF_SUBMITTED)
    assert policy.can_see_review(STAFF_A, SELF_SUBMITTED) and not policy.can_see_review(STAFF_B, SELF_SUBMITTED)


def test_a_self_report_is_nobodys_before_it_is_submitted_and_no_region_is_no_claim() -> None:
    for staff in (STAFF_A, STAFF_B):
        assert not policy.can_read(staff, SELF_DRAFT) and not policy.can_open(staff, SELF_DRAFT)
        assert not policy.can_read(staff, SELF_NO_REGION)
    assert policy.can_read(ADMIN, SELF_NO_REGION) and policy.can_take_over(ADMIN, SELF_NO_REGION)
    assert policy.can_open(WORKER, SELF_DRAFT), "the worker's own"


def test_another_persons_self_report_never_becomes_anyones_to_change() -> None:
    assigned = RecordRef(created_by=6, kind="self", unit=DONGBAO, subject_user_id=6, status="draft")
    assert not policy.can_open(STAFF_A, assigned) and not policy.can_open(ADMIN, assigned)
    assert policy.can_open(WORKER, assigned)


# --- finding 3: the duplicate-ID check --------------------------------------------------------

def test_the_duplicate_check_details_only_for_those_who_may_read_the_record() -> None:
    assert policy.duplicate_details(STAFF_A, SURVEY_A) and policy.duplicate_details(SURVEYOR_A, SURVEY_A)
    assert not policy.duplicate_details(STAFF_B, SURVEY_A)
    assert not policy.duplicate_details(Person(5, "surveyor", DUODAO), SURVEY_A)
    assert not policy.duplicate_details(Person(7, "surveyor", DUODAO), SELF_SUBMITTED)


# --- finding 8: the current role decides -----------------------------------------------------

def test_a_demoted_surveyor_keeps_no_household_they_created() -> None:
    demoted = Person(4, "worker", DONGBAO)
    draft = RecordRef(created_by=4, kind="survey", unit=DONGBAO)
    assert policy.can_open(SURVEYOR_A, draft) and not policy.can_open(demoted, draft)
    assert not policy.can_see_household(demoted, draft) and not policy.can_override_category(demoted, draft)
    assert policy.visibility(demoted).creator_id is None


# --- issue 11: one rule for overriding 困难类别 -------------------------------------------------

def test_overriding_the_category_follows_the_records_owner_for_every_role() -> None:
    other_surveyor = Person(5, "surveyor", DUODAO)
    assert policy.can_override_category(SURVEYOR_A, SURVEY_A) and policy.can_override_category(STAFF_A, SURVEY_A)
    assert not policy.can_override_category(other_surveyor, SURVEY_A), "a surveyor of another unit"
    assert not policy.can_override_category(STAFF_B, SURVEY_A)


def test_the_audit_is_for_admins_and_staff_of_their_own_unit() -> None:
    assert policy.can_audit(ADMIN, None) and policy.can_audit(ADMIN, DUODAO)
    assert policy.can_audit(STAFF_A, DONGBAO) and not policy.can_audit(STAFF_A, DUODAO)
    assert not policy.can_audit(STAFF_A, None) and not policy.can_audit(SURVEYOR_A, DONGBAO)
